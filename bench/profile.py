"""Where the time goes: a second marriage service (or gateway) started under cProfile beside the
suite — same database, NATS, keys and code (`bench._profiled`; the profiler is switched on only
for the measured window) — loaded with the benchmark's own transactions, then stopped (SIGTERM,
clean shutdown) and summarised: self time by package and the functions with the most self and
cumulative time (cumulative figures of coroutines count every resumption: read them loosely).

cProfile slows pure-Python code more than C code, so read the shares, not the absolute times. With
`--clock wall` (default) profile on a quiet machine; `--clock cpu` is load-proof but inflates
call-heavy code more.

    .venv/bin/python -m bench.profile marriage [--workload register|mix] [--seconds 20]
    .venv/bin/python -m bench.profile gateway  [--workload register|mix] [--seconds 20]
"""
from __future__ import annotations

import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


from servicekit.devstack.embedded import free_port
from servicekit.devstack.supervisor import wait_grpc_serving, wait_http_ready

from bench.harness import report, run_load
from bench.runner import parser, suite_for
from bench.suite import (
    OFFICE_CODES,
    ROOT,
    CpuMeter,
    People,
    ensure_offices,
    registrar_tokens,
    run_async,
)
from bench.workload import GatewayTransport, GrpcTransport, MixOp, Shared, Window, prefill

# Self time is attributed to the first of these found in the function's file path.
PACKAGES = (
    ("sqlalchemy", "sqlalchemy"), ("asyncpg", "asyncpg"), ("grpc", "grpcio"), ("google/protobuf", "protobuf"),
    ("structlog", "structlog"), ("jwt", "PyJWT"), ("cryptography", "cryptography"), ("uvloop", "uvloop"),
    ("starlette", "starlette"), ("uvicorn", "uvicorn"), ("h11", "h11"), ("httpx", "httpx"), ("anyio", "anyio"),
    ("prometheus_client", "prometheus_client"), ("nats", "nats-py"), ("pydantic", "pydantic"),
    ("services/servicekit", "servicekit"), ("services/marriage", "marriage"), ("gateway/", "gateway"),
    ("asyncio", "asyncio (stdlib)"), ("logging", "logging (stdlib)"), ("json", "json (stdlib)"),
    ("uuid", "uuid (stdlib)"), ("lib/python3", "other stdlib"),
)


C_FUNCTIONS = (
    (("grpc", "cygrpc"), "grpcio"), (("asyncpg", "protocol"), "asyncpg"),
    (("SerializeToString", "FromString", "ParseFromString", "protobuf", "MergeFrom", "CopyFrom"), "protobuf"),
    (("hmac", "_hashlib", "openssl", "ed25519", "aead", "cryptography", "_rust"), "cryptography / hashlib"),
    (("uvloop", "epoll", "select", "poll"), "uvloop"), (("json",), "json (stdlib)"),
)


def package_of(filename: str, funcname: str) -> str:
    if filename == "~":  # built-ins and C functions: grouped by what they belong to
        for needles, name in C_FUNCTIONS:
            if any(n in funcname for n in needles):
                return name
        return "C built-ins (other)"
    for needle, name in PACKAGES:
        if needle in filename:
            return name
    return "other"


def summarise(path: Path, calls: int, top: int = 25) -> dict:
    stats = pstats.Stats(str(path))
    total = sum(v[2] for v in stats.stats.values())  # self time of everything
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_package[package_of(filename, func)] += tt
    packages = sorted(by_package.items(), key=lambda kv: -kv[1])
    print(f"\nProfile: {path.name}, {calls} operations, {total:.2f} s profiled in the main thread "
          f"({total / max(calls, 1) * 1000:.2f} ms per operation; cProfile itself adds to it)\n")
    print("| package | self time s | share | ms per op |\n|---|---:|---:|---:|")
    for name, tt in packages:
        if tt / total >= 0.005:
            print(f"| {name} | {tt:.2f} | {tt / total:.1%} | {tt / max(calls, 1) * 1000:.3f} |")

    def rows(key: int) -> list[tuple]:
        items = sorted(stats.stats.items(), key=lambda kv: -kv[1][key])[:top]
        return [(f"{Path(f).name if f != '~' else ''}:{ln}({fn})", v[1], v[2], v[3]) for (f, ln, fn), v in items]

    for title, key in (("self time", 2), ("cumulative time", 3)):
        print(f"\nTop {top} by {title}:\n\n| function | calls | self s | cumulative s | cum. share |\n"
              "|---|---:|---:|---:|---:|")
        for name, ncalls, tt, ct in rows(key):
            print(f"| `{name[:110]}` | {ncalls} | {tt:.2f} | {ct:.2f} | {ct / total:.1%} |")
    return {"total_s": total, "calls": calls, "by_package": {k: round(v / total, 4) for k, v in packages}}


def start_profiled(suite, target: str, out: Path, clock: str = "wall") -> tuple[subprocess.Popen, str]:
    """The profiled process and its address (host:port for gRPC, a URL for the gateway)."""
    raw = json.loads((suite.data / "secrets.json").read_text())
    env = {**os.environ, **suite.secrets.service_env(suite.database_url, suite.state["nats_url"]),
           "CIVIC_ENVIRONMENT": "development", "CIVIC_DRAIN_SECONDS": "0", "CIVIC_PROFILE_CLOCK": clock}
    port = free_port()
    if target == "marriage":
        env.update({"CIVIC_GRPC_PORT": str(port), "CIVIC_GRPC_HOST": "127.0.0.1", "CIVIC_METRICS_PORT": "0"})
        args = ["-m", "bench._profiled", str(out), "marriage", "serve"]
    else:
        env.update({"CIVIC_HTTP_HOST": "127.0.0.1", "CIVIC_HTTP_PORT": str(port),
                    "CIVIC_BACKENDS": json.dumps(suite.state["backends"]),
                    "CIVIC_CALLER_PRIVATE_KEY": suite.secrets.caller_private_key, "CIVIC_TOKEN_KEY": raw["token_key"],
                    "CIVIC_TOKEN_TTL_S": "3600"})
        args = ["-m", "bench._profiled", str(out), "gateway", "serve"]
    log = open(out.with_suffix(".log"), "ab")
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    if target == "marriage":
        wait_grpc_serving(port)
        return proc, f"127.0.0.1:{port}"
    wait_http_ready(f"http://127.0.0.1:{port}/readyz")
    return proc, f"http://127.0.0.1:{port}"


async def load(suite, target: str, address: str, workload: str, seconds: float, concurrency: int,
               meter: CpuMeter, pid: int) -> int:
    await ensure_offices(suite, OFFICE_CODES)
    if target == "marriage":
        transport = GrpcTransport(suite, address=address)
    else:
        transport = GatewayTransport(suite, registrar_tokens(suite, OFFICE_CODES), concurrency, url=address)
    shared = Shared(People())
    window = Window(transport, shared, OFFICE_CODES)
    try:
        if workload == "mix":
            await prefill(window, 500, concurrency)
            op = MixOp(window)
        else:
            op = window.register
        await run_load("warm-up", op, concurrency=concurrency, duration_s=2)
        os.kill(pid, signal.SIGUSR1)
        before = meter.snapshot()
        result = await run_load(f"{workload} on the profiled {target}", op, concurrency=concurrency,
                                duration_s=seconds)
        after = meter.snapshot()
        os.kill(pid, signal.SIGUSR2)
    finally:
        await transport.close()
    report([result], f"Load on the profiled {target} (cProfile on: slower than the real thing)",
           extra={"cpu_ms_per_op": CpuMeter.per_op_ms(before, after, result.calls)})
    return result.calls


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__.split("\n")[0], seconds=20)
    p.add_argument("target", choices=["marriage", "gateway"])
    p.add_argument("--workload", choices=["register", "mix"], default="register")
    p.add_argument("--out", type=Path, default=None, help="keep the .prof file here")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="cProfile timer: wall (perf_counter; profile on a quiet machine) or the main thread's CPU")
    args = p.parse_args(argv)
    seconds = 5.0 if args.quick else args.seconds
    suite = suite_for(args)
    work = Path(tempfile.mkdtemp(prefix="civic-profile-"))
    out = args.out or work / f"{args.target}-{args.workload}.prof"
    try:
        proc, address = start_profiled(suite, args.target, out, args.clock)
        try:
            meter = CpuMeter(suite)
            meter.add(f"{args.target} (profiled)", proc.pid)
            calls = run_async(load(suite, args.target, address, args.workload, seconds, args.concurrency, meter,
                                   proc.pid))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        return summarise(out, calls)
    finally:
        suite.stop()


if __name__ == "__main__":
    main()
