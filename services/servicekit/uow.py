"""Unit of work: the records, their audit rows, their outbox events and the idempotency record
are written in one transaction — all or nothing."""
from __future__ import annotations

import functools
import json
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar, Union

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import context
from servicekit.clock import Clock
from servicekit.db import Database, driver_connection
from servicekit.errors import invalid
from servicekit.events import H_ACTOR, H_MSG_ID, H_OFFICE, H_REQUEST_ID, H_TIME, H_TYPE, subject
from servicekit.fingerprints import request_fingerprint
from servicekit.pii import mask_deep, mask_text
from servicekit.tables import KitTables
from servicekit.uuid7 import uuid7

M = TypeVar("M", bound=Message)
# What identifies the request behind a request_id (servicekit.fingerprints): a digest, or a coroutine
# giving one once a client stream has been read.
Fingerprint = Union[bytes, Callable[[], Awaitable[bytes]]]


def outbox_channel(schema: str) -> str:
    """LISTEN/NOTIFY channel that wakes the relay when a transaction with events commits."""
    return f"{schema}_outbox"


class UnitOfWork:
    def __init__(self, session: AsyncSession, tables: KitTables, service: str, clock: Clock) -> None:
        self.session = session
        self._tables = tables
        self._service = service
        self.clock = clock
        self._events: list[dict[str, Any]] = []
        self._audits: list[dict[str, Any]] = []
        self._response: tuple[str, str, bytes, bytes | None] | None = None

    def emit(self, event: str, message: Message, *, office_code: str) -> str:
        """Queue an event for the outbox; returns its id (UUIDv7, also the Nats-Msg-Id).
        `office_code` is the division code of the record's office, as its audit row has it: the
        change feed shows the event to readers whose jurisdiction covers it (gateway.feed)."""
        event_id = str(uuid7())
        if "event_id" in message.DESCRIPTOR.fields_by_name:
            setattr(message, "event_id", event_id)
        ctx = context.current()
        now = self.clock.now().isoformat()
        self._events.append({
            "id": event_id,
            "subject": subject(self._service, event),
            "event_type": message.DESCRIPTOR.full_name,
            "payload": message.SerializeToString(deterministic=True),
            "headers": {
                H_MSG_ID: event_id,
                H_TYPE: message.DESCRIPTOR.full_name,
                H_REQUEST_ID: ctx.request_id,
                H_ACTOR: ctx.caller.subject,
                H_TIME: now,
                H_OFFICE: office_code,
            },
        })
        return event_id

    def audit(self, action: str, resource: str, *, office_code: str, before: Any = None, after: Any = None,
              reason: str = "") -> None:
        """Record who did what to which record; before/after are JSON-able snapshots (IDs masked
        or encrypted by the caller — the audit is read by auditors, not registrars). `office_code`
        is the division code of the record's office: the row is listed to callers whose
        jurisdiction covers it (servicekit.audit), as the record is. ID numbers that free text
        (a reason, a document reference) carries are masked here, whoever wrote the text."""
        ctx = context.current()
        self._audits.append({
            "id": uuid7(), "at": self.clock.now(), "actor": ctx.caller.subject, "request_id": ctx.request_id,
            "action": action, "resource": resource, "reason": mask_text(reason), "before": mask_deep(before),
            "after": mask_deep(after),
            "office_code": office_code,
        })

    async def flush(self) -> None:
        """Write the queued audit rows, outbox events (with the NOTIFY that wakes the relay at
        commit) and the idempotency record in one statement, inside the transaction."""
        if not (self._audits or self._events or self._response is not None):
            return
        conn = await driver_connection(self.session)
        audits, events = self._audits, self._events
        request_id, method, response, fingerprint = self._response or (None, None, None, None)
        await conn.execute(
            _flush_sql(self._tables.outbox.schema),
            [a["id"] for a in audits], [a["at"] for a in audits], [a["actor"] for a in audits],
            [a["request_id"] for a in audits], [a["action"] for a in audits], [a["resource"] for a in audits],
            [a["reason"] for a in audits], [_json(a["before"]) for a in audits], [_json(a["after"]) for a in audits],
            [a["office_code"] for a in audits],
            [uuid.UUID(e["id"]) for e in events], [e["subject"] for e in events], [e["event_type"] for e in events],
            [e["payload"] for e in events], [json.dumps(e["headers"]) for e in events],
            outbox_channel(self._tables.outbox.schema), request_id, method, response, fingerprint)
        self._audits, self._events, self._response = [], [], None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


@functools.cache
def _flush_sql(schema: str) -> str:
    # Data-modifying WITH parts run whether or not they are referenced; empty arrays insert nothing.
    return f"""
WITH audit AS (
  INSERT INTO "{schema}".audit_log (id, at, actor, request_id, action, resource, reason, before, after, office_code)
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::jsonb[], $9::jsonb[], $10::text[])),
events AS (
  INSERT INTO "{schema}".outbox (id, subject, event_type, payload, headers)
  SELECT * FROM unnest($11::uuid[], $12::text[], $13::text[], $14::bytea[], $15::jsonb[])),
done AS (  -- the row ``_claim_sql`` inserted for this request id, now with its response
  UPDATE "{schema}".idempotency SET response = $19::bytea, fingerprint = $20::bytea
  WHERE request_id = $17::text AND method = $18::text)
SELECT pg_notify($16, '') WHERE cardinality($11::uuid[]) > 0"""


class UnitOfWorkFactory:
    def __init__(self, db: Database, tables: KitTables, service: str, clock: Clock) -> None:
        self.db = db
        self.tables = tables
        self.service = service
        self.clock = clock

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        async with self.db.transaction() as session:
            uow = UnitOfWork(session, self.tables, self.service, self.clock)
            yield uow
            await uow.flush()

    async def for_request(self, method: str, request: Message, response_type: type[M],
                          work: Callable[[UnitOfWork], Awaitable[M]], fingerprint: Fingerprint | None = None) -> M:
        """``idempotent`` for a service call: once per ``request.request_id``, and compared on the
        caller and the request (servicekit.fingerprints) — or on ``fingerprint``, a client stream's."""
        return await self.idempotent(method, request.request_id, response_type, work,
                                     fingerprint or request_fingerprint(request))

    async def idempotent(self, method: str, request_id: str, response_type: type[M],
                         work: Callable[[UnitOfWork], Awaitable[M]], fingerprint: Fingerprint | None = None) -> M:
        """Run `work` once per request_id: a retry returns the first result and changes nothing.

        With a `fingerprint` (servicekit.fingerprints: the caller and the request), the same
        request_id on a request with another fingerprint is refused (REQUEST_ID_REUSED) instead of
        being answered with the first result. Records stored without one are not compared.

        The request id is claimed first, by inserting its record (``_claim_sql``): a concurrent
        call with the same id waits on that row until this transaction commits or rolls back, then
        reads the committed response — or claims the id itself, if this one rolled back. The
        response is written into the record in the transaction of the change. (One round trip;
        it used to be an advisory lock, then a read.)"""
        if not request_id:
            async with self() as uow:
                return await work(uow)
        if len(request_id) > 200:
            raise invalid("INVALID_REQUEST_ID", "request_id 过长（最多 200 个字符）", "request_id")
        schema = self.tables.idempotency.schema
        async with self() as uow:
            conn = await driver_connection(uow.session)
            if not await conn.fetchval(_claim_sql(schema), request_id, method):  # a committed record has it
                row = await conn.fetchrow(
                    f'SELECT method, response, fingerprint FROM "{schema}".idempotency WHERE request_id = $1',
                    request_id)
                if row is None:  # records are never deleted
                    raise RuntimeError("the idempotency record of a request id vanished")
                if row["method"] != method:
                    raise invalid("REQUEST_ID_REUSED", "该 request_id 已用于另一种操作", "request_id")
                if row["fingerprint"] is not None and fingerprint is not None:
                    if await _digest(fingerprint) != row["fingerprint"]:
                        raise invalid("REQUEST_ID_REUSED",
                                      "该 request_id 已用于内容不同（或另一调用方）的请求；新的请求请使用新的 request_id",
                                      "request_id")
                return response_type.FromString(row["response"])
            result = await work(uow)
            digest = None if fingerprint is None else await _digest(fingerprint)
            uow._response = (request_id, method, result.SerializeToString(deterministic=True), digest)
            return result


@functools.cache
def _claim_sql(schema: str) -> str:
    # True when this transaction now holds the request id; NULL when a committed record has it.
    # The response is filled in by the unit of work's flush (``_flush_sql``) before commit, so no
    # other transaction ever sees the empty one.
    return f"""INSERT INTO "{schema}".idempotency (request_id, method, response) VALUES ($1, $2, ''::bytea)
ON CONFLICT (request_id) DO NOTHING RETURNING true"""


async def _digest(fingerprint: Fingerprint) -> bytes:
    return fingerprint if isinstance(fingerprint, bytes) else await fingerprint()
