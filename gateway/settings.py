"""Gateway settings from environment variables (prefix CIVIC_, like the services)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from servicekit.settings import DatabaseUrl, LogLevel, NatsUrl, PoolSize, Port


class DatabaseSettings(BaseSettings):
    """What `python -m gateway migrate` and `users add` need: the database, nothing secret."""

    # hide_input_in_errors: a refusal at start-up is logged; it must not carry a key or a password.
    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore", frozen=True,
                                      hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = "development"
    database_url: DatabaseUrl
    db_pool_size: PoolSize = 10  # at most (no overflow): sign-in, accounts, revocations
    log_level: LogLevel = "INFO"


class GatewaySettings(DatabaseSettings):
    http_host: str = "0.0.0.0"
    http_port: Port = 8080
    nats_url: NatsUrl
    # service (the <svc> of proto package civic.<svc>.v1) → "host:port" of its gRPC server.
    # JSON ({"placenames": "placenames:50053"}) or "placenames=placenames:50053,marriage=…".
    backends: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    # Ed25519 private key (PEM) signing the caller token forwarded to services.
    caller_private_key: SecretStr
    # HMAC key for the gateway's own bearer tokens (at least 32 characters).
    token_key: SecretStr = Field(min_length=32)
    token_ttl_s: int = Field(default=900, ge=60, le=3600)
    # Longest a member of staff stays signed in by renewing tokens (POST /v1/auth/renew) without
    # the password again: a working day. An idle window still signs out when its token expires.
    session_max_s: int = Field(default=43_200, ge=60, le=7 * 86_400)
    # Deadline of every unary backend call; client-streaming (bulk) calls get bulk_deadline_s.
    deadline_s: float = Field(default=5.0, gt=0)
    bulk_deadline_s: float = Field(default=300.0, gt=0)
    max_body_bytes: int = Field(default=1 << 20, gt=0)
    bulk_max_body_bytes: int = Field(default=64 << 20, gt=0)
    # Browser origins allowed to call the API cross-origin; empty = CORS off.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # "name:password": creates this admin at start when no account of that name exists.
    bootstrap_admin: SecretStr | None = None
    # Development only: one demo account per role and one exchange client (see accounts.demo).
    demo_accounts: bool = False
    # Sign-in: lock-out after this many failures in a row, for lockout_s seconds.
    login_max_failures: int = Field(default=5, ge=1)
    lockout_s: int = Field(default=900, ge=1)
    # Requests per minute per client address on /v1/auth/token and on bulk (client-streaming) routes.
    auth_rate_per_minute: int = Field(default=30, ge=1)
    bulk_rate_per_minute: int = Field(default=10, ge=1)
    # How often a replica picks up sign-outs made on other replicas.
    revocation_refresh_s: float = Field(default=2.0, gt=0)
    # Longest wait a client may ask for on the change feed.
    feed_max_wait_s: float = Field(default=30.0, ge=0)

    @field_validator("caller_private_key")
    @classmethod
    def _check_caller_private_key(cls, value: SecretStr) -> SecretStr:
        """Parsed here, not when the app is built (a stack trace from deep inside)."""
        from servicekit.caller_token import CallerSigner

        try:
            CallerSigner(value.get_secret_value())
        except Exception as err:  # noqa: BLE001 - whatever the PEM parser says, without the value
            raise ValueError(f"CIVIC_CALLER_PRIVATE_KEY: {type(err).__name__} (the caller-signing "
                             "Ed25519 private key, PKCS#8 PEM)") from None
        return value

    @field_validator("backends", mode="before")
    @classmethod
    def _parse_backends(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return {}
        if text.startswith("{"):
            return json.loads(text)
        pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
        return {name.strip(): address.strip() for name, address in pairs}

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [origin.strip() for origin in text.split(",") if origin.strip()]

    @field_validator("bootstrap_admin")
    @classmethod
    def _check_bootstrap_admin(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            name, sep, password = value.get_secret_value().partition(":")
            if not sep or not name.strip() or len(password) < 8:
                raise ValueError(
                    "CIVIC_BOOTSTRAP_ADMIN must be name:password (password of 8 or more characters)"
                )
        return value

    @model_validator(mode="after")
    def _no_demo_in_production(self) -> GatewaySettings:
        if self.demo_accounts and self.environment == "production":
            raise ValueError("CIVIC_DEMO_ACCOUNTS is for development only")
        return self

    def bootstrap_admin_credentials(self) -> tuple[str, str] | None:
        if self.bootstrap_admin is None or not self.bootstrap_admin.get_secret_value():
            return None
        name, _, password = self.bootstrap_admin.get_secret_value().partition(":")
        return name.strip(), password
