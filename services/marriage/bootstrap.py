"""The only place that builds marriage's concrete objects."""
from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from civic.marriage.v1 import marriage_service_pb2, marriage_service_pb2_grpc
from servicekit.consumer import ConsumerSpec
from servicekit.logging import get_logger
from servicekit.server import Infrastructure, ServiceSpec

from marriage.adapters.tables import SCHEMA, kit
from marriage.api.servicer import MarriageServicer
from marriage.app.calendar_updates import bring_up_to_calendar
from marriage.app.divorces import run_lapse_sweeps
from marriage.domain.calendar import bundled_calendar
from marriage.consumers.death_recorded import death_recorded_consumer

log = get_logger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_SWEEP_INTERVAL_S = 60.0


def register(server: grpc.aio.Server, infra: Infrastructure) -> list[str]:
    marriage_service_pb2_grpc.add_MarriageServiceServicer_to_server(MarriageServicer(infra), server)
    return [marriage_service_pb2.DESCRIPTOR.services_by_name["MarriageService"].full_name]


async def lapse_sweep(infra: Infrastructure, stop: asyncio.Event) -> None:
    """First what depends on the holiday calendar is brought up to the one this release carries; then
    divorce applications past their issue deadline become deemed withdrawn (dates from the clock)."""
    interval = getattr(infra.settings, "lapse_sweep_interval_s", DEFAULT_SWEEP_INTERVAL_S)
    try:
        await bring_up_to_calendar(infra.uow, infra.cipher, bundled_calendar(), infra.clock.today())
    except Exception:  # the sweep extends before it lapses, whatever happened here
        log.exception("calendar_update_failed")
    await run_lapse_sweeps(infra.uow, infra.cipher, infra.clock.today, interval, stop)


def consumers(infra: Infrastructure) -> list[ConsumerSpec]:
    return [death_recorded_consumer(infra)]


def build_spec() -> ServiceSpec:
    return ServiceSpec(name="marriage", schema=SCHEMA, tables=kit, register=register, consumers=consumers,
                       background=[lapse_sweep], migrations_dir=MIGRATIONS)
