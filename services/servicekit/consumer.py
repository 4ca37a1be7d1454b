"""Durable pull consumers with idempotent handlers, bounded redelivery and a dead-letter table.

A handler runs inside the same transaction that records the event id in `processed_events`, so a
redelivered event has no second effect. A handler that keeps failing is retried with back-off up to
`max_deliver` times; then the event goes to `dead_letters`, visible and replayable, and the others
flow on. An event whose content the handler refuses (INVALID_ARGUMENT) goes there at once.
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Awaitable, Callable

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import context
from servicekit.db import Database, driver_connection
from servicekit.errors import DomainError, ErrorKind
from servicekit.events import H_MSG_ID, H_REQUEST_ID, H_TYPE, STREAM, Event
from servicekit.logging import error_text, get_logger
from servicekit.metrics import ServiceMetrics
from servicekit.tables import KitTables

log = get_logger(__name__)

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer named `<svc>--<purpose>` reading one subject filter."""

    durable: str
    filter_subject: str
    handler: Handler
    max_deliver: int = 5
    backoff_s: tuple[float, ...] = field(default=(0.5, 2.0, 5.0, 15.0))
    ack_wait_s: float = 30.0


def refuses_content(error: Exception) -> bool:
    """The handler refused what the event says (INVALID_ARGUMENT: a malformed ID number, a date in the
    future): every attempt would say the same, so it is dead-lettered at once, not after the back-off."""
    return isinstance(error, DomainError) and error.kind is ErrorKind.INVALID_ARGUMENT


class _HandlerFailed(Exception):
    def __init__(self, event: Event, error: Exception) -> None:
        super().__init__(error_text(error))
        self.event = event
        self.error = error


@functools.cache
def _record_processed_sql(schema: str) -> str:
    return (f'INSERT INTO "{schema}".processed_events (consumer, event_id) SELECT $1, unnest($2::text[]) '
            "ON CONFLICT DO NOTHING RETURNING event_id")


def request_id_of(event: Event) -> str:
    """The request id of the call that caused the event (its Civic-Request-Id header), else its id."""
    return event.headers.get(H_REQUEST_ID, "") or event.id


@contextmanager
def acting_for(event: Event) -> Iterator[context.RequestContext]:
    """Apply ``event`` under the request id of the call that caused it: in its audit rows and
    events, and in every log line meanwhile, so one id finds the call and its effects everywhere."""
    request_id = request_id_of(event)
    with context.acting(request_id, f"event:{event.subject}") as ctx, \
            structlog.contextvars.bound_contextvars(request_id=request_id):
        yield ctx


def to_event(msg: Msg) -> Event:
    headers = dict(msg.headers or {})
    return Event(
        id=headers.get(H_MSG_ID, ""), subject=msg.subject, type=headers.get(H_TYPE, ""),
        payload=msg.data, headers=headers, stream_seq=msg.metadata.sequence.stream,
    )


class EventConsumer:
    def __init__(self, js: JetStreamContext, db: Database, tables: KitTables, spec: ConsumerSpec,
                 metrics: ServiceMetrics | None = None) -> None:
        self._js = js
        self._db = db
        self._tables = tables
        self.spec = spec
        self._counts = (metrics or ServiceMetrics(tables.outbox.schema or "")).consumer(spec.durable)

    async def provision(self) -> None:
        """Create or update the durable consumer explicitly (never implicitly by subscribing)."""
        await self._js.add_consumer(STREAM, ConsumerConfig(
            durable_name=self.spec.durable,
            filter_subject=self.spec.filter_subject,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.spec.ack_wait_s,
            # JetStream's own cap sits one above ours, so the dead-letter path always runs first.
            max_deliver=self.spec.max_deliver + 1,
            max_ack_pending=1000,
        ))

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sub = await self._js.pull_subscribe_bind(self.spec.durable, stream=STREAM)
                try:
                    while not stop.is_set():
                        try:
                            msgs = await sub.fetch(batch=100, timeout=1.0)
                        except asyncio.TimeoutError:  # nats' own TimeoutError is one too
                            # Nothing to fetch. nats-py raises a plain asyncio.TimeoutError when
                            # its deadline passed before it read the server's answer (a busy loop
                            # or machine): an empty fetch as well, not a reason to resubscribe.
                            continue
                        await self.handle(msgs)
                finally:
                    await _unsubscribe(sub)
            except Exception as exc:  # noqa: BLE001 - NATS or database away: back off and retry
                log.warning("consumer_error", consumer=self.spec.durable, error=error_text(exc))
                try:
                    await asyncio.wait_for(stop.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass

    async def handle(self, msgs: list[Msg]) -> None:
        """Apply a fetched batch in one transaction (one commit for many events).

        First all at once: one statement records every event id of the batch in
        ``processed_events`` (those already there are skipped), then the handlers run. If anything
        fails, that transaction is rolled back whole and the batch is applied again event by
        event, each in its own savepoint: a failing event is rolled back alone and retried or
        dead-lettered, the rest commit and are acknowledged."""
        events = [to_event(msg) for msg in msgs]
        try:
            await self._apply_all(events)
        except _HandlerFailed as failure:  # that event has had its attempt; the others go again
            await self._handle_one_by_one(msgs, events, failure)
            return
        except Exception:  # noqa: BLE001 - e.g. the commit: apply one by one, which reports it
            await self._handle_one_by_one(msgs, events)
            return
        for msg in msgs:
            await msg.ack()
        self._counts.ok.inc(len(msgs))
        log.debug("events_handled", consumer=self.spec.durable, count=len(msgs))

    async def _apply_all(self, events: list[Event]) -> None:
        async with self._db.transaction() as session:
            conn = await driver_connection(session)
            fresh = {r[0] for r in await conn.fetch(
                _record_processed_sql(self._tables.processed_events.schema), self.spec.durable,
                [e.id for e in events])}
            for event in events:
                if event.id in fresh:
                    fresh.discard(event.id)  # the same event twice in one batch: applied once
                    try:
                        with acting_for(event):
                            await self.spec.handler(session, event)
                    except Exception as exc:  # noqa: BLE001
                        raise _HandlerFailed(event, exc) from exc

    async def _handle_one_by_one(self, msgs: list[Msg], events: list[Event],
                                 failure: _HandlerFailed | None = None) -> None:
        done: list[Msg] = []
        failed: list[tuple[Msg, Event, Exception]] = []
        try:
            async with self._db.transaction() as session:
                for msg, event in zip(msgs, events):
                    if failure is not None and event is failure.event:
                        failed.append((msg, event, failure.error))  # its attempt failed just now
                        continue
                    try:
                        async with session.begin_nested():
                            await self._apply_in(session, event)
                        done.append(msg)
                    except Exception as exc:  # noqa: BLE001 - retried or dead-lettered below
                        failed.append((msg, event, exc))
        except Exception:
            for msg in msgs:  # the commit failed: nothing of the batch took effect
                await msg.nak(delay=self.spec.backoff_s[0])
            self._counts.retried.inc(len(msgs))
            raise
        for msg in done:
            await msg.ack()
        self._counts.ok.inc(len(done))
        log.debug("events_handled", consumer=self.spec.durable, count=len(done))
        for msg, event, exc in failed:
            await self._retry_or_dead_letter(msg, event, exc)

    async def _retry_or_dead_letter(self, msg: Msg, event: Event, exc: Exception) -> None:
        attempt = msg.metadata.num_delivered
        if attempt >= self.spec.max_deliver or refuses_content(exc):
            await self._dead_letter(event, error_text(exc), attempt)
            await msg.term()
            self._counts.dead_lettered.inc()
            log.error("event_dead_lettered", consumer=self.spec.durable, event_id=event.id,
                      request_id=request_id_of(event), error=error_text(exc))
        else:
            delay = self.spec.backoff_s[min(attempt - 1, len(self.spec.backoff_s) - 1)]
            await msg.nak(delay=delay)
            self._counts.retried.inc()
            log.warning("event_retry", consumer=self.spec.durable, event_id=event.id, attempt=attempt,
                        request_id=request_id_of(event), error=error_text(exc))

    async def apply(self, event: Event) -> bool:
        """Run the handler once per event id, in a transaction of its own; False when the event had
        already been applied."""
        async with self._db.transaction() as session:
            return await self._apply_in(session, event)

    async def _apply_in(self, session: AsyncSession, event: Event) -> bool:
        with acting_for(event):
            first = (await session.execute(
                pg_insert(self._tables.processed_events)
                .values(consumer=self.spec.durable, event_id=event.id)
                .on_conflict_do_nothing()
                .returning(self._tables.processed_events.c.event_id))).first()
            if first is None:
                return False
            await self.spec.handler(session, event)
            return True

    async def _dead_letter(self, event: Event, error: str, attempts: int) -> None:
        async with self._db.transaction() as session:
            await session.execute(insert(self._tables.dead_letters).values(
                consumer=self.spec.durable, event_id=event.id, subject=event.subject, payload=event.payload,
                headers=event.headers, error=error[:4000], attempts=attempts))

    async def replay_dead_letters(self) -> int:
        """Apply every unreplayed dead letter of this consumer again (after a fix); once each."""
        dl = self._tables.dead_letters
        async with self._db.transaction() as session:
            rows = (await session.execute(select(dl).where(
                dl.c.consumer == self.spec.durable, dl.c.replayed_at.is_(None)).order_by(dl.c.id))).all()
        replayed = 0
        for row in rows:
            event = Event(id=row.event_id, subject=row.subject, type=row.headers.get(H_TYPE, ""),
                          payload=row.payload, headers=row.headers)
            await self.apply(event)
            async with self._db.transaction() as session:
                await session.execute(update(dl).where(dl.c.id == row.id).values(replayed_at=func.now()))
            replayed += 1
        return replayed


async def _unsubscribe(sub: JetStreamContext.PullSubscription) -> None:
    """Drop the pull subscription on the way out: a late reply to the last fetch (its expiry status)
    would otherwise sit unread in the queue, and draining the connection would wait for it until
    the drain timeout (30 s)."""
    try:
        await sub.unsubscribe()
    except Exception:  # noqa: BLE001 - the connection may already be closing
        pass
