"""`make bench`: every benchmark in sequence, each in its own process against a fresh suite (the
suite benchmarks start `make run`'s supervisor in a new data folder; the event-latency and import
benchmarks start their own embedded PostgreSQL and NATS). Output goes to the terminal and, with
--log, to a file; a summary of exit statuses and load averages ends the run.

    .venv/bin/python -m bench.run_all [--quick] [--only register_grpc,window_mix] [--wait-quiet 600]

--quick: short runs (a smoke test: seconds per run, 30,000 archive rows instead of ~1 M).
--wait-quiet N: before each benchmark wait up to N seconds for the 1-minute load average to fall
below --max-load (other work on a 2-core machine distorts every figure; the load is printed).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.suite import ROOT, wait_for_quiet

# name → (module, full arguments, --quick arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "register_grpc": ("bench.bench_register_grpc", [], ["--quick"]),
    "floor": ("bench.bench_floor", [], ["--quick"]),
    "gateway_overhead": ("bench.bench_gateway_overhead", [], ["--quick"]),
    "window_mix": ("bench.bench_window_mix", [], ["--quick"]),
    "scale": ("bench.bench_scale", [], ["--quick"]),
    "event_latency": ("bench.bench_event_latency", [], ["--seconds", "3"]),
    "import": ("bench.bench_import", [], ["--rows", "20000"]),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="short runs")
    p.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    p.add_argument("--max-load", type=float, default=2.0)
    p.add_argument("--wait-quiet", type=float, default=0.0, help="seconds to wait for a quiet machine")
    p.add_argument("--log", type=Path, default=None, help="also append the output here")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: the running benchmark is stopped too
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")
    log = args.log.open("a", encoding="utf-8") if args.log else None
    summary = []
    for name in names:
        module, full, quick = BENCHMARKS[name]
        load = wait_for_quiet(args.max_load, args.wait_quiet) if args.wait_quiet else os.getloadavg()[0]
        header = f"\n## {name}: python -m {module} {' '.join(quick if args.quick else full)} (load 1m {load:.2f})\n"
        print(header, flush=True)
        if log:
            log.write(header)
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", module, *(quick if args.quick else full)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                if log:
                    log.write(line)
                    log.flush()
        finally:
            if proc.poll() is None:  # we are being stopped: stop the benchmark (it stops its suite)
                proc.terminate()
                proc.wait(120)
        code = proc.wait()
        summary.append((name, code, time.monotonic() - start, load))
    lines = ["", "| benchmark | exit | minutes | load 1m at start |", "|---|---:|---:|---:|"]
    lines += [f"| {n} | {c} | {s / 60:.1f} | {ld:.2f} |" for n, c, s, ld in summary]
    text = "\n".join(lines)
    print(text, flush=True)
    if log:
        log.write(text + "\n")
        log.close()
    return 0 if all(c == 0 for _, c, _, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
