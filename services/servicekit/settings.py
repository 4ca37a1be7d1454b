"""Settings from environment variables: one class per service, derived from ServiceSettings."""
from __future__ import annotations

import logging
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from servicekit.caller_token import public_keys
from servicekit.db import sqlalchemy_url
from servicekit.pii import PiiCipher, decode_key, parse_retired_keys


NATS_SCHEMES = ("nats", "tls", "ws", "wss")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS or not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"CIVIC_LOG_LEVEL: {value!r} is not one of {', '.join(LOG_LEVELS)}")
    return level


def check_nats_url(value: str) -> str:
    """nats://host:port (tls://, ws://, wss:// too; several comma-separated), else a clear refusal."""
    for part in value.split(","):
        parts = urlsplit(part.strip())
        if parts.scheme not in NATS_SCHEMES or not parts.hostname:
            raise ValueError("NATS_URL: not a NATS URL (nats://host:port; tls://, ws://, wss:// too)")
    return value


def check_database_url(value: str) -> str:
    try:
        sqlalchemy_url(value)
    except ValueError as err:
        raise ValueError(f"DATABASE_URL: {err} (postgresql://user:password@host:port/database)") from None
    if not urlsplit(value).hostname and "host=" not in value:
        raise ValueError("DATABASE_URL: no host (postgresql://user:password@host:port/database)")
    return value


# Shared with the gateway's settings: names what is wrong, never the value.
LogLevel = Annotated[str, AfterValidator(_log_level)]
DatabaseUrl = Annotated[str, AfterValidator(check_database_url),
                        Field(validation_alias=AliasChoices("DATABASE_URL", "CIVIC_DATABASE_URL"))]
NatsUrl = Annotated[str, AfterValidator(check_nats_url),
                    Field(validation_alias=AliasChoices("NATS_URL", "CIVIC_NATS_URL"))]
Port = Annotated[int, Field(ge=0, le=65535)]  # 0: a free port (tests, `make run`)
PoolSize = Annotated[int, Field(ge=1, le=500)]  # 0 would be no cap at all (SQLAlchemy's QueuePool)


class ServiceSettings(BaseSettings):
    """What every service needs. Secrets have no defaults: a missing key stops the start."""

    # hide_input_in_errors: a validation error at start-up is logged; it must not carry the keys.
    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore", frozen=True,
                                      hide_input_in_errors=True)

    service_name: ClassVar[str] = "service"

    environment: Literal["development", "test", "production"] = "development"
    database_url: DatabaseUrl
    nats_url: NatsUrl
    grpc_host: str = "0.0.0.0"
    grpc_port: Port = 50051
    # Prometheus metrics over HTTP on /metrics (servicekit.metrics), on grpc_host. 0: a free port,
    # logged in `service_started` (tests, `make run`, where several services share one host).
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    log_level: LogLevel = "INFO"
    # AES-256-GCM key and HMAC-SHA256 key for resident ID numbers (base64, 32 bytes each).
    pii_key: SecretStr
    pii_hash_key: SecretStr
    # Rotation of the encryption key (docs/operations.md, "Rotate secrets"): the version pii_key
    # writes (the first byte of every blob), and the retired keys still read until `rekey` has
    # re-encrypted their blobs, as "1:<base64>,2:<base64>". The hash key is not versioned.
    pii_key_version: int = Field(default=1, ge=1, le=255)
    pii_retired_keys: SecretStr = SecretStr("")
    # The gateway's Ed25519 public key (PEM): services verify the signed caller token with it.
    caller_public_key: str
    # Seconds to answer NOT_SERVING before stopping, so load balancers move traffic away.
    drain_seconds: float = Field(default=5.0, ge=0, le=60)
    # Seconds after which the server asks a client to reconnect (GOAWAY; calls in flight finish).
    # The gateway resolves a service's headless Service only when it connects: without this, a
    # replica the autoscaler adds would get no traffic from gateways already connected.
    max_connection_age_s: float = Field(default=60.0, gt=0)
    # Connections to PostgreSQL this process holds at most (the pool has no overflow).
    db_pool_size: PoolSize = 20
    # Replicas of the CIVIC stream when this process is the first to need it and creates it (prod:
    # as many as NATS servers, 3; a NACK Stream object normally creates it first). An existing
    # stream is left as it is.
    stream_replicas: int = Field(default=1, ge=1, le=5)
    # Fault-injection point for the fault tests; never set in production.
    fault: str = ""

    @field_validator("caller_public_key")
    @classmethod
    def _check_caller_public_key(cls, value: str) -> str:
        """Parsed here, not when the server is built after PostgreSQL and NATS answered."""
        try:
            public_keys(value)
        except Exception as err:  # noqa: BLE001 - whatever the PEM parser says, without the value
            raise ValueError(f"CIVIC_CALLER_PUBLIC_KEY: {err} (the gateway's Ed25519 public key, "
                             "SubjectPublicKeyInfo PEM)") from None
        return value

    @model_validator(mode="after")
    def _check_ports(self) -> ServiceSettings:
        """Also when a service's class redeclares grpc_port as a plain int."""
        for name in ("grpc_port", "metrics_port"):
            if not 0 <= getattr(self, name) <= 65535:
                raise ValueError(f"CIVIC_{name.upper()}: {getattr(self, name)} is not a TCP port (0-65535)")
        return self

    @model_validator(mode="after")
    def _check_pii_keys(self) -> ServiceSettings:
        """Every key decodes and fits together at start-up, not at the first encrypted value."""
        self.pii_cipher()
        return self

    def pii_cipher(self) -> PiiCipher:
        """The cipher these keys make (ValueError naming the variable when they do not fit)."""
        retired = parse_retired_keys(self.pii_retired_keys.get_secret_value(), "CIVIC_PII_RETIRED_KEYS")
        if self.pii_key_version in retired:
            raise ValueError(f"CIVIC_PII_RETIRED_KEYS lists version {self.pii_key_version}, which is "
                             "CIVIC_PII_KEY_VERSION (the current key): remove it")
        return PiiCipher(decode_key(self.pii_key.get_secret_value(), "CIVIC_PII_KEY"),
                         decode_key(self.pii_hash_key.get_secret_value(), "CIVIC_PII_HASH_KEY"),
                         version=self.pii_key_version, retired=retired)
