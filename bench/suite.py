"""The whole suite for a benchmark, started as `make run` starts it (the devstack supervisor) in a
fresh data folder, plus what the benchmarks need around it: gRPC caller tokens, gateway bearer
tokens, registry offices and registrar accounts, and unique valid parties.

The supervisor runs every service, the gateway, PostgreSQL (fsync on) and NATS JetStream as child
processes; the benchmark client is this process. Two settings differ from `make run`, both only
so a long run is not interrupted, neither on the measured path:
- CIVIC_BOOTSTRAP_ADMIN: a nationwide admin, used once to create one registrar per bench office;
- CIVIC_TOKEN_TTL_S=3600: bearer tokens that outlive a run (the default is 900 s).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
import psutil
from servicekit.devstack.launch import launch_suite, stop_supervisor
from servicekit.identifiers import resident_id_check_digit
from servicekit.testing.env import Secrets

ROOT = Path(__file__).resolve().parents[1]
ADMIN_USER, ADMIN_PASSWORD = "bench-admin", "bench-admin-password"
BENCH_PASSWORD = "bench-registrar-pw"
# Real county-level codes in Hubei (武汉 districts and a few counties), used as bench registry offices.
OFFICE_CODES = (
    "420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112",
    "420113", "420114", "420115", "420116", "420117", "420202", "420203", "420204",
    "420205", "420222", "420281", "420302", "420303", "420304", "420322", "420323",
    "420324", "420381", "420502", "420503", "420504", "420505", "420506", "420525",
)
SEED_OFFICE = "421281"  # the Chibi office `make run` seeds; the demo accounts' jurisdiction


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(max_load: float = 2.0, max_wait_s: float = 0.0) -> float:
    """Wait (up to max_wait_s) until the 1-minute load average drops below max_load; returns it."""
    deadline = time.monotonic() + max_wait_s
    while load_average() > max_load and time.monotonic() < deadline:
        time.sleep(5)
    return load_average()


@dataclass
class Suite:
    proc: subprocess.Popen | None  # None: attached to a suite started elsewhere (not ours to stop)
    data: Path
    state: dict
    secrets: Secrets
    keep: bool = False
    _signers: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.state["url"]

    @property
    def database_url(self) -> str:
        return self.state["database_url"]

    def backend(self, service: str) -> str:
        return self.state["backends"][service]

    def pids(self) -> dict[str, int]:
        return dict(self.state.get("pids", {}))

    @property
    def supervisor_pid(self) -> int:
        if self.proc is not None:
            return self.proc.pid
        return psutil.Process(self.pids()["marriage"]).ppid()

    def postgres_pid(self) -> int | None:
        pid_file = self.data / "pg" / "postmaster.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    # --- credentials ---------------------------------------------------------------------------

    def caller_metadata(self, jurisdiction: str = "42", subject: str = "bench") -> tuple[tuple[str, str], ...]:
        """A gateway-signed caller token for a registrar (valid 120 s; see CallerMetadata)."""
        return self.secrets.caller_metadata("marriage_registrar", "marriage_counselor", "supervisor",
                                            subject=subject, jurisdiction=jurisdiction)

    def token(self, username: str, password: str) -> str:
        resp = httpx.post(f"{self.url}/v1/auth/token", timeout=30,
                          data={"grant_type": "password", "username": username, "password": password})
        resp.raise_for_status()
        return resp.json()["access_token"]

    # --- lifecycle -----------------------------------------------------------------------------

    def stop(self) -> list[int]:
        if self.proc is None:
            return []
        left = stop_supervisor(self.proc)
        if not self.keep:
            shutil.rmtree(self.data.parent, ignore_errors=True)
        return left

    def __enter__(self) -> Suite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_suite(timeout: float = 300.0, keep: bool = False, extra_env: dict[str, str] | None = None) -> Suite:
    """`make run` in a fresh temporary data folder; returns when `run.json` is written."""
    data = Path(tempfile.mkdtemp(prefix="civic-bench-")) / "civic"
    data.mkdir(parents=True)
    env = {"CIVIC_BOOTSTRAP_ADMIN": f"{ADMIN_USER}:{ADMIN_PASSWORD}", "CIVIC_TOKEN_TTL_S": "3600",
           **(extra_env or {})}
    proc = launch_suite(data, data.parent / "supervisor.log", env, cwd=ROOT, timeout=timeout)
    state = json.loads((data / "run.json").read_text())
    raw = json.loads((data / "secrets.json").read_text())
    return Suite(proc, data, state, Secrets(**raw["service"]), keep)


def attach_suite(data: Path) -> Suite:
    """A suite already running with its data in `data` (for development runs)."""
    state = json.loads((data / "run.json").read_text())
    raw = json.loads((data / "secrets.json").read_text())
    return Suite(None, data, state, Secrets(**raw["service"]), keep=True)


class CallerMetadata:
    """gRPC metadata with a caller token, re-signed before its 120 s life runs out."""

    def __init__(self, suite: Suite, jurisdiction: str = "42", subject: str = "bench", refresh_s: float = 60) -> None:
        self._suite, self._jurisdiction, self._subject, self._refresh_s = suite, jurisdiction, subject, refresh_s
        self._value: tuple[tuple[str, str], ...] = ()
        self._at = -1e9

    def __call__(self) -> tuple[tuple[str, str], ...]:
        now = time.monotonic()
        if now - self._at > self._refresh_s:
            self._value = self._suite.caller_metadata(self._jurisdiction, self._subject)
            self._at = now
        return self._value


# --- reference data for a run --------------------------------------------------------------------

async def ensure_offices(suite: Suite, codes: tuple[str, ...], capacity: int = 100_000) -> None:
    """Bench registry offices with a capacity no booking run exhausts (UpsertOffice over gRPC)."""
    from civic.marriage.v1 import marriage_service_pb2_grpc
    from civic.marriage.v1 import resources_pb2 as pb

    async with grpc.aio.insecure_channel(suite.backend("marriage")) as channel:
        stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
        md = suite.caller_metadata("")
        for code in codes:
            await stub.UpsertOffice(pb.UpsertOfficeRequest(
                request_id=f"bench-office-{code}", office=pb.Office(
                    office_code=code, display_name=f"基准测试婚姻登记处 {code}", opens_at="08:30", closes_at="17:00",
                    daily_capacity=capacity)), metadata=md)


def registrar_tokens(suite: Suite, codes: tuple[str, ...]) -> dict[str, str]:
    """One registrar account per office (created by the bootstrap admin) and its bearer token."""
    admin = suite.token(ADMIN_USER, ADMIN_PASSWORD)
    tokens = {}
    with httpx.Client(base_url=suite.url, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as http:
        for code in codes:
            name = f"registrar-{code}"
            resp = http.post("/v1/admin/users", json={
                "username": name, "password": BENCH_PASSWORD, "jurisdiction": code,
                "roles": ["marriage_registrar"], "displayName": f"基准测试登记员 {code}",
                # a registrar registers within 2 years of a passed training assessment (rules.md §1.4)
                "assessedOn": (dt.date.today() - dt.timedelta(days=100)).isoformat()})
            if resp.status_code not in (201, 409):
                raise RuntimeError(f"creating {name}: {resp.status_code} {resp.text}")
    # The token endpoint is rate-limited (30/min per address by default): pace the sign-ins.
    for i, code in enumerate(codes):
        for attempt in range(20):
            try:
                tokens[code] = suite.token(f"registrar-{code}", BENCH_PASSWORD)
                break
            except httpx.HTTPStatusError as err:
                if err.response.status_code != 429:
                    raise
                time.sleep(float(err.response.headers.get("Retry-After", "2")))
    return tokens


# --- people ---------------------------------------------------------------------------------------

PERIOD = 8 * 100 * 5 * 14_600  # distinct numbers People can make before repeating
_NUMBERS = itertools.count(random.SystemRandom().randrange(PERIOD))  # one sequence per process


class People:
    """Unique valid resident ID numbers of adults, born 1960–1999. Every instance in a process
    draws from one sequence (never a number twice); the sequence starts at a random point, so a
    second run against the same database almost surely picks other people."""

    # Not the counties the archive generator uses (its people are on record after an import).
    ADDRESSES = ("370102", "420102", "110105", "440305", "310104", "510107", "330106", "320102")
    BASE = dt.date(1960, 1, 1)

    def __init__(self, start: int | None = None) -> None:
        self._seq = _NUMBERS if start is None else itertools.count(start)

    def resident_id(self, sex: str) -> str:
        n = next(self._seq) % PERIOD
        address = self.ADDRESSES[n % 8]
        n //= 8
        sequence, n = n % 100, n // 100
        last, n = (n % 5) * 2 + (1 if sex == "M" else 0), n // 5  # the 17th digit's parity is the sex
        born = self.BASE + dt.timedelta(days=n % 14_600)
        first17 = f"{address}{born:%Y%m%d}{sequence:02d}{last}"
        return first17 + resident_id_check_digit(first17)

    def couple(self) -> tuple[str, str]:
        return self.resident_id("M"), self.resident_id("F")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _proc_cpu(proc: psutil.Process, with_reaped: bool = False) -> float:
    try:
        t = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    total = t.user + t.system
    if with_reaped:  # children already exited and waited for (PostgreSQL backends that closed)
        total += t.children_user + t.children_system
    return total


class CpuMeter:
    """CPU seconds used by each part of the running suite and by this process (the client)."""

    def __init__(self, suite: Suite) -> None:
        self.parts: dict[str, psutil.Process] = {"client": psutil.Process()}
        pids = suite.pids()
        for name in ("marriage", "gateway"):
            if name in pids:
                self.parts[name] = psutil.Process(pids[name])
        for child in psutil.Process(suite.supervisor_pid).children():
            try:
                exe = " ".join(child.cmdline()[:1])
            except psutil.NoSuchProcess:
                continue
            if exe.endswith("/postgres"):
                self.parts["postgres"] = child
            elif exe.endswith("nats-server"):
                self.parts["nats"] = child

    def add(self, name: str, pid: int) -> None:
        self.parts[name] = psutil.Process(pid)

    @staticmethod
    def machine_busy() -> float:
        """CPU seconds the whole machine has been busy (all cores, from /proc/stat)."""
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> dict[str, float]:
        out = {"_machine": self.machine_busy()}
        for name, proc in self.parts.items():
            if name == "postgres":
                try:
                    kids = proc.children()
                except psutil.NoSuchProcess:
                    kids = []
                out[name] = _proc_cpu(proc, with_reaped=True) + sum(_proc_cpu(k) for k in kids)
            else:
                out[name] = _proc_cpu(proc)
        return out

    @staticmethod
    def per_op_ms(before: dict[str, float], after: dict[str, float], ops: int) -> dict[str, float]:
        """CPU milliseconds per operation of each part (and their sum)."""
        parts = {k: round((after[k] - before.get(k, 0.0)) * 1000 / max(ops, 1), 3) for k in after
                 if not k.startswith("_")}
        parts["total"] = round(sum(parts.values()), 3)
        return parts

    @staticmethod
    def cores(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
        """Average cores busy: each part, ours in total, and everything else on the machine."""
        parts = {k: round((after[k] - before.get(k, 0.0)) / seconds, 2) for k in after if not k.startswith("_")}
        parts["total"] = round(sum(parts.values()), 2)
        machine = (after["_machine"] - before["_machine"]) / seconds
        parts["other processes"] = round(max(0.0, machine - parts["total"]), 2)
        return parts


def run_async(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)
