"""Marriage settings (environment variables; see servicekit.settings.ServiceSettings)."""
from __future__ import annotations

from typing import ClassVar

from servicekit.settings import ServiceSettings


class MarriageSettings(ServiceSettings):
    service_name: ClassVar[str] = "marriage"
    grpc_port: int = 50051
    # How often the divorce-application lapse sweep runs (seconds of wall time; dates from the clock).
    lapse_sweep_interval_s: float = 60
