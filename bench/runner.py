"""What every suite benchmark shares: its command line, the suite it runs against (a fresh one,
or one already running for development), and a measured run with the CPU each part used."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import Result, run_load
from bench.suite import CpuMeter, Suite, attach_suite, run_async, start_suite

PARTS = ("client", "gateway", "marriage", "postgres", "nats")


def parser(description: str, seconds: float = 30.0, concurrency: int = 32) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--seconds", type=float, default=seconds, help="measured duration of each run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    p.add_argument("--concurrency", type=int, default=concurrency, help="concurrent callers")
    p.add_argument("--attach", type=Path, default=None,
                   help="data folder of a suite already running (development); default: start a fresh one")
    p.add_argument("--quick", action="store_true", help="short runs (a smoke test of the benchmark)")
    return p


def suite_for(args: argparse.Namespace) -> Suite:
    # SIGTERM (run_all stopped, a CI timeout) unwinds like Ctrl-C, so the suite we started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return attach_suite(args.attach) if args.attach else start_suite()


def run_on_suite(args: argparse.Namespace, bench, *bench_args):
    """Run ``bench(suite, *bench_args)`` on the suite the command line asks for, and stop it after."""
    suite = suite_for(args)
    try:
        return run_async(bench(suite, *bench_args))
    finally:
        suite.stop()


@dataclass
class Measured:
    result: Result
    load_1m: float
    cpu_ms_per_op: dict[str, float] = field(default_factory=dict)
    # Average cores busy during the run: each part, ours in total, and "other processes" (everything
    # else on the machine: other people's work distorts the figures; it is reported beside them).
    cpu_cores: dict[str, float] = field(default_factory=dict)
    load_1m_end: float = 0.0

    def extra(self) -> dict:
        return {"load_1m_at_start": round(self.load_1m, 2), "load_1m_at_end": round(self.load_1m_end, 2),
                "cpu_ms_per_op": self.cpu_ms_per_op, "cpu_cores_busy": self.cpu_cores}


async def measure(name: str, op, *, concurrency: int, seconds: float, meter: CpuMeter,
                  warmup_s: float = 0.0, before_run=None) -> Measured:
    if warmup_s > 0:
        await run_load(name, op, concurrency=concurrency, duration_s=warmup_s)
    if before_run is not None:
        before_run()
    load = os.getloadavg()[0]
    before = meter.snapshot()
    result = await run_load(name, op, concurrency=concurrency, duration_s=seconds)
    after = meter.snapshot()
    return Measured(result, load, CpuMeter.per_op_ms(before, after, result.calls),
                    CpuMeter.cores(before, after, result.seconds), os.getloadavg()[0])


def cpu_table(runs: list[Measured]) -> str:
    """CPU milliseconds per operation, by part of the system (where the machine's time went)."""
    seen = [p for m in runs for p in m.cpu_ms_per_op if p != "total"]
    parts = [p for p in PARTS if p in seen] + sorted({p for p in seen if p not in PARTS})
    lines = ["", "CPU per operation (ms; user+system, from /proc), cores busy (ours; everything else on "
             "the machine) and the load average around the run:", "",
             "| run | load 1m start→end | " + " | ".join(parts) + " | total | cores busy: ours | others |",
             "|---|---:|" + "---:|" * (len(parts) + 3)]
    for m in runs:
        cells = " | ".join(f"{m.cpu_ms_per_op.get(p, 0.0):.2f}" for p in parts)
        lines.append(f"| {m.result.name} | {m.load_1m:.2f}→{m.load_1m_end:.2f} | {cells} "
                     f"| {m.cpu_ms_per_op.get('total', 0.0):.2f} | {m.cpu_cores.get('total', 0.0):.2f} "
                     f"| {m.cpu_cores.get('other processes', 0.0):.2f} |")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
