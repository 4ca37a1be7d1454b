"""Durable consumers over real JetStream and PostgreSQL (design.md §4): a redelivered event has no
second effect; a poison event is retried with back-off, dead-lettered, and replayable once."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import pytest
from nats.aio.client import Client as NATS
from nats.errors import TimeoutError as NatsTimeout
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from placenames.adapters.tables import SCHEMA, kit
from placenames.bootstrap import MIGRATIONS
from servicekit.consumer import ConsumerSpec, EventConsumer, to_event
from servicekit.db import Database
from servicekit.events import H_MSG_ID, H_REQUEST_ID, H_TYPE, STREAM, Event
from servicekit.errors import invalid
from servicekit.metrics import ServiceMetrics, measure_backlog
from servicekit.testing.plugin import migrate

pytestmark = pytest.mark.timeout(60)
EFFECTS = "kit_consumer_test.effects"


@pytest.fixture
async def db(infra):
    await migrate(MIGRATIONS, infra.database_url, SCHEMA)
    database = Database(infra.database_url, SCHEMA, pool_size=4)
    async with database.transaction() as session:
        await session.execute(text("CREATE SCHEMA IF NOT EXISTS kit_consumer_test"))
        # No unique constraint on purpose: a second effect would show as a second row.
        await session.execute(text(f"CREATE TABLE IF NOT EXISTS {EFFECTS} (consumer text NOT NULL, "
                                   "event_id text NOT NULL, at timestamptz NOT NULL DEFAULT now())"))
    yield database
    await database.dispose()


class Recorder:
    """A handler that writes its effect in the consumer's transaction; some events can be made to fail."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.broken: set[str] = set()
        self.malformed: set[str] = set()  # refused for what they say: the same on every attempt
        self.fail_times: Counter[str] = Counter()  # fail this many times, then succeed

    async def __call__(self, session: AsyncSession, event: Event) -> None:
        self.calls[event.id] += 1
        # The effect is written before the failure, so a failure must roll it back.
        await session.execute(text(f"INSERT INTO {EFFECTS} (consumer, event_id) VALUES (:c, :e)"),
                              {"c": event.headers.get("test-consumer", ""), "e": event.id})
        if event.id in self.broken:
            raise RuntimeError(f"cannot apply {event.id}")
        if event.id in self.malformed:
            raise invalid("INVALID_ID_NUMBER", "身份证号码校验位错误", "id_number")
        if self.fail_times[event.id] > 0:
            self.fail_times[event.id] -= 1
            raise RuntimeError(f"transient failure for {event.id}")


async def effects(db: Database, event_id: str) -> int:
    async with db.transaction() as session:
        return (await session.execute(text(f"SELECT count(*) FROM {EFFECTS} WHERE event_id = :e"),
                                      {"e": event_id})).scalar_one()


async def processed(db: Database, durable: str) -> set[str]:
    t = kit.processed_events
    async with db.transaction() as session:
        return set((await session.execute(select(t.c.event_id).where(t.c.consumer == durable))).scalars())


async def dead_letters(db: Database, durable: str) -> list:
    t = kit.dead_letters
    async with db.transaction() as session:
        return (await session.execute(select(t).where(t.c.consumer == durable).order_by(t.c.id))).all()


@pytest.fixture
async def make_consumer(nc: NATS, db: Database):
    made: list[EventConsumer] = []

    async def make(handler: Recorder, metrics: ServiceMetrics | None = None, **spec: object) -> EventConsumer:
        tag = uuid.uuid4().hex[:10]
        consumer = EventConsumer(nc.jetstream(), db, kit, ConsumerSpec(
            durable=f"kittest--{tag}", filter_subject=f"civic.kittest.{tag}.>", handler=handler, **spec),
            metrics)
        await consumer.provision()
        made.append(consumer)
        return consumer

    yield make
    for consumer in made:
        await nc.jetstream().delete_consumer(STREAM, consumer.spec.durable)


async def publish(nc: NATS, consumer: EventConsumer, event_id: str | None = None) -> str:
    event_id = event_id or uuid.uuid4().hex
    subject = consumer.spec.filter_subject.replace(">", "thing_happened")
    ack = await nc.jetstream().publish(subject, f"payload {event_id}".encode(), stream=STREAM, headers={
        H_MSG_ID: event_id, H_TYPE: "civic.kittest.v1.ThingHappened", H_REQUEST_ID: f"rq-{event_id}",
        "test-consumer": consumer.spec.durable})
    assert not ack.duplicate
    return event_id


async def eventually(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_redelivery_after_a_crash_before_the_ack_has_no_second_effect(nc, db, make_consumer) -> None:
    handler = Recorder()
    consumer = await make_consumer(handler, ack_wait_s=1.0)
    event_id = await publish(nc, consumer)
    sub = await nc.jetstream().pull_subscribe_bind(consumer.spec.durable, stream=STREAM)

    [first] = await sub.fetch(1, timeout=5)
    assert first.metadata.num_delivered == 1
    # The worker applies the event and commits, then dies before acking.
    assert await consumer.apply(to_event(first)) is True

    # After ack_wait JetStream delivers the same message again.
    [again] = await sub.fetch(1, timeout=5)
    assert again.metadata.num_delivered == 2
    assert again.metadata.sequence.stream == first.metadata.sequence.stream
    await consumer.handle([again])

    assert handler.calls[event_id] == 1 and await effects(db, event_id) == 1
    assert await processed(db, consumer.spec.durable) == {event_id}
    with pytest.raises(NatsTimeout):  # acked now: no third delivery
        await sub.fetch(1, timeout=1.5)
    await sub.unsubscribe()


async def test_apply_twice_applies_once(nc, db, make_consumer) -> None:
    handler = Recorder()
    consumer = await make_consumer(handler)
    event = Event(id=uuid.uuid4().hex, subject="civic.kittest.x.y", type="T", payload=b"",
                  headers={"test-consumer": consumer.spec.durable})
    assert await consumer.apply(event) is True
    assert await consumer.apply(event) is False
    assert handler.calls[event.id] == 1 and await effects(db, event.id) == 1


async def test_failed_attempt_leaves_nothing_and_a_retry_applies_once(nc, db, make_consumer) -> None:
    handler = Recorder()
    consumer = await make_consumer(handler, max_deliver=3, backoff_s=(0.05,))
    stop = asyncio.Event()
    runner = asyncio.create_task(consumer.run(stop))
    try:
        event_id = uuid.uuid4().hex
        handler.fail_times[event_id] = 1
        await publish(nc, consumer, event_id)

        async def done() -> bool:
            return event_id in await processed(db, consumer.spec.durable)

        await eventually(done)
    finally:
        stop.set()
        await asyncio.wait_for(runner, 10)
    assert handler.calls[event_id] == 2  # first attempt failed and was rolled back
    assert await effects(db, event_id) == 1
    assert await dead_letters(db, consumer.spec.durable) == []


async def test_poison_event_is_dead_lettered_others_flow_and_replay_applies_once(nc, db, make_consumer) -> None:
    handler = Recorder()
    metrics = ServiceMetrics("placenames")
    consumer = await make_consumer(handler, metrics, max_deliver=3, backoff_s=(0.05, 0.1))
    durable = consumer.spec.durable
    good_1, poison, good_2 = (uuid.uuid4().hex for _ in range(3))
    handler.broken.add(poison)

    stop = asyncio.Event()
    runner = asyncio.create_task(consumer.run(stop))
    try:
        for event_id in (good_1, poison, good_2):
            await publish(nc, consumer, event_id)

        async def settled() -> bool:
            return bool(await dead_letters(db, durable)) and {good_1, good_2} <= await processed(db, durable)

        await eventually(settled)
        await asyncio.sleep(0.5)  # room for a (wrong) further redelivery of the terminated message
    finally:
        stop.set()
        await asyncio.wait_for(runner, 10)

    [letter] = await dead_letters(db, durable)
    assert letter.event_id == poison and letter.attempts == 3 and letter.replayed_at is None
    assert f"cannot apply {poison}" in letter.error
    assert letter.subject.startswith("civic.kittest.") and letter.payload == f"payload {poison}".encode()
    assert letter.headers[H_TYPE] == "civic.kittest.v1.ThingHappened"
    assert handler.calls[poison] == 3  # bounded: max_deliver attempts, then no more
    assert await effects(db, poison) == 0  # every failed attempt rolled back
    assert await effects(db, good_1) == 1 and await effects(db, good_2) == 1
    assert await processed(db, durable) == {good_1, good_2}

    def count(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, {"service": "placenames", "consumer": durable, **labels})

    assert [count("civic_events_handled_total", outcome=o) for o in ("ok", "retried", "dead_lettered")] == [2, 2, 1]
    await measure_backlog(db, metrics, [durable])
    assert count("civic_dead_letters_pending") == 1

    handler.broken.clear()  # the fix is deployed
    assert await consumer.replay_dead_letters() == 1
    await measure_backlog(db, metrics, [durable])
    assert count("civic_dead_letters_pending") == 0
    assert await effects(db, poison) == 1 and handler.calls[poison] == 4
    assert await processed(db, durable) == {good_1, poison, good_2}
    [letter] = await dead_letters(db, durable)
    assert letter.replayed_at is not None

    assert await consumer.replay_dead_letters() == 0
    assert await effects(db, poison) == 1 and handler.calls[poison] == 4


async def test_replay_that_fails_again_stays_replayable(nc, db, make_consumer) -> None:
    handler = Recorder()
    consumer = await make_consumer(handler, max_deliver=1, backoff_s=(0.05,))
    poison = uuid.uuid4().hex
    handler.broken.add(poison)
    sub = await nc.jetstream().pull_subscribe_bind(consumer.spec.durable, stream=STREAM)
    await publish(nc, consumer, poison)
    [msg] = await sub.fetch(1, timeout=5)
    await consumer.handle([msg])  # first attempt = max_deliver: straight to dead letters
    await sub.unsubscribe()
    assert [d.event_id for d in await dead_letters(db, consumer.spec.durable)] == [poison]

    with pytest.raises(RuntimeError):
        await consumer.replay_dead_letters()  # still broken
    [letter] = await dead_letters(db, consumer.spec.durable)
    assert letter.replayed_at is None and await effects(db, poison) == 0

    handler.broken.clear()
    assert await consumer.replay_dead_letters() == 1
    assert await effects(db, poison) == 1



async def test_a_fetch_past_its_deadline_is_an_empty_fetch_not_a_consumer_error(nc, db, make_consumer,
                                                                                monkeypatch) -> None:
    """When the event loop is held (a large import's CPU-bound chunks, a busy machine) and the no-wait
    probe's answer is read only after the fetch's deadline, nats-py raises a plain
    asyncio.TimeoutError, not its own TimeoutError (nats/js/client.py, _fetch_n: ``if deadline <= 0:
    raise asyncio.TimeoutError``). That is an empty fetch: no warning, no new subscription, and the
    events published afterwards are applied."""
    import servicekit.consumer as consumer_module

    warnings: list[str] = []
    monkeypatch.setattr(consumer_module.log, "warning", lambda event, **fields: warnings.append(event))
    handler = Recorder()
    consumer = await make_consumer(handler)
    binds, late = 0, 3
    bind = consumer._js.pull_subscribe_bind

    async def bind_with_late_fetches(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        nonlocal binds
        binds += 1
        sub = await bind(*args, **kwargs)
        fetch = sub.fetch

        async def fetch_past_deadline(*a, **k):  # noqa: ANN002, ANN003, ANN202
            nonlocal late
            if late:
                late -= 1
                await asyncio.sleep(0.05)
                raise asyncio.TimeoutError
            return await fetch(*a, **k)

        sub.fetch = fetch_past_deadline
        return sub

    monkeypatch.setattr(consumer._js, "pull_subscribe_bind", bind_with_late_fetches)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        event_id = await publish(nc, consumer)
        await eventually(lambda: effects(db, event_id), timeout=10)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert (late, warnings, binds) == (0, [], 1)
    assert handler.calls[event_id] == 1


async def test_an_event_refused_for_what_it_says_is_dead_lettered_at_once(nc, db, make_consumer) -> None:
    """A malformed ID number in a death notice is refused on every attempt: retrying it for the
    back-off's 22 s only delays the dead letter an operator has to look at."""
    handler = Recorder()
    consumer = await make_consumer(handler, max_deliver=5, backoff_s=(0.05, 0.1))
    malformed, good = uuid.uuid4().hex, uuid.uuid4().hex
    handler.malformed.add(malformed)
    stop = asyncio.Event()
    runner = asyncio.create_task(consumer.run(stop))
    try:
        for event_id in (malformed, good):
            await publish(nc, consumer, event_id)

        async def settled() -> bool:
            return bool(await dead_letters(db, consumer.spec.durable)) and good in await processed(db, consumer.spec.durable)

        await eventually(settled)
        await asyncio.sleep(0.5)  # room for a (wrong) redelivery
    finally:
        stop.set()
        await asyncio.wait_for(runner, 10)
    [letter] = await dead_letters(db, consumer.spec.durable)
    assert (letter.event_id, letter.attempts) == (malformed, 1) and "INVALID_ID_NUMBER" in letter.error
    assert handler.calls[malformed] == 1 and await effects(db, malformed) == 0
