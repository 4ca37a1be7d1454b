"""Placenames settings (environment variables; see servicekit.settings.ServiceSettings)."""
from __future__ import annotations

from typing import ClassVar

from servicekit.settings import ServiceSettings


class PlacenamesSettings(ServiceSettings):
    service_name: ClassVar[str] = "placenames"
    grpc_port: int = 50053
