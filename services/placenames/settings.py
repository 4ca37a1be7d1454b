"""Placenames settings (environment variables; see servicekit.settings.ServiceSettings)."""
from __future__ import annotations

from typing import ClassVar

from servicekit.settings import Port, ServiceSettings


class PlacenamesSettings(ServiceSettings):
    service_name: ClassVar[str] = "placenames"
    grpc_port: Port = 50053
