"""A service as a real process (`python -m <svc> serve`), for crash and fault tests."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from servicekit.devstack.embedded import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[3]


class ServiceProcess:
    """One service started, killed and restarted by a test, logging to files in `log_dir`."""

    def __init__(self, module: str, base_env: dict[str, str], log_dir: Path) -> None:
        self.module = module
        self.base_env = base_env
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    def env(self, fault: str = "") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")}
        env.update(self.base_env)
        env.update(CIVIC_GRPC_HOST="127.0.0.1", CIVIC_GRPC_PORT=str(self.port), CIVIC_DRAIN_SECONDS="0",
                   CIVIC_METRICS_PORT="0", CIVIC_ENVIRONMENT="test")
        if fault:
            env["CIVIC_FAULT"] = fault
        return env

    def migrate(self) -> None:
        done = subprocess.run([sys.executable, "-m", self.module, "migrate"], env=self.env(), cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr

    async def start(self, fault: str = "", port: int | None = None) -> None:
        self.port = port or free_port()
        self.starts += 1
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", self.module, "serve"], env=self.env(fault),
                                         cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        await asyncio.to_thread(wait_for_port, self.port, 30, self.proc)
        await self.wait_serving()

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.module}-{self.starts}.log"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def health(self, name: str = "") -> int | None:
        """The gRPC health status (readiness by default), or None when the process does not answer."""
        async with grpc.aio.insecure_channel(self.address) as channel:
            try:
                got = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=name),
                                                                      timeout=2)
                return got.status
            except grpc.aio.AioRpcError:
                return None

    async def wait_serving(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while await self.health() != health_pb2.HealthCheckResponse.SERVING:
            assert self.proc is not None and self.proc.poll() is None, \
                f"{self.module} exited with {self.proc.returncode if self.proc else '?'}: {self.log()}"
            assert time.monotonic() < deadline, f"{self.module} never reported SERVING: {self.log()}"
            await asyncio.sleep(0.1)

    async def wait_exit(self, timeout: float = 20.0) -> int:
        assert self.proc is not None
        try:
            return await asyncio.to_thread(self.proc.wait, timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.module} still running after {timeout}s: {self.log()}")

    async def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await self.wait_exit()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
