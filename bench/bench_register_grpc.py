"""RegisterMarriage over gRPC straight to the marriage service (issue 3): 32 concurrent callers,
closed loop, against the suite as `make run` starts it (fresh data folder, PostgreSQL with fsync on).

Two runs, every registration a new couple with a `request_id`:
- callers spread over 32 registry offices (caller i registers at office i mod 32): the national
  peak, where each office's certificate serial (J + office + year + sequence, gapless) is bumped by
  about one caller at a time;
- every caller at one office (421281): the worst case, all registrations queue on the same serial
  row, which is locked from its bump until commit.

Target: ≥ 1,000 registrations/s with p99 ≤ 50 ms.

    .venv/bin/python -m bench.bench_register_grpc [--seconds 30] [--concurrency 32] [--quick]
"""
from __future__ import annotations

from bench.harness import report
from bench.runner import cpu_table, measure, parser, run_on_suite
from bench.suite import OFFICE_CODES, SEED_OFFICE, CpuMeter, People, ensure_offices
from bench.workload import GrpcTransport, Shared, Window

TARGET = {"throughput_per_s": 1000, "p99_ms": 50}


async def bench(suite, seconds: float, warmup: float, concurrency: int) -> list:
    await ensure_offices(suite, OFFICE_CODES)
    meter = CpuMeter(suite)
    transport = GrpcTransport(suite)
    runs = []
    try:
        for label, offices in ((f"{len(OFFICE_CODES)} offices", OFFICE_CODES), ("one office", (SEED_OFFICE,))):
            window = Window(transport, Shared(People()), offices)
            runs.append(await measure(f"RegisterMarriage gRPC, {concurrency} callers, {label}", window.register,
                                      concurrency=concurrency, seconds=seconds, meter=meter, warmup_s=warmup))
    finally:
        await transport.close()
    return runs


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__.split("\n")[0]).parse_args(argv)
    seconds, warmup = (5.0, 1.0) if args.quick else (args.seconds, args.warmup)
    runs = run_on_suite(args, bench, seconds, warmup, args.concurrency)
    extra = {"target": TARGET, "concurrency": args.concurrency, "seconds": seconds,
             "runs": {m.result.name: m.extra() for m in runs}}
    report([m.result for m in runs], "RegisterMarriage over gRPC (issue 3)", extra=extra)
    cpu_table(runs)
    first = runs[0].result.summary()
    met = first["throughput_per_s"] >= TARGET["throughput_per_s"] and first["p99_ms"] <= TARGET["p99_ms"]
    print(f"\ntarget ≥ {TARGET['throughput_per_s']}/s, p99 ≤ {TARGET['p99_ms']} ms: "
          f"{'met' if met else 'NOT met'} ({first['throughput_per_s']}/s, p99 {first['p99_ms']} ms)", flush=True)
    return extra


if __name__ == "__main__":
    main()
