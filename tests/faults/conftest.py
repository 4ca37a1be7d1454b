"""Fault tests: each gets PostgreSQL and NATS of its own (so stopping them hurts no other test),
the marriage service as a real process, and a probe consumer that counts effects per event."""
from __future__ import annotations

import asyncio
import collections
import itertools
import uuid
from dataclasses import dataclass, field

import grpc
import pytest_asyncio
from civic.marriage.v1 import events_pb2, marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from sqlalchemy import Column, Integer, Table, Text, insert

from servicekit.consumer import ConsumerSpec, EventConsumer
from servicekit.db import Database, service_metadata
from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from servicekit.events import ensure_stream
from servicekit.server import connect_nats
from servicekit.tables import kit_tables
from servicekit.testing.process import ServiceProcess
from tests.marriage.unit.marriage_ids import resident_id

import datetime as dt

PROBE_SCHEMA = "faultprobe"
probe_metadata = service_metadata(PROBE_SCHEMA)
probe_kit = kit_tables(probe_metadata)
probe_effects = Table("effects", probe_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                      Column("marriage", Text, nullable=False))
_serial = itertools.count(1)


def couple_request() -> pb.RegisterMarriageRequest:
    def person(sex: str) -> str:  # unique within the run: the counter picks day and sequence
        n = next(_serial)
        born = dt.date(1980, 1, 1) + dt.timedelta(days=n // 100)
        return resident_id(born, sex, address="421281", sequence=f"{n % 100:02d}")

    return pb.RegisterMarriageRequest(
        request_id=uuid.uuid4().hex, office_code="421281",
        parties=[pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person("M"), name="王强", nationality="CHN"),
                 pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person("F"), name="刘芳", nationality="CHN")],
        declarations=pb.Declarations(no_spouse=True, no_prohibited_kinship=True))


@dataclass
class Outcomes:
    ok: list[str] = field(default_factory=list)  # marriage names the service confirmed
    errors: collections.Counter = field(default_factory=collections.Counter)
    error_times: list[float] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


async def register_stream(service: ServiceProcess, metadata, stop: asyncio.Event, outcomes: Outcomes,
                          workers: int = 4, pause_s: float = 0.02) -> None:
    """Register new couples from `workers` callers until `stop` is set."""
    loop = asyncio.get_running_loop()

    async def worker() -> None:
        while not stop.is_set():
            try:
                async with grpc.aio.insecure_channel(service.address) as channel:
                    stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
                    while not stop.is_set():
                        got = await stub.RegisterMarriage(couple_request(), metadata=metadata, timeout=5)
                        outcomes.ok.append(got.name)
                        await asyncio.sleep(pause_s)
            except grpc.aio.AioRpcError as err:
                outcomes.errors[err.code().name] += 1
                outcomes.details.append(err.details() or "")
                outcomes.error_times.append(loop.time())
                await asyncio.sleep(0.05)

    await asyncio.gather(*(worker() for _ in range(workers)))


class Probe:
    """A durable consumer of `marriage_registered` recording one effect row per application."""

    def __init__(self, database_url: str, nats_url: str) -> None:
        self.database_url = database_url
        self.nats_url = nats_url
        self.stop = asyncio.Event()

    async def start(self) -> None:
        self.db = Database(self.database_url, PROBE_SCHEMA)
        async with self.db.engine.begin() as conn:
            await conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {PROBE_SCHEMA}")
            await conn.run_sync(probe_metadata.create_all)
        self.nc = await connect_nats(self.nats_url, "fault-probe")
        await ensure_stream(self.nc.jetstream())

        async def handler(session, event) -> None:  # noqa: ANN001
            registered = events_pb2.MarriageRegistered.FromString(event.payload)
            await session.execute(insert(probe_effects).values(marriage=registered.marriage.name))

        self.consumer = EventConsumer(self.nc.jetstream(), self.db, probe_kit, ConsumerSpec(
            "faultprobe--registrations", "civic.marriage.marriage_registered", handler, backoff_s=(0.2, 0.5)))
        await self.consumer.provision()
        self.task = asyncio.create_task(self.consumer.run(self.stop))

    async def effects(self) -> collections.Counter:
        async with self.db.transaction() as session:
            rows = (await session.execute(probe_effects.select())).all()
        return collections.Counter(r.marriage for r in rows)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)
        await self.nc.close()
        await self.db.dispose()


@pytest_asyncio.fixture
async def own_servers(servers_path):
    pg, nats_server = EmbeddedPostgres(servers_path / "pg", fsync=False), EmbeddedNats(servers_path / "nats")
    pg.start()
    nats_server.start()
    yield pg, nats_server
    nats_server.stop()
    pg.stop()


@pytest_asyncio.fixture
async def marriage_process(own_servers, infra, tmp_path):
    pg, nats_server = own_servers
    service = ServiceProcess("marriage", infra.secrets.service_env(pg.url, nats_server.url), tmp_path)
    await asyncio.to_thread(service.migrate)
    await service.start()
    yield service
    service.kill()
