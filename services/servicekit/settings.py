"""Settings from environment variables: one class per service, derived from ServiceSettings."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service needs. Secrets have no defaults: a missing key stops the start."""

    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "service"

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(validation_alias=AliasChoices("DATABASE_URL", "CIVIC_DATABASE_URL"))
    nats_url: str = Field(validation_alias=AliasChoices("NATS_URL", "CIVIC_NATS_URL"))
    grpc_host: str = "0.0.0.0"
    grpc_port: int = 50051
    log_level: str = "INFO"
    # AES-256-GCM key and HMAC-SHA256 key for resident ID numbers (base64, 32 bytes each).
    pii_key: SecretStr
    pii_hash_key: SecretStr
    # The gateway's Ed25519 public key (PEM): services verify the signed caller token with it.
    caller_public_key: str
    # Seconds to answer NOT_SERVING before stopping, so load balancers move traffic away.
    drain_seconds: float = 5.0
    # Connections to PostgreSQL this process holds at most (the pool has no overflow).
    db_pool_size: int = 20
    # Replicas of the CIVIC stream when this process is the first to need it and creates it (prod:
    # as many as NATS servers, 3; a NACK Stream object normally creates it first). An existing
    # stream is left as it is.
    stream_replicas: int = Field(default=1, ge=1, le=5)
    # Fault-injection point for the fault tests; never set in production.
    fault: str = ""
