"""The only place that builds placenames' concrete objects."""
from __future__ import annotations

from pathlib import Path

import grpc
from civic.placenames.v1 import divisions_pb2, divisions_pb2_grpc
from servicekit.server import Infrastructure, ServiceSpec

from placenames.adapters.tables import SCHEMA, kit
from placenames.api.divisions import DivisionServicer

MIGRATIONS = Path(__file__).parent / "migrations"


def register(server: grpc.aio.Server, infra: Infrastructure) -> list[str]:
    divisions_pb2_grpc.add_DivisionServiceServicer_to_server(DivisionServicer(infra.uow, infra.clock), server)
    return [divisions_pb2.DESCRIPTOR.services_by_name["DivisionService"].full_name]


def build_spec() -> ServiceSpec:
    return ServiceSpec(name="placenames", schema=SCHEMA, tables=kit, register=register, migrations_dir=MIGRATIONS)
