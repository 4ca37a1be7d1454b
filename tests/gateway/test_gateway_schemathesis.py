"""Schemathesis against /openapi.json of a gateway started as `python -m gateway serve` in front of the
real placenames service: no 5xx, every status documented, every response matching its schema."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.seed import load_seed
from placenames.settings import PlacenamesSettings
from servicekit.devstack.embedded import free_port

from gateway.accounts.roles import ADMIN, ROLES
from gateway.descriptors import load_services

PASSWORD = "fuzzing-password"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@dataclass
class Served:
    base: str
    staff_token: str  # every role but admin, no jurisdiction limit: reaches every business operation
    admin_token: str
    log: Path


def unserved_tags() -> list[str]:
    """Services with no backend in this run answer 503 by design; only placenames is started here."""
    return [s.descriptor.name for s in load_services() if s.key != "placenames"]


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    reply = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": username, "password": PASSWORD}
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["access_token"]


async def wait_ready(client: httpx.AsyncClient, process: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(300):
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.returncode is None, log.read_text()
        await asyncio.sleep(0.1)
    pytest.fail(f"the gateway did not become ready:\n{log.read_text()}")


@pytest.fixture
async def served(start_service, infra, gateway_schema, fake_clock, tmp_path):
    placenames = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, clock=fake_clock)
    await load_seed(placenames.infra.uow)
    port, admin, staff = free_port(), f"root-{uuid.uuid4().hex[:8]}", f"fuzz-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": infra.database_url,
        "NATS_URL": infra.nats_url,
        "CIVIC_ENVIRONMENT": "development",
        "CIVIC_HTTP_HOST": "127.0.0.1",
        "CIVIC_HTTP_PORT": str(port),
        "CIVIC_CALLER_PRIVATE_KEY": infra.secrets.caller_private_key,
        "CIVIC_TOKEN_KEY": "s" * 48,
        "CIVIC_BACKENDS": json.dumps({"placenames": f"127.0.0.1:{placenames.runtime.port}"}),
        "CIVIC_BOOTSTRAP_ADMIN": f"{admin}:{PASSWORD}",
        "CIVIC_AUTH_RATE_PER_MINUTE": "6000",
        "CIVIC_FEED_MAX_WAIT_S": "2",
        "CIVIC_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "gateway.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", env=env, stdout=sink, stderr=asyncio.subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            await wait_ready(client, process, log)
            admin_token = await sign_in(client, admin)
            created = await client.post(
                "/v1/admin/users",
                headers={"Authorization": f"Bearer {admin_token}"},
                json={"username": staff, "password": PASSWORD, "roles": sorted(set(ROLES) - {ADMIN})},
            )
            assert created.status_code == 201, created.text
            yield Served(base, await sign_in(client, staff), admin_token, log)
    finally:
        process.terminate()
        # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal: exit status -15.
        assert await asyncio.wait_for(process.wait(), 20) in (0, -15)
    assert "Traceback" not in log.read_text()


async def schemathesis(served: Served, token: str, *selection: str) -> str:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{served.base}/openapi.json",
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        "12",
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        "20240520",
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--no-color",
        *selection,
    ]
    run = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=served.log.parent
    )
    output, _ = await asyncio.wait_for(run.communicate(), 280)
    report = output.decode(errors="replace")
    assert run.returncode == 0, f"{report[-8000:]}\n--- gateway log ---\n{served.log.read_text()[-4000:]}"
    return report


async def test_business_operations_and_sign_in(served: Served) -> None:
    skipped = [arg for tag in [*unserved_tags(), "Admin"] for arg in ("--exclude-tag", tag)]
    # Revoke would sign the run's own token out halfway.
    report = await schemathesis(served, served.staff_token, "--exclude-operation-id", "Auth.Revoke", *skipped)
    assert "DivisionService" not in unserved_tags() and " passed" in report


async def test_account_administration(served: Served) -> None:
    # Changing accounts may change the run's own admin account and so end its session: not fuzzed here
    # (test_gateway_auth covers it).
    await schemathesis(
        served, served.admin_token, "--include-tag", "Admin", "--exclude-operation-id", "Admin.UpdateUser"
    )
