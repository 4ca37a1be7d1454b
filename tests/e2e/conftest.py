"""The whole suite started as `make run` starts it (the supervisor), with its own data folder and
its own embedded PostgreSQL and NATS."""
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest
from servicekit.devstack.launch import launch_suite, stop_supervisor
from servicekit.testing.plugin import server_folder

ROOT = Path(__file__).resolve().parents[2]


class RunningSuite:
    def __init__(self, proc: subprocess.Popen, data: Path, output: Path) -> None:
        self.proc = proc
        self.data = data
        self.output = output
        self.state = json.loads((data / "run.json").read_text())
        self.url = self.state["url"]

    def token(self, username: str, password: str) -> str:
        resp = httpx.post(f"{self.url}/v1/auth/token",
                          data={"grant_type": "password", "username": username, "password": password})
        resp.raise_for_status()
        return resp.json()["access_token"]


def start_suite(data: Path, timeout: float = 240.0) -> RunningSuite:
    output = data.parent / f"{data.name}-supervisor.log"
    # the demo year takes a minute to load; tests make their own data. Every test signs in from
    # 127.0.0.1, about once a second through the browser tests: the gateway's sign-in limit per
    # address (30 a minute; tests/gateway holds it) would refuse them as a password guesser.
    env = {"CIVIC_DEMO_DATA": os.environ.get("CIVIC_DEMO_DATA", "false"), "CIVIC_AUTH_RATE_PER_MINUTE": "600"}
    proc = launch_suite(data, output, env, cwd=ROOT, timeout=timeout)
    return RunningSuite(proc, data, output)


def stop_suite(suite: RunningSuite) -> list[int]:
    """SIGTERM the supervisor; returns the pids of children still alive afterwards (should be none)."""
    return stop_supervisor(suite.proc)


@pytest.fixture(scope="session")
def suite_control():
    """(start_suite, stop_suite) for tests that start and stop the suite themselves."""
    return start_suite, stop_suite


@pytest.fixture(scope="session")
def suite():
    with server_folder() as folder:  # PostgreSQL runs as `pgserver`: not under pytest's private basetemp
        running = start_suite(folder / "civic")
        yield running
        stop_suite(running)
