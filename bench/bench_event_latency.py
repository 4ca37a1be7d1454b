"""Event latency: commit → consumer effect, at a steady rate (default 500 events/s).

The whole path is the production one: a unit of work commits a record with its outbox row, the
relay (woken by NOTIFY at commit) publishes to JetStream, a durable pull consumer applies the event
in its own transaction (processed-events row + effect). Latency is measured from just after the
producer's commit to just after the consumer's transaction commits, on one clock (one process).
PostgreSQL and NATS are embedded, started for the run, with fsync on (as `make run` runs them).

    .venv/bin/python -m bench.bench_event_latency [--rate 500] [--seconds 20]
"""
from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import nats
from civic.placenames.v1 import events_pb2
from servicekit.clock import SystemClock
from servicekit.consumer import ConsumerSpec, EventConsumer
from servicekit.db import Database, service_metadata
from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from servicekit.events import H_MSG_ID, Event, ensure_stream
from servicekit.relay import OutboxRelay
from servicekit.tables import kit_tables
from servicekit.uow import UnitOfWorkFactory
from sqlalchemy import Column, Integer, Table, Text, insert

from bench.harness import Result, report

SCHEMA = "bench_events"
metadata = service_metadata(SCHEMA)
kit = kit_tables(metadata)
effects = Table("effects", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("code", Text, nullable=False))


async def main(rate: float, seconds: float) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix="civic-bench-events-"))
    pg, nats_server = EmbeddedPostgres(tmp / "pg"), EmbeddedNats(tmp / "nats")
    database_url, nats_url = pg.start(), nats_server.start()
    try:
        return await measure(database_url, nats_url, rate, seconds)
    finally:
        nats_server.stop()
        pg.stop()


async def measure(database_url: str, nats_url: str, rate: float, seconds: float) -> Result:
    db = Database(database_url, SCHEMA, pool_size=20)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        await conn.run_sync(metadata.create_all)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_stream(js)
    uow = UnitOfWorkFactory(db, kit, "benchevents", SystemClock())
    committed: dict[str, float] = {}
    applied: dict[str, float] = {}

    async def handler(session, event: Event) -> None:
        msg = events_pb2.DivisionChanged.FromString(event.payload)
        await session.execute(insert(effects).values(code=msg.code))

    consumer = EventConsumer(js, db, kit, ConsumerSpec("bench--latency", "civic.benchevents.>", handler))
    await consumer.provision()
    handle_batch = consumer.handle

    async def timed_handle(msgs: list) -> None:  # the batch's transaction has committed on return
        await handle_batch(msgs)
        now = time.perf_counter()
        for msg in msgs:
            applied.setdefault(msg.headers[H_MSG_ID], now)

    consumer.handle = timed_handle  # type: ignore[method-assign]
    stop = asyncio.Event()
    relay = OutboxRelay(db.url, SCHEMA, js)
    tasks = [asyncio.create_task(relay.run(stop)), asyncio.create_task(consumer.run(stop))]

    async def produce_one(i: int) -> None:
        async with uow() as unit:
            event_id = unit.emit("thing_changed", events_pb2.DivisionChanged(code=f"{i:012d}"))
        committed[event_id] = time.perf_counter()

    interval = 1.0 / rate
    start = time.perf_counter()
    total = int(rate * seconds)
    pending = set()
    for i in range(total):
        await asyncio.sleep(max(0.0, start + i * interval - time.perf_counter()))
        pending.add(asyncio.create_task(produce_one(i)))
        pending = {t for t in pending if not t.done()}
    await asyncio.gather(*pending)
    achieved = total / (time.perf_counter() - start)
    deadline = time.perf_counter() + 30
    while len(applied) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await nc.close()
    await db.dispose()

    latencies = [(applied[e] - committed[e]) * 1000 for e in committed if e in applied]
    result = Result(f"commit→consumer effect @ {rate:.0f}/s (achieved {achieved:.0f}/s)",
                    calls=total, errors=total - len(latencies), seconds=seconds, latencies_ms=latencies)
    report([result], "Event latency")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds))
