"""A closed-loop load runner: N concurrent workers call an async operation for a duration (or a
count) and the runner reports throughput, latency percentiles and errors."""
from __future__ import annotations

import asyncio
import json
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field

Operation = Callable[[int], Awaitable[None]]


@dataclass
class Result:
    name: str
    calls: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    error_samples: list[str] = field(repr=False, default_factory=list)

    @property
    def throughput(self) -> float:
        return (self.calls - self.errors) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {
            "name": self.name, "calls": self.calls, "errors": self.errors,
            "error_rate": round(self.errors / self.calls, 4) if self.calls else 0.0,
            "throughput_per_s": round(self.throughput, 1), "p50_ms": round(self.pct(50), 2),
            "p95_ms": round(self.pct(95), 2), "p99_ms": round(self.pct(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
        }


async def run_load(name: str, op: Operation, *, concurrency: int, duration_s: float | None = None,
                   total: int | None = None, warmup: int = 0) -> Result:
    """Run `op(i)` from `concurrency` workers until `duration_s` passes or `total` calls are made."""
    for i in range(warmup):
        await op(-1 - i)
    result = Result(name, 0, 0, 0.0)
    counter = iter(range(10**12))
    start = time.perf_counter()
    deadline = start + duration_s if duration_s else None

    async def worker() -> None:
        while True:
            i = next(counter)
            if (total is not None and i >= total) or (deadline is not None and time.perf_counter() > deadline):
                return
            t0 = time.perf_counter()
            try:
                await op(i)
            except Exception as exc:  # noqa: BLE001 - counted, sampled, reported
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(repr(exc)[:300])
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            result.calls += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


def machine() -> dict:
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_1m": round(os.getloadavg()[0], 2)}


def report(results: list[Result], title: str, extra: dict | None = None) -> str:
    """A Markdown table, printed and returned (docs/benchmarks.md keeps the figures); `extra`
    (anything JSON-able: targets, CPU per operation, settings) goes into the JSON line."""
    lines = [f"### {title}", "", "| run | calls | errors | throughput/s | p50 ms | p95 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        s = r.summary()
        lines.append(f"| {s['name']} | {s['calls']} | {s['errors']} | {s['throughput_per_s']} | {s['p50_ms']} "
                     f"| {s['p95_ms']} | {s['p99_ms']} |")
        for sample in r.error_samples:
            lines.append(f"|   error sample: `{sample}` | | | | | | |")
    text = "\n".join(lines)
    print(text, flush=True)
    line = {"title": title, "machine": machine(), "results": [r.summary() for r in results]}
    if extra:
        line["extra"] = extra
    print(json.dumps(line), flush=True)
    return text


def record(results: list[Result]) -> list[dict]:
    return [asdict(r) | {"latencies_ms": None} for r in results]
