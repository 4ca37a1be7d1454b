"""Event latency: commit → consumer effect, at a steady rate (default 500 events/s).

The whole path is the production one, in the production shape: a producing process commits units
of work (record + outbox row) at a steady rate and runs the outbox relay (woken by NOTIFY at
commit, publishing to JetStream), as a service does; a second process runs a durable pull
consumer that applies each event in its own transaction (processed-events row + effect), as the
consuming service does. Latency runs from just after the producer's commit to just after the
consumer's transaction commits, both read from CLOCK_MONOTONIC (one clock for every process on
the machine). PostgreSQL and NATS are embedded, started for the run, fsync on (as `make run`).

    .venv/bin/python -m bench.bench_event_latency [--rate 500] [--seconds 20]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nats
import uvloop
from civic.placenames.v1 import events_pb2
from servicekit.clock import SystemClock
from servicekit.consumer import ConsumerSpec, EventConsumer
from servicekit.db import Database, service_metadata
from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from servicekit.events import H_MSG_ID, Event, ensure_stream
from servicekit.logging import configure_logging
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


def main(rate: float, seconds: float) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix="civic-bench-events-"))
    pg, nats_server = EmbeddedPostgres(tmp / "pg"), EmbeddedNats(tmp / "nats")
    database_url, nats_url = pg.start(), nats_server.start()
    try:
        uvloop.run(setup(database_url, nats_url))
        total = int(rate * seconds)
        common = ["--database-url", database_url, "--nats-url", nats_url, "--total", str(total)]
        consumer = subprocess.Popen([sys.executable, "-m", __spec__.name, "--role", "consumer", *common,
                                     "--out", str(tmp / "applied.json")], stdout=subprocess.PIPE, text=True)
        assert consumer.stdout is not None
        if consumer.stdout.readline().strip() != "ready":
            raise RuntimeError("the consumer process did not start")
        producer = subprocess.run([sys.executable, "-m", __spec__.name, "--role", "producer", *common,
                                   "--rate", str(rate), "--out", str(tmp / "committed.json")], check=True)
        del producer
        consumer.wait(timeout=120)
        committed = json.loads((tmp / "committed.json").read_text())
        applied = json.loads((tmp / "applied.json").read_text())
    finally:
        nats_server.stop()
        pg.stop()
    latencies = [(applied[e] - t) * 1000 for e, t in committed["at"].items() if e in applied]
    result = Result(f"commit→consumer effect @ {rate:.0f}/s (achieved {committed['achieved']:.0f}/s)",
                    calls=total, errors=total - len(latencies), seconds=seconds, latencies_ms=latencies)
    report([result], "Event latency (producer + relay in one process, consumer in another)")
    return result


async def setup(database_url: str, nats_url: str) -> None:
    db = Database(database_url, SCHEMA, pool_size=2)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        await conn.run_sync(metadata.create_all)
    await db.dispose()
    nc = await nats.connect(nats_url)
    await ensure_stream(nc.jetstream())
    await nc.close()


async def produce(database_url: str, nats_url: str, rate: float, total: int, out: Path) -> None:
    """The producing service: units of work at a steady rate, and its outbox relay."""
    db = Database(database_url, SCHEMA, pool_size=20)
    nc = await nats.connect(nats_url)
    uow = UnitOfWorkFactory(db, kit, "benchevents", SystemClock())
    relay = OutboxRelay(db.url, SCHEMA, nc.jetstream())
    stop = asyncio.Event()
    relaying = asyncio.create_task(relay.run(stop))
    committed: dict[str, float] = {}

    async def produce_one(i: int) -> None:
        async with uow() as unit:
            event_id = unit.emit("thing_changed", events_pb2.DivisionChanged(code=f"{i:012d}"), office_code="421281")
        committed[event_id] = time.monotonic()

    interval = 1.0 / rate
    start = time.monotonic()
    pending: set[asyncio.Task] = set()
    for i in range(total):
        await asyncio.sleep(max(0.0, start + i * interval - time.monotonic()))
        pending.add(asyncio.create_task(produce_one(i)))
        pending = {t for t in pending if not t.done()}
    await asyncio.gather(*pending)
    achieved = total / (time.monotonic() - start)
    deadline = time.monotonic() + 60
    while relay.published < total and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await relaying
    await nc.close()
    await db.dispose()
    out.write_text(json.dumps({"achieved": achieved, "at": committed}))


async def consume(database_url: str, nats_url: str, total: int, out: Path) -> None:
    """The consuming service: a durable pull consumer applying each event in its transaction."""
    db = Database(database_url, SCHEMA, pool_size=4)
    nc = await nats.connect(nats_url)
    applied: dict[str, float] = {}

    async def handler(session, event: Event) -> None:
        msg = events_pb2.DivisionChanged.FromString(event.payload)
        await session.execute(insert(effects).values(code=msg.code))

    consumer = EventConsumer(nc.jetstream(), db, kit, ConsumerSpec("bench--latency", "civic.benchevents.>", handler))
    await consumer.provision()
    handle_batch = consumer.handle

    async def timed_handle(msgs: list) -> None:  # the batch's transaction has committed on return
        await handle_batch(msgs)
        now = time.monotonic()
        for msg in msgs:
            applied.setdefault(msg.headers[H_MSG_ID], now)

    consumer.handle = timed_handle  # type: ignore[method-assign]
    stop = asyncio.Event()
    consuming = asyncio.create_task(consumer.run(stop))
    print("ready", flush=True)
    deadline = None
    while len(applied) < total:
        await asyncio.sleep(0.1)
        if applied and deadline is None:
            deadline = time.monotonic() + total / 50 + 60  # far beyond any sane latency
        if deadline is not None and time.monotonic() > deadline:
            break
    stop.set()
    await asyncio.gather(consuming, return_exceptions=True)
    await nc.close()
    await db.dispose()
    out.write_text(json.dumps(applied))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--role", choices=["run", "producer", "consumer"], default="run")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--nats-url", default="")
    parser.add_argument("--total", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.role == "run":
        main(args.rate, args.seconds)
    else:
        configure_logging(f"bench-{args.role}", "WARNING", stream=sys.stderr)
        if args.role == "producer":
            uvloop.run(produce(args.database_url, args.nats_url, args.rate, args.total, args.out))
        else:
            uvloop.run(consume(args.database_url, args.nats_url, args.total, args.out))
