"""Page tokens for List methods (AIP-158): keyset paging, without a database — the tokens, the
statement a seek adds, and pages cut from rows already read."""
from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from types import SimpleNamespace

import pytest
from civic.api.v1 import audit_pb2 as pb
from sqlalchemy import BigInteger, Column, Date, DateTime, MetaData, Table, Text, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import UUID

from servicekit.errors import DomainError, ErrorKind
from servicekit.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_TOKEN_LENGTH, Keyset, page_size

things = Table(
    "things", MetaData(schema="t"),
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("day", Date, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("n", BigInteger, nullable=False),
    Column("code", Text, nullable=False),
)
c = things.c
NEWEST = Keyset("things", c.day.desc(), c.id.desc())
EVERY_TYPE = Keyset("typed", c.day, c.at, c.n, c.code, c.id)
KEY = (dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 1, 2, 3, 456789, tzinfo=dt.timezone.utc), 2**62, "4212", uuid.uuid4())


def request(**fields) -> pb.ListAuditRecordsRequest:
    return pb.ListAuditRecordsRequest(**fields)


def token_after(keyset: Keyset, key: tuple, **fields) -> str:
    return keyset.encode(keyset.seek(request(**fields)).scope, key)


def sql(statement) -> str:
    return " ".join(str(statement.compile(dialect=postgresql.asyncpg.dialect())).split())


def test_page_size_defaults_and_caps() -> None:
    assert page_size(0) == DEFAULT_PAGE_SIZE == 50
    assert page_size(1) == 1
    assert page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    assert page_size(MAX_PAGE_SIZE + 1) == MAX_PAGE_SIZE
    assert page_size(10**9) == MAX_PAGE_SIZE


def test_negative_page_size_is_invalid() -> None:
    with pytest.raises(DomainError) as err:
        page_size(-1)
    assert err.value.kind is ErrorKind.INVALID_ARGUMENT and err.value.reason == "INVALID_PAGE_SIZE"
    assert [v.field for v in err.value.violations] == ["page_size"]


def test_a_key_of_every_column_type_comes_back_as_it_went() -> None:
    token = token_after(EVERY_TYPE, KEY, actor="clerk")
    seek = EVERY_TYPE.seek(request(actor="clerk", page_size=7, page_token=token))
    assert seek.after == KEY and seek.size == 7
    assert "=" not in token and "+" not in token and "/" not in token
    assert "4212" not in token and len(token) < MAX_TOKEN_LENGTH  # opaque, and short


def test_a_time_keeps_its_instant_whatever_its_offset() -> None:
    beijing = dt.datetime(2024, 5, 1, 9, 2, 3, 456789, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    token = token_after(EVERY_TYPE, (KEY[0], beijing, *KEY[2:]))
    assert EVERY_TYPE.seek(request(page_token=token)).after == KEY


def test_no_token_is_the_first_page() -> None:
    seek = NEWEST.seek(request())
    assert seek.after is None and seek.size == DEFAULT_PAGE_SIZE
    assert sql(seek.select(select(c.id))) == (
        "SELECT t.things.id FROM t.things ORDER BY t.things.day DESC, t.things.id DESC LIMIT $1::INTEGER")


def test_a_descending_list_continues_below_the_key_and_an_ascending_one_above() -> None:
    newest = NEWEST.seek(request(page_token=token_after(NEWEST, (KEY[0], KEY[4]))))
    assert "WHERE (t.things.day, t.things.id) < ($1::DATE, $2::UUID) " \
           "ORDER BY t.things.day DESC, t.things.id DESC" in sql(newest.select(select(c.id)))
    oldest = Keyset("things", c.day, c.id)
    seek = oldest.seek(request(page_token=token_after(oldest, (KEY[0], KEY[4]))))
    assert "WHERE (t.things.day, t.things.id) > ($1::DATE, $2::UUID) ORDER BY t.things.day, t.things.id" \
           in sql(seek.select(select(c.id)))


def test_one_way_only() -> None:
    with pytest.raises(ValueError):
        Keyset("mixed", c.day.desc(), c.id)


def test_the_page_and_the_next_token_come_from_the_last_row_shown() -> None:
    seek = NEWEST.seek(request(page_size=2))
    rows = [SimpleNamespace(_mapping={c.day: dt.date(2024, 5, d), c.id: uuid.UUID(int=d)}) for d in (9, 8, 7)]
    page, token = seek.page(rows)  # three rows read: two shown, and another page follows
    assert page == rows[:2]
    assert NEWEST.seek(request(page_token=token)).after == (dt.date(2024, 5, 8), uuid.UUID(int=8))
    assert seek.page(rows[:2]) == (rows[:2], "")  # the last page


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def forged(*key, version=1, kind="typed", scope=None) -> str:
    scope = EVERY_TYPE.seek(request()).scope if scope is None else scope
    return b64(json.dumps([version, kind, scope, list(key)]).encode())


GOOD = ["2024-05-01", "2024-05-01T01:02:03+00:00", 5, "4212", str(uuid.UUID(int=1))]


def with_key(at: int, value) -> str:
    key = list(GOOD)
    key[at] = value
    return forged(*key)


@pytest.mark.parametrize("token", [
    "!!!", "abc", "a" * (MAX_TOKEN_LENGTH + 4), b64(b"o:50"), b64(b"\xff\xfe"), b64(b"[]"), b64(b"{}"),
    b64(b'"abcd"'), b64(b"[" * 300 + b"]" * 300), b64(b"[1,2,3,4,5]"), "é" + forged(*GOOD),
    forged(*GOOD)[:8] + " " + forged(*GOOD)[8:], forged(*GOOD)[:8] + "+/" + forged(*GOOD)[10:],
    forged(*GOOD, version=2), forged(*GOOD, kind="things"), forged(*GOOD[:-1]), forged(*GOOD, "extra"),
    b64(json.dumps([1, "typed", "x", "not a list"]).encode()),
    with_key(0, "2024-02-30"), with_key(0, "10000-01-01"), with_key(0, 20240501), with_key(0, None),
    with_key(1, "2024-05-01T01:02:03"),  # a time without its offset
    with_key(1, "0001-01-01T00:00:00+05:00"),  # before the first instant Python (and PostgreSQL) know
    with_key(1, "yesterday"),
    with_key(2, 2**63), with_key(2, -(2**63) - 1), with_key(2, True), with_key(2, 1.5), with_key(2, "5"),
    with_key(3, "42\x0012"), with_key(3, "\ud800"), with_key(3, 4212), with_key(3, ["4212"]),
    with_key(4, "not-a-uuid"), with_key(4, 1),
])
def test_bad_tokens_are_invalid_arguments(token: str) -> None:
    with pytest.raises(DomainError) as err:
        EVERY_TYPE.seek(request(page_token=token))
    assert err.value.kind is ErrorKind.INVALID_ARGUMENT and err.value.reason == "INVALID_PAGE_TOKEN"
    assert [v.field for v in err.value.violations] == ["page_token"]
    assert err.value.message == "page_token 无效"


def test_a_token_is_for_the_filters_it_was_made_with() -> None:
    token = token_after(EVERY_TYPE, KEY, actor="clerk-a", resource="things/1")
    with pytest.raises(DomainError) as err:
        EVERY_TYPE.seek(request(actor="clerk-b", resource="things/1", page_token=token))
    assert err.value.reason == "INVALID_PAGE_TOKEN" and "查询条件" in err.value.message
    assert EVERY_TYPE.seek(request(resource="things/1", actor="clerk-a", page_size=9, page_token=token)).after == KEY


def test_slices_of_a_list_in_memory_walk_it_once_though_it_grows() -> None:
    by_code = Keyset("codes", c.code)
    items = [f"{n:03d}" for n in range(0, 200, 2)]
    seen, token = [], ""
    while True:
        page, token = by_code.seek(request(page_size=30, page_token=token)).slice(items, key=lambda i: (i,))
        seen += page
        if not token:
            break
        items = sorted(items + [f"{n:03d}" for n in (1, 199) if f"{n:03d}" not in items])  # one before, one after
    assert seen == [i for i in items if i != "001"] and len(seen) == len(set(seen))


def test_a_slice_past_the_end_is_an_empty_last_page() -> None:
    by_code = Keyset("codes", c.code)
    token = by_code.encode(by_code.seek(request()).scope, ("zzz",))
    assert by_code.seek(request(page_token=token)).slice(["a", "b"], key=lambda i: (i,)) == ([], "")
