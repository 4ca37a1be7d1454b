"""A service serves only on a schema at its code's migration head (servicekit.schema_version): new
code started before its migration ran waits for it, then stops naming both revisions; a schema
newer than the code (a release rolled back after its migration) is served, with a warning."""
from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest
from alembic.script import ScriptDirectory

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings
from servicekit import server
from servicekit.migrations import alembic_config, upgrade
from servicekit.schema_version import SchemaBehind, code_revisions
from servicekit.server import ServiceRuntime
from servicekit.testing.logs import captured_logs

pytestmark = pytest.mark.timeout(90)
SCHEMA = "placenames"


def previous_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(MIGRATIONS, "", SCHEMA))
    head = script.get_revision(script.get_current_head())
    assert isinstance(head.down_revision, str)
    return head.down_revision


async def database_at(new_database, revision: str) -> str:
    url = await new_database()
    await asyncio.to_thread(upgrade, MIGRATIONS, url, SCHEMA, revision)
    return url


def runtime(infra, url: str) -> ServiceRuntime:
    kwargs = infra.secrets.settings_kwargs(url, infra.nats_url)
    settings = PlacenamesSettings(**{**kwargs, "grpc_port": 0, "grpc_host": "127.0.0.1", "drain_seconds": 0,
                                     "metrics_port": 0, "environment": "test"})
    return ServiceRuntime(build_spec(), settings)


async def test_new_code_on_an_older_schema_waits_for_the_migration_then_serves(
        infra, new_database, monkeypatch) -> None:
    monkeypatch.setattr(server, "DATABASE_START_WAIT_S", 30.0)
    url = await database_at(new_database, previous_revision())
    service = runtime(infra, url)
    starting = asyncio.ensure_future(service.start())
    await asyncio.sleep(2.0)
    assert not starting.done()  # not serving on tables older than the code
    await asyncio.to_thread(upgrade, MIGRATIONS, url, SCHEMA, "head")  # the migration Job
    assert await asyncio.wait_for(starting, 10) > 0
    await service.stop(drain_s=0)


async def test_new_code_on_an_older_schema_stops_naming_both_revisions(infra, new_database, monkeypatch) -> None:
    monkeypatch.setattr(server, "DATABASE_START_WAIT_S", 1.0)
    older = previous_revision()
    head, _ = code_revisions(MIGRATIONS)
    service = runtime(infra, await database_at(new_database, older))
    with pytest.raises(SchemaBehind) as refused:
        await service.start()
    assert f"revision {older}" in str(refused.value) and f"needs {head}" in str(refused.value)
    assert "migrat" in str(refused.value)


async def test_a_schema_newer_than_the_code_is_served_with_a_warning(infra, new_database) -> None:
    url = await database_at(new_database, "head")
    conn = await asyncpg.connect(url)
    try:  # as if the next release's migration had run and its code been rolled back
        await conn.execute(f"UPDATE {SCHEMA}.alembic_version SET version_num = '9999'")
    finally:
        await conn.close()
    service = runtime(infra, url)
    with captured_logs() as logs:
        assert await service.start() > 0
    await service.stop(drain_s=0)
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    [warning] = [line for line in lines if line.get("event") == "schema_newer_than_code"]
    assert warning["schema_revision"] == "9999" and warning["code_revision"] == code_revisions(MIGRATIONS)[0]


async def test_new_code_on_a_database_never_migrated_stops_naming_the_revision_it_needs(
        infra, new_database, monkeypatch) -> None:
    """A first install whose migration Job has not run yet: the schema's revision is what start
    reports, not an error from the first table it happened to touch (the PII key checks)."""
    monkeypatch.setattr(server, "DATABASE_START_WAIT_S", 1.0)
    head, _ = code_revisions(MIGRATIONS)
    service = runtime(infra, await new_database())
    with pytest.raises(SchemaBehind) as refused:
        await service.start()
    assert "revision (none)" in str(refused.value) and f"needs {head}" in str(refused.value)


async def test_new_code_on_an_older_schema_writes_nothing_before_it_stops(infra, new_database, monkeypatch) -> None:
    """Nothing is written on tables older than the code, not even the PII keys' check values."""
    monkeypatch.setattr(server, "DATABASE_START_WAIT_S", 1.0)
    url = await database_at(new_database, previous_revision())
    with pytest.raises(SchemaBehind):
        await runtime(infra, url).start()
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.pii_key_checks") == 0
    finally:
        await conn.close()
