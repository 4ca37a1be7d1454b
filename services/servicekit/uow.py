"""Unit of work: the records, their audit rows, their outbox events and the idempotency record
are written in one transaction — all or nothing."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from google.protobuf.message import Message
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import context
from servicekit.clock import Clock
from servicekit.db import Database
from servicekit.errors import invalid
from servicekit.events import H_ACTOR, H_MSG_ID, H_REQUEST_ID, H_TIME, H_TYPE, subject
from servicekit.tables import KitTables
from servicekit.uuid7 import uuid7

M = TypeVar("M", bound=Message)


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

    def emit(self, event: str, message: Message) -> str:
        """Queue an event for the outbox; returns its id (UUIDv7, also the Nats-Msg-Id)."""
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
            },
        })
        return event_id

    def audit(self, action: str, resource: str, *, before: Any = None, after: Any = None, reason: str = "") -> None:
        """Record who did what to which record; before/after are JSON-able snapshots (IDs masked
        or encrypted by the caller — the audit is read by auditors, not registrars)."""
        ctx = context.current()
        self._audits.append({
            "id": uuid7(), "at": self.clock.now(), "actor": ctx.caller.subject, "request_id": ctx.request_id,
            "action": action, "resource": resource, "reason": reason, "before": before, "after": after,
        })

    async def _write(self) -> None:
        if self._audits:
            await self.session.execute(insert(self._tables.audit_log), self._audits)
        if self._events:
            await self.session.execute(insert(self._tables.outbox), self._events)
            # NOTIFY is delivered at commit, and only if the transaction commits.
            await self.session.execute(text("SELECT pg_notify(:c, '')"), {"c": outbox_channel(self._tables.outbox.schema)})


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
            await uow._write()

    async def idempotent(self, method: str, request_id: str, response_type: type[M],
                         work: Callable[[UnitOfWork], Awaitable[M]]) -> M:
        """Run `work` once per request_id: a retry returns the first result and changes nothing.

        Concurrent retries are serialised by a transaction-scoped advisory lock on the request id;
        the stored response commits in the same transaction as the change."""
        if not request_id:
            async with self() as uow:
                return await work(uow)
        if len(request_id) > 200:
            raise invalid("INVALID_REQUEST_ID", "request_id 过长（最多 200 个字符）", "request_id")
        table = self.tables.idempotency
        async with self() as uow:
            await uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": request_id})
            row = (await uow.session.execute(
                select(table.c.method, table.c.response).where(table.c.request_id == request_id))).first()
            if row is not None:
                if row.method != method:
                    raise invalid("REQUEST_ID_REUSED", "该 request_id 已用于另一种操作", "request_id")
                return response_type.FromString(row.response)
            result = await work(uow)
            await uow.session.execute(insert(table).values(
                request_id=request_id, method=method, response=result.SerializeToString(deterministic=True)))
            return result
