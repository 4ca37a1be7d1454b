"""Marriage settings (environment variables; see servicekit.settings.ServiceSettings)."""
from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator
from servicekit.settings import Port, ServiceSettings


class MarriageSettings(ServiceSettings):
    service_name: ClassVar[str] = "marriage"
    grpc_port: Port = 50051
    # How often the divorce-application lapse sweep runs (seconds of wall time; dates from the clock).
    lapse_sweep_interval_s: float = Field(default=60, gt=0)
    # Development only (CIVIC_DEMO_DATA): `seed` also loads the Chibi registry's 2023 (marriage.demo).
    demo_data: bool = False

    @model_validator(mode="after")
    def _no_demo_in_production(self) -> MarriageSettings:
        if self.demo_data and self.environment == "production":
            raise ValueError("CIVIC_DEMO_DATA is for development only")
        return self
