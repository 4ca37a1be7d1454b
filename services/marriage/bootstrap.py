"""The only place that builds marriage's concrete objects."""
from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from civic.marriage.v1 import marriage_service_pb2, marriage_service_pb2_grpc
from servicekit.consumer import ConsumerSpec
from servicekit.server import Infrastructure, ServiceSpec

from marriage.adapters.tables import SCHEMA, kit
from marriage.api.servicer import MarriageServicer
from marriage.app.divorces import run_lapse_sweeps
from marriage.consumers.death_recorded import death_recorded_consumer

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_SWEEP_INTERVAL_S = 60.0


def register(server: grpc.aio.Server, infra: Infrastructure) -> list[str]:
    marriage_service_pb2_grpc.add_MarriageServiceServicer_to_server(MarriageServicer(infra), server)
    return [marriage_service_pb2.DESCRIPTOR.services_by_name["MarriageService"].full_name]


async def lapse_sweep(infra: Infrastructure, stop: asyncio.Event) -> None:
    """Divorce applications past their issue deadline become deemed withdrawn (dates from the clock)."""
    interval = getattr(infra.settings, "lapse_sweep_interval_s", DEFAULT_SWEEP_INTERVAL_S)
    await run_lapse_sweeps(infra.uow, infra.cipher, infra.clock.today, interval, stop)


def consumers(infra: Infrastructure) -> list[ConsumerSpec]:
    return [death_recorded_consumer(infra)]


def build_spec() -> ServiceSpec:
    return ServiceSpec(name="marriage", schema=SCHEMA, tables=kit, register=register, consumers=consumers,
                       background=[lapse_sweep])
