"""The registry window's mix through the gateway (issue 7 §1), beside the same transactions issued
straight to PostgreSQL with asyncpg (the floor) and the same RPCs on gRPC without the gateway, all
measured in the same run against the suite as `make run` starts it.

The mix — a registry window's day in 20 transactions, issued in a fixed interleaved order by 32
closed-loop callers spread over 32 registry offices:

| transaction | share | what it is |
|---|---:|---|
| register marriage | 25 % (5/20) | a new couple; certificate number, current-spouse claims, audit, event |
| marital-status look-up | 30 % (6/20) | half a party on record, half a person with no record (the pre-registration check) |
| book appointment | 20 % (4/20) | a marriage appointment on one of the next 60 working days |
| list an office's marriages | 10 % (2/20) | the newest 20 of the office |
| search by party name | 5 % (1/20) | an office's marriages where a party has a given name |
| apply for divorce | 10 % (2/20) | on a marriage registered earlier in the run |

Why these shares: every couple registered was booked first (online), and the registrar checks both
parties' status before registering (more look-ups than registrations); divorce applications by
agreement run at about half the marriages (the bureau's 2023: 2,040 marriages, 1,090 divorces);
lists and searches are the window's occasional look-backs.

Then registrations alone on each transport (the issue's target is about them). Each run starts
after a prefill of registrations on that transport (records to look up and divorce).

Target: ≥ 600 registrations/s through the gateway with p99 ≤ 100 ms, no errors.

    .venv/bin/python -m bench.bench_window_mix [--seconds 30] [--concurrency 32] [--quick]
"""
from __future__ import annotations

from bench.harness import Result, report
from bench.runner import Measured, cpu_table, measure, parser, run_on_suite
from bench.suite import OFFICE_CODES, CpuMeter, People, ensure_offices, registrar_tokens
from bench.workload import MIX, GatewayTransport, GrpcTransport, MixOp, Shared, SqlTransport, Window, prefill

TARGET = {"registrations_per_s": 600, "p99_ms": 100, "errors": 0}
PREFILL = 400


async def bench(suite, seconds: float, warmup: float, concurrency: int) -> tuple[list[Measured], list[Result]]:
    await ensure_offices(suite, OFFICE_CODES)
    tokens = registrar_tokens(suite, OFFICE_CODES)
    meter = CpuMeter(suite)
    transports = [await SqlTransport(suite).open(), GrpcTransport(suite),
                  GatewayTransport(suite, tokens, concurrency)]
    runs: list[Measured] = []
    per_kind: list[Result] = []
    try:
        for t in transports:
            window = Window(t, Shared(People()), OFFICE_CODES)
            await prefill(window, PREFILL, concurrency)
            op = MixOp(window)
            m = await measure(f"{t.name} · mix", op, concurrency=concurrency, seconds=seconds, meter=meter,
                              warmup_s=warmup, before_run=op.reset)
            runs.append(m)
            per_kind += op.kinds(m.result.seconds, t.name)
        for t in transports:
            window = Window(t, Shared(People()), OFFICE_CODES)
            runs.append(await measure(f"{t.name} · registrations only", window.register, concurrency=concurrency,
                                      seconds=seconds, meter=meter, warmup_s=warmup))
    finally:
        for t in transports:
            await t.close()
    return runs, per_kind


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__.split("\n")[0]).parse_args(argv)
    seconds, warmup = (5.0, 1.0) if args.quick else (args.seconds, args.warmup)
    runs, per_kind = run_on_suite(args, bench, seconds, warmup, args.concurrency)
    summaries = {m.result.name: m.result.summary() for m in runs}
    kinds = {r.name: r.summary() for r in per_kind}
    regs = {name.split(" · ")[0]: s["throughput_per_s"] for name, s in summaries.items()
            if name.endswith("registrations only")}
    in_mix = {name.split(" · ")[0]: s["throughput_per_s"] for name, s in kinds.items() if name.endswith("register")}
    extra = {"target": TARGET, "mix": MIX, "concurrency": args.concurrency, "seconds": seconds,
             "registrations_per_s": {"registrations only": regs, "within the mix": in_mix},
             "runs": {m.result.name: m.extra() for m in runs}}
    report([m.result for m in runs], "Registry window mix: gateway, gRPC and the PostgreSQL floor (issue 7 §1)",
           extra=extra)
    report(per_kind, "The mix by transaction (latency of each kind within the mix runs)")
    cpu_table(runs)
    gw = summaries.get("gateway · registrations only", {})
    met = gw and gw["throughput_per_s"] >= TARGET["registrations_per_s"] and gw["p99_ms"] <= TARGET["p99_ms"] \
        and gw["errors"] == 0
    print(f"\ntarget ≥ {TARGET['registrations_per_s']} registrations/s through the gateway, p99 ≤ {TARGET['p99_ms']} ms, "
          f"no errors: {'met' if met else 'NOT met'} ({gw.get('throughput_per_s')}/s, p99 {gw.get('p99_ms')} ms, "
          f"{gw.get('errors')} errors)", flush=True)
    return extra


if __name__ == "__main__":
    main()
