"""Settings from environment variables (design.md §6): the names ops set, and no default secrets."""
from __future__ import annotations

import base64

import pydantic
import pytest

from servicekit.caller_token import generate_keypair
from servicekit.pii import generate_key
from servicekit.settings import ServiceSettings

ENV = {
    "DATABASE_URL": "postgresql://civic@db.internal:5432/civic",
    "NATS_URL": "nats://nats.internal:4222",
    "CIVIC_PII_KEY": generate_key(),
    "CIVIC_PII_HASH_KEY": generate_key(),
    "CIVIC_CALLER_PUBLIC_KEY": generate_keypair()[1],
}
ALL_NAMES = [*ENV, "CIVIC_DATABASE_URL", "CIVIC_NATS_URL", "CIVIC_ENVIRONMENT", "CIVIC_GRPC_PORT",
             "CIVIC_GRPC_HOST", "CIVIC_FAULT", "CIVIC_DRAIN_SECONDS", "CIVIC_LOG_LEVEL", "CIVIC_DB_POOL_SIZE",
             "CIVIC_PII_KEY_VERSION", "CIVIC_PII_RETIRED_KEYS", "CIVIC_METRICS_PORT"]


class DemoSettings(ServiceSettings):
    grpc_port: int = 50099


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ALL_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_reads_the_documented_names(env: pytest.MonkeyPatch) -> None:
    s = DemoSettings()
    assert s.database_url == ENV["DATABASE_URL"]
    assert s.nats_url == ENV["NATS_URL"]
    assert s.pii_key.get_secret_value() == ENV["CIVIC_PII_KEY"]
    assert s.pii_hash_key.get_secret_value() == ENV["CIVIC_PII_HASH_KEY"]
    assert s.caller_public_key == ENV["CIVIC_CALLER_PUBLIC_KEY"]
    assert s.grpc_port == 50099 and s.environment == "development" and s.fault == ""
    assert s.metrics_port == 9464


def test_civic_prefixed_urls_and_other_knobs(env: pytest.MonkeyPatch) -> None:
    env.delenv("DATABASE_URL")
    env.delenv("NATS_URL")
    env.setenv("CIVIC_DATABASE_URL", "postgresql://other/civic")
    env.setenv("CIVIC_NATS_URL", "nats://other:4222")
    env.setenv("CIVIC_GRPC_PORT", "6001")
    env.setenv("CIVIC_ENVIRONMENT", "production")
    env.setenv("CIVIC_FAULT", "relay.before_publish")
    env.setenv("CIVIC_DRAIN_SECONDS", "0.5")
    env.setenv("CIVIC_METRICS_PORT", "0")
    s = DemoSettings()
    assert (s.database_url, s.nats_url) == ("postgresql://other/civic", "nats://other:4222")
    assert s.grpc_port == 6001 and s.environment == "production"
    assert s.fault == "relay.before_publish" and s.drain_seconds == 0.5
    assert s.metrics_port == 0  # a free port


@pytest.mark.parametrize("missing", list(ENV))
def test_missing_required_value_stops_the_start(env: pytest.MonkeyPatch, missing: str) -> None:
    env.delenv(missing)
    with pytest.raises(pydantic.ValidationError):
        DemoSettings()


def test_unknown_environment_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("CIVIC_ENVIRONMENT", "staging")
    with pytest.raises(pydantic.ValidationError):
        DemoSettings()


def test_secrets_do_not_show_in_repr(env: pytest.MonkeyPatch) -> None:
    s = DemoSettings()
    assert ENV["CIVIC_PII_KEY"] not in repr(s) and ENV["CIVIC_PII_HASH_KEY"] not in repr(s)
    assert ENV["CIVIC_PII_KEY"] not in str(s.model_dump())


def test_settings_are_frozen(env: pytest.MonkeyPatch) -> None:
    s = DemoSettings()
    with pytest.raises(pydantic.ValidationError):
        s.grpc_port = 1  # type: ignore[misc]


# ---------------------------------------------------------------- PII key rotation


def test_pii_key_version_defaults_to_1_without_retired_keys(env: pytest.MonkeyPatch) -> None:
    s = DemoSettings()
    assert s.pii_key_version == 1 and s.pii_retired_keys.get_secret_value() == ""
    cipher = s.pii_cipher()
    assert cipher.version == 1 and cipher.readable_versions == {1}


def test_rotated_keys_build_a_cipher_reading_both(env: pytest.MonkeyPatch) -> None:
    old = DemoSettings().pii_cipher().encrypt("420102199003071232")
    new_key = generate_key()
    env.setenv("CIVIC_PII_KEY", new_key)
    env.setenv("CIVIC_PII_KEY_VERSION", "2")
    env.setenv("CIVIC_PII_RETIRED_KEYS", f"1:{ENV['CIVIC_PII_KEY']}")
    s = DemoSettings()
    cipher = s.pii_cipher()
    assert cipher.version == 2 and cipher.readable_versions == {1, 2}
    assert cipher.decrypt(old) == "420102199003071232"
    assert cipher.encrypt("x")[0] == 2
    assert ENV["CIVIC_PII_KEY"] not in repr(s) and new_key not in repr(s)


@pytest.mark.parametrize(("version", "retired", "message"), [
    ("2", "1:not base64!", "CIVIC_PII_RETIRED_KEYS version 1 is not valid base64"),
    ("2", "1:{old},1:{other}", "version 1 is listed twice"),
    ("2", "2:{other}", "CIVIC_PII_RETIRED_KEYS lists version 2, which is CIVIC_PII_KEY_VERSION"),
    ("2", "{old}", "entry 1 is not <version>:<base64 key>"),
    ("2", "300:{old}", "1 to 255"),
    ("2", "1:" + base64.b64encode(b"x" * 16).decode(), "32 bytes"),
    ("2", "1:{new}", "a rotation needs a new key"),
    ("0", "", "CIVIC_PII_KEY_VERSION|pii_key_version"),
    ("256", "", "pii_key_version"),
    ("two", "", "pii_key_version"),
])
def test_bad_rotation_settings_stop_the_start(env: pytest.MonkeyPatch, version: str, retired: str,
                                              message: str) -> None:
    """Fail fast at start-up with a message naming the variable, and never the keys."""
    new_key, other = generate_key(), generate_key()
    env.setenv("CIVIC_PII_KEY", new_key)
    env.setenv("CIVIC_PII_KEY_VERSION", version)
    env.setenv("CIVIC_PII_RETIRED_KEYS", retired.format(old=ENV["CIVIC_PII_KEY"], other=other, new=new_key))
    with pytest.raises(pydantic.ValidationError, match=message) as err:
        DemoSettings()
    for secret in (new_key, other, ENV["CIVIC_PII_KEY"], ENV["CIVIC_PII_HASH_KEY"], "not base64!"):
        assert secret not in str(err.value)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DATABASE_URL", "mysql://civic@db/civic", "DATABASE_URL: not a PostgreSQL URL"),
    ("CIVIC_CALLER_PUBLIC_KEY", "gateway-public.pem", "CIVIC_CALLER_PUBLIC_KEY: no caller-verifying"),
    ("CIVIC_CALLER_PUBLIC_KEY", generate_keypair()[0], "CIVIC_CALLER_PUBLIC_KEY: no caller-verifying"),
    ("CIVIC_CALLER_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
     "CIVIC_CALLER_PUBLIC_KEY: "),
])
def test_unusable_connection_and_key_settings_stop_the_start(env: pytest.MonkeyPatch, name: str, value: str,
                                                             message: str) -> None:
    """Refused when the settings are read, naming the variable: not after half a minute of waiting
    for PostgreSQL and NATS (the caller key was parsed last) or as a stack trace from deep inside."""
    env.setenv(name, value)
    with pytest.raises(pydantic.ValidationError, match=message) as err:
        DemoSettings()
    assert value not in str(err.value)  # e.g. a private key put there by mistake


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CIVIC_LOG_LEVEL", "verbose", "CIVIC_LOG_LEVEL"),  # else: "Unknown level" from logging, after start
    ("CIVIC_DB_POOL_SIZE", "0", "db_pool_size"),  # 0 is no cap at all in SQLAlchemy's QueuePool
    ("CIVIC_DRAIN_SECONDS", "-1", "drain_seconds"),
    ("CIVIC_GRPC_PORT", "70000", "CIVIC_GRPC_PORT"),
    ("CIVIC_NATS_URL", "http://nats:4222", "NATS_URL"),
])
def test_out_of_range_settings_stop_the_start(env: pytest.MonkeyPatch, name: str, value: str,
                                              message: str) -> None:
    if name == "CIVIC_NATS_URL":
        env.delenv("NATS_URL")
    env.setenv(name, value)
    with pytest.raises(pydantic.ValidationError, match=message):
        DemoSettings()


def test_log_level_is_read_in_any_case(env: pytest.MonkeyPatch) -> None:
    env.setenv("CIVIC_LOG_LEVEL", "debug")
    assert DemoSettings().log_level == "DEBUG"


def test_marriage_sweep_interval_must_be_positive(env: pytest.MonkeyPatch) -> None:
    from marriage.settings import MarriageSettings

    env.setenv("CIVIC_LAPSE_SWEEP_INTERVAL_S", "0")  # a sweep loop without a pause
    with pytest.raises(pydantic.ValidationError, match="lapse_sweep_interval_s"):
        MarriageSettings()
