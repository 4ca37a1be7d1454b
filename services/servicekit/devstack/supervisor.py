"""`make run`: the whole suite on one machine.

Starts PostgreSQL and NATS (embedded, under .civic/, on free ports) unless DATABASE_URL / NATS_URL
point elsewhere; migrates and seeds every service; starts every service and the gateway; waits until
all are ready; prints the URL and the demo logins. Ctrl-C or SIGTERM stops every child.
"""
from __future__ import annotations

import json
import os
import secrets as pysecrets
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres, free_port, stop_process, wait_for_port
from servicekit.testing.env import Secrets

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("CIVIC_DATA_DIR", ROOT / ".civic"))
PREFERRED_HTTP_PORT = 8080


def discover_services() -> list[str]:
    """Every folder under services/ with a `__main__.py`, except the kit."""
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/__main__.py") if p.parent.name != "servicekit")


def load_secrets(path: Path) -> tuple[Secrets, str]:
    """Development keys, made once and kept with the data (so a second run can read the data)."""
    if path.exists():
        raw = json.loads(path.read_text())
        return Secrets(**raw["service"]), raw["token_key"]
    made, token_key = Secrets.generate(), pysecrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"service": asdict(made), "token_key": token_key}))
    path.chmod(0o600)
    return made, token_key


@dataclass
class Stack:
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    pg: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(DATA / "logs" / f"{name}.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", *args], env={**os.environ, **env}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.children.append((name, proc))
        return proc

    def stop(self) -> None:
        for _, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in reversed(self.children):
            stop_process(proc, signal.SIGTERM, timeout=20)
        for server in (self.nats, self.pg):
            if server is not None:
                server.stop()


def run_step(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", *args], env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"step failed: python -m {' '.join(args)}")


def wait_grpc_serving(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status == \
                        health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise TimeoutError(f"service on port {port} not SERVING after {timeout}s")


def wait_http_ready(url: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout}s")


def wait_listening(proc: subprocess.Popen, log_path: Path, offset: int, port: int,
                   timeout: float = 60.0) -> bool:
    """True once the gateway child says it listens on ``port`` (uvicorn's 'Uvicorn running on' line,
    written to its own log after ``offset``); False when it exits first — e.g. the port was taken
    after http_port() found it free. /readyz alone cannot tell: another suite's gateway listening
    on that port answers it too."""
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, "rb") as log:
            log.seek(offset)
            written = log.read().decode("utf-8", errors="replace")
        if any("Uvicorn running on" in line and address in line for line in written.splitlines()):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.2)
    raise TimeoutError(f"the gateway did not listen on {address} after {timeout}s")


def http_port() -> int:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", PREFERRED_HTTP_PORT))
            return PREFERRED_HTTP_PORT
        except OSError:
            return free_port()


def start(stack: Stack) -> tuple[str, dict[str, str]]:
    (DATA / "logs").mkdir(parents=True, exist_ok=True)
    secrets, token_key = load_secrets(DATA / "secrets.json")
    database_url = os.environ.get("DATABASE_URL")
    nats_url = os.environ.get("NATS_URL")
    if not database_url:
        stack.pg = EmbeddedPostgres(DATA / "pg")
        database_url = stack.pg.start()
    if not nats_url:
        stack.nats = EmbeddedNats(DATA / "nats")
        nats_url = stack.nats.start()
    # Development: the services load demo data (the bureau's 2023 year) when they seed.
    base = {**secrets.service_env(database_url, nats_url), "CIVIC_ENVIRONMENT": "development",
            "CIVIC_DEMO_DATA": os.environ.get("CIVIC_DEMO_DATA", "true")}

    backends: dict[str, str] = {}
    ports: dict[str, int] = {}
    for svc in discover_services():
        run_step([svc, "migrate"], base)
        ports[svc] = free_port()
        # Metrics on a free port each (logged in service_started): several services share this host.
        stack.spawn(svc, [svc, "serve"], {**base, "CIVIC_GRPC_PORT": str(ports[svc]), "CIVIC_GRPC_HOST": "127.0.0.1",
                                          "CIVIC_METRICS_PORT": "0"})
        backends[svc] = f"127.0.0.1:{ports[svc]}"
    for svc, port in ports.items():
        wait_grpc_serving(port)
        run_step([svc, "seed"], base)

    gateway_env = {
        **base, "CIVIC_HTTP_HOST": "127.0.0.1", "CIVIC_BACKENDS": json.dumps(backends),
        "CIVIC_CALLER_PRIVATE_KEY": secrets.caller_private_key, "CIVIC_TOKEN_KEY": token_key,
        "CIVIC_DEMO_ACCOUNTS": "true",
    }
    run_step(["gateway", "migrate"], gateway_env)
    gateway_log = DATA / "logs" / "gateway.log"
    for attempt in range(3):  # the preferred port first, then free ones if another process won it
        port = http_port() if attempt == 0 else free_port()
        offset = gateway_log.stat().st_size if gateway_log.exists() else 0
        proc = stack.spawn("gateway", ["gateway", "serve"], {**gateway_env, "CIVIC_HTTP_PORT": str(port)})
        if wait_listening(proc, gateway_log, offset, port):
            break
        stack.children.remove(("gateway", proc))
    else:
        raise SystemExit(f"the gateway could not listen on a port; see {gateway_log}")
    url = f"http://127.0.0.1:{port}"
    wait_for_port(port, 60)
    wait_http_ready(f"{url}/readyz")
    return url, backends


def print_banner(url: str) -> None:
    from gateway.accounts.bootstrap import demo_logins

    print(f"\nCivic is ready: {url}/ui/  (staff UI)   API docs: {url}/docs   OpenAPI: {url}/openapi.json")
    print(f"data: {DATA}   logs: {DATA / 'logs'}")
    print("demo logins (development only):")
    for login in demo_logins():
        print(f"  {login.kind:<6} {login.name:<22} {login.secret:<28} {', '.join(login.grants)}  {login.label}")
    print("Ctrl-C stops everything.\n", flush=True)


def write_state(url: str, stack: Stack, backends: dict[str, str]) -> None:
    """`.civic/run.json`: where the running suite is (for benchmarks and end-to-end tests)."""
    state = {"url": url, "backends": backends, "pids": {name: proc.pid for name, proc in stack.children},
             "database_url": stack.pg.url if stack.pg else os.environ.get("DATABASE_URL", ""),
             "nats_url": stack.nats.url if stack.nats else os.environ.get("NATS_URL", "")}
    (DATA / "run.json").write_text(json.dumps(state, indent=2))


def run() -> int:
    stack = Stack()

    def on_signal(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        url, backends = start(stack)
        write_state(url, stack, backends)
        print_banner(url)
        while True:
            for name, proc in stack.children:
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; see {DATA / 'logs' / (name + '.log')}", flush=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        print("stopping…", flush=True)
        stack.stop()
        (DATA / "run.json").unlink(missing_ok=True)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command != "run":
        raise SystemExit(f"unknown command {command!r}; use: run")
    raise SystemExit(run())
