"""Page tokens for List methods (AIP-158): keyset (seek) paging.

A page token holds the sort key of the last row a page showed, and the next page is the rows after
that key in the list's order. Rows written between two pages therefore shift nothing — a client
paging through a newest-first list that is being written to gets every earlier row exactly once —
and a deep page is one index seek, where an OFFSET read and dropped every row before it.

Tokens are opaque to clients: base64url of ``[version, list kind, filter digest, key]``. The kind
binds a token to its list; the digest binds it to the request's other fields, which AIP-158 asks
clients to keep while paging (another filter with this token is refused, rather than continued from
a position of another list); the key is checked against the types of the list's sort columns. So a
garbage, tampered or oversized token is INVALID_PAGE_TOKEN, never a database error. Nothing in a
token needs to be secret: a forged key only moves where a page starts, and every filter — the
caller's jurisdiction first — still applies to the rows.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf.message import Message
from sqlalchemy import Row, Select, literal, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from servicekit.errors import DomainError, invalid

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
TOKEN_VERSION = 1
# Far above any real token (a date and a UUID make about 120 characters), far below a costly parse.
MAX_TOKEN_LENGTH = 512
_BIGINT = range(-(2**63), 2**63)


def page_size(requested: int) -> int:
    if requested < 0:
        raise invalid("INVALID_PAGE_SIZE", "page_size 不能为负数", "page_size")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _bad_token(message: str = "page_token 无效") -> DomainError:
    return invalid("INVALID_PAGE_TOKEN", message, "page_token")


class Keyset:
    """The order of one list: a short kind tag its tokens carry, and its sort columns as given to
    ``order_by`` — all ascending or all descending, NOT NULL, the last one unique (it breaks ties,
    so that every row has its own place). "After a key" is then one row-value comparison, which
    PostgreSQL answers from an index on the same columns."""

    def __init__(self, kind: str, *order: ColumnElement) -> None:
        self.kind = kind
        self.order = order
        self.columns = tuple(o.element if isinstance(o, UnaryExpression) else o for o in order)
        directions = {isinstance(o, UnaryExpression) and o.modifier is operators.desc_op for o in order}
        if len(directions) != 1:
            raise ValueError(f"{kind}: a keyset orders all its columns one way")
        self.descending = directions.pop()

    def seek(self, request: Message) -> Seek:
        """The page a List request asks for: its size, and the key its token continues after."""
        size = page_size(request.page_size)
        scope = self._scope(request)
        after = self._decode(request.page_token, scope) if request.page_token else None
        return Seek(self, size, scope, after)

    def _scope(self, request: Message) -> str:
        """A digest of the request's fields other than the page's own."""
        filters = type(request)()
        filters.CopyFrom(request)
        filters.ClearField("page_token")
        filters.ClearField("page_size")
        return hashlib.sha256(filters.SerializeToString(deterministic=True)).hexdigest()[:16]

    def encode(self, scope: str, key: Sequence[Any]) -> str:
        payload = [TOKEN_VERSION, self.kind, scope, [_to_json(v) for v in key]]
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, token: str, scope: str) -> tuple:
        if len(token) > MAX_TOKEN_LENGTH:
            raise _bad_token()
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
            version, kind, token_scope, key = json.loads(raw)
            if version != TOKEN_VERSION or kind != self.kind or not isinstance(key, list) \
                    or len(key) != len(self.columns):
                raise ValueError(kind)
            after = tuple(_from_json(c, v) for c, v in zip(self.columns, key))
        except (ValueError, TypeError, OverflowError, RecursionError):
            raise _bad_token() from None
        if token_scope != scope:
            raise _bad_token("page_token 与查询条件不符：翻页时其他查询条件须与第一页相同，请从第一页重新查询")
        return after

    def follows(self, key: tuple, after: tuple) -> bool:
        """Whether a row with ``key`` comes after ``after`` in this order."""
        return key < after if self.descending else key > after


@dataclass(frozen=True)
class Seek:
    """One page of a list: where it starts, how long it is; and the token of the page after it."""

    keyset: Keyset
    size: int
    scope: str
    after: tuple | None = None

    def select(self, query: Select) -> Select:
        """``query`` restricted to the rows after the token's, in the list's order, one row more
        than the page (which tells whether another page follows)."""
        ks = self.keyset
        if self.after is not None:
            position = tuple_(*ks.columns)
            start = tuple_(*(literal(v, c.type) for c, v in zip(ks.columns, self.after)))
            query = query.where(position < start if ks.descending else position > start)
        return query.order_by(*ks.order).limit(self.size + 1)

    async def fetch(self, session: AsyncSession, query: Select) -> tuple[Sequence[Row], str]:
        """The page's rows of ``query`` and the next page's token ('' on the last page)."""
        return self.page((await session.execute(self.select(query))).all())

    def page(self, rows: Sequence[T], key: Callable[[T], tuple] | None = None) -> tuple[Sequence[T], str]:
        """The page of ``rows`` (read with ``select``) and the next page's token. Rows are keyed by
        the sort columns they carry, or by ``key``."""
        if len(rows) <= self.size:
            return rows, ""
        last = rows[self.size - 1]
        values = key(last) if key else tuple(last._mapping[c] for c in self.keyset.columns)  # type: ignore[attr-defined]
        return rows[:self.size], self.keyset.encode(self.scope, values)

    def slice(self, items: Sequence[T], key: Callable[[T], tuple]) -> tuple[Sequence[T], str]:
        """The page of a list already in memory, in the keyset's order (``key`` gives each item's)."""
        after = self.after
        following = items if after is None else [i for i in items if self.keyset.follows(key(i), after)]
        return self.page(following[:self.size + 1], key)


def _to_json(value: Any) -> Any:
    if isinstance(value, (dt.date, uuid.UUID)):  # dates, times with their offset, UUIDs
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _from_json(column: ColumnElement, value: Any) -> Any:
    """A key value as the column takes it; ValueError (or TypeError) when it cannot be one."""
    python_type = column.type.python_type
    if python_type is int:
        if type(value) is not int or value not in _BIGINT:
            raise ValueError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    if python_type is str:
        if "\x00" in value:
            raise ValueError(value)
        value.encode()  # a lone surrogate (JSON allows one) cannot go to PostgreSQL
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is dt.datetime:
        parsed = dt.datetime.fromisoformat(value)
        if (parsed.tzinfo is not None) != bool(getattr(column.type, "timezone", False)):
            raise ValueError(value)
        return parsed.astimezone(dt.timezone.utc) if parsed.tzinfo else parsed  # OverflowError out of range
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    raise TypeError(f"no page-token form for {python_type}")
