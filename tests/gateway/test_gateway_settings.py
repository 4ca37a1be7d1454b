"""The gateway's settings refuse what cannot work when they are read, naming the variable, and
never print a secret in the refusal (it goes to the pod's log)."""
from __future__ import annotations

import pydantic
import pytest

from gateway.settings import DatabaseSettings, GatewaySettings
from servicekit.caller_token import generate_keypair

ENV = {
    "DATABASE_URL": "postgresql://gateway:pw@db.internal:5432/civic",
    "NATS_URL": "nats://nats.internal:4222",
    "CIVIC_CALLER_PRIVATE_KEY": generate_keypair()[0],
    "CIVIC_TOKEN_KEY": "k" * 40,
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith("CIVIC_") or name in ("DATABASE_URL", "NATS_URL"):
            monkeypatch.delenv(name)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_valid_environment_builds_both_classes(env: pytest.MonkeyPatch) -> None:
    assert GatewaySettings().http_port == 8080
    assert DatabaseSettings().database_url == ENV["DATABASE_URL"]


@pytest.mark.parametrize(("name", "value"), [
    ("CIVIC_TOKEN_KEY", "short-secret-token-key"),
    ("CIVIC_BOOTSTRAP_ADMIN", "admin:short"),
    ("CIVIC_CALLER_PRIVATE_KEY", "not-a-pem-private-key-value"),
])
def test_refusals_do_not_print_secrets(env: pytest.MonkeyPatch, name: str, value: str) -> None:
    env.setenv(name, value)
    with pytest.raises(pydantic.ValidationError) as err:
        GatewaySettings()
    assert value not in str(err.value)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DATABASE_URL", "mysql://gateway:pw@db/civic", "DATABASE_URL: not a PostgreSQL URL"),
    ("CIVIC_LOG_LEVEL", "loud", "CIVIC_LOG_LEVEL"),
    ("CIVIC_DB_POOL_SIZE", "0", "db_pool_size"),
    ("CIVIC_HTTP_PORT", "99999", "http_port"),
    ("NATS_URL", "nats.internal:4222", "NATS_URL"),
    ("CIVIC_CALLER_PRIVATE_KEY", "not-a-pem-private-key-value", "CIVIC_CALLER_PRIVATE_KEY"),
])
def test_unusable_settings_stop_the_start(env: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    env.setenv(name, value)
    with pytest.raises(pydantic.ValidationError, match=message) as err:
        GatewaySettings()
    assert "pw@" not in str(err.value)  # the database password
