"""pytest plugin: real PostgreSQL and NATS JetStream for the run (on free ports, in a temporary
folder), migrated schemas, in-process gRPC servers on port 0, and a fake clock.

DATABASE_URL / NATS_URL, when set, point the run at existing servers instead.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import grpc
import pytest
import pytest_asyncio

from servicekit import migrations
from servicekit.clock import FakeClock
from servicekit.db import Database
from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from servicekit.server import ServiceRuntime, ServiceSpec
from servicekit.settings import ServiceSettings
from servicekit.testing.env import Secrets
from servicekit.testing.logs import captured_logs


class Infra:
    """The servers of one test run."""

    def __init__(self, tmp: Path) -> None:
        self.pg = None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(tmp / "pg", fsync=False)
        self.nats = None if os.environ.get("NATS_URL") else EmbeddedNats(tmp / "nats")
        self.database_url = os.environ.get("DATABASE_URL") or self.pg.start()  # type: ignore[union-attr]
        self.nats_url = os.environ.get("NATS_URL") or self.nats.start()  # type: ignore[union-attr]
        self.secrets = Secrets.generate()

    def env(self) -> dict[str, str]:
        return self.secrets.service_env(self.database_url, self.nats_url)

    def stop(self) -> None:
        for server in (self.pg, self.nats):
            if server is not None:
                server.stop()


@contextlib.contextmanager
def server_folder():
    """A folder for a server's data, removed afterwards. Not under pytest's basetemp: every new pytest
    run chmods /tmp/pytest-of-<user> back to 0700, which (as root) locks PostgreSQL, running as the
    `pgserver` user, out of its data in a concurrent run — mid-initdb it fails with 'Permission denied'."""
    folder = Path(tempfile.mkdtemp(prefix="civic-test-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def infra() -> Infra:
    with server_folder() as folder:
        servers = Infra(folder)
        yield servers
        servers.stop()


@pytest.fixture
def servers_path() -> Path:
    """tmp_path for a test's own PostgreSQL or NATS (see ``server_folder``)."""
    with server_folder() as folder:
        yield folder


@pytest.fixture(scope="session")
def secrets(infra: Infra) -> Secrets:
    return infra.secrets


@pytest.fixture
def log_output():
    """The JSON log lines written during the test (INFO and up), logging restored afterwards."""
    with captured_logs() as stream:
        yield stream


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


def with_database(url: str, name: str) -> str:
    """The same server's URL for another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest_asyncio.fixture
async def new_database(infra: Infra) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Factory: an empty database on the run's server (dropped afterwards); returns its URL. For a
    test that counts rows, restores a dump or restarts a service and must see only what it did."""
    made: list[str] = []

    async def make() -> str:
        name = f"kit_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(infra.database_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        made.append(name)
        return with_database(infra.database_url, name)

    yield make
    conn = await asyncpg.connect(infra.database_url)
    try:
        for name in made:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest_asyncio.fixture
async def database_with(new_database) -> AsyncIterator[Callable[..., Awaitable[Database]]]:
    """Factory: ``await database_with(schema, *statements)`` — a new database, the statements run in
    it, and a kit ``Database`` on ``schema`` (disposed afterwards)."""
    made: list[Database] = []

    async def make(schema: str, *statements: str) -> Database:
        url = await new_database()
        conn = await asyncpg.connect(url)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()
        made.append(Database(url, schema, pool_size=2))
        return made[-1]

    yield make
    for database in made:
        await database.dispose()


_migrated: set[tuple[str, str]] = set()


async def migrate(migrations_dir: Path, database_url: str, schema: str) -> None:
    """Run a service's real migrations once per run (in a thread: Alembic runs its own loop)."""
    key = (str(migrations_dir), schema)
    if key not in _migrated:
        await asyncio.to_thread(migrations.upgrade, migrations_dir, database_url, schema)
        _migrated.add(key)


class RunningService:
    def __init__(self, runtime: ServiceRuntime, channel: grpc.aio.Channel) -> None:
        self.runtime = runtime
        self.channel = channel

    @property
    def infra(self):  # noqa: ANN201 - servicekit.server.Infrastructure
        return self.runtime.infra


@pytest_asyncio.fixture
async def start_service(infra: Infra) -> AsyncIterator[Callable[..., "asyncio.Future[RunningService]"]]:
    """Factory: start a service in-process on port 0 against the run's servers.

    `await start_service(spec, SettingsClass, migrations_dir, clock=FakeClock(), **overrides)`.
    """
    running: list[RunningService] = []

    async def start(spec: ServiceSpec, settings_cls: type[ServiceSettings], migrations_dir: Path,
                    clock: FakeClock | None = None, **overrides: object) -> RunningService:
        await migrate(migrations_dir, infra.database_url, spec.schema)
        kwargs = infra.secrets.settings_kwargs(infra.database_url, infra.nats_url)
        settings = settings_cls(**{**kwargs, "grpc_port": 0, "grpc_host": "127.0.0.1", "drain_seconds": 0, "metrics_port": 0,
                                   "environment": "test", **overrides})  # type: ignore[arg-type]
        runtime = ServiceRuntime(spec, settings, clock)
        port = await runtime.start()
        service = RunningService(runtime, grpc.aio.insecure_channel(f"127.0.0.1:{port}"))
        running.append(service)
        return service

    yield start
    for service in running:
        await service.channel.close()
        await service.runtime.stop(drain_s=0)


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"
