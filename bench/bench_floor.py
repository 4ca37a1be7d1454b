"""What two cores allow: the floors under RegisterMarriage at 32 callers (issue 3's target).

Two measurements with no service code at all, each the least a registration over gRPC can cost:
- **the gRPC floor**: a grpc.aio server (uvloop, no interceptors) whose RegisterMarriage answers at
  once with the couple it was sent, called by the same grpc.aio client as bench_register_grpc
  (same request, same caller-token header). What remains is grpc's own work: HTTP/2, protobuf,
  the event loops, client and server.
- **the database floor**: the registration's statements by hand on asyncpg (bench.workload.SqlTransport:
  the request id's lock and read, both claims, the serial, the marriage and its parties, the audit row,
  the outbox event + NOTIFY, the idempotency record, a durable COMMIT), against the suite as `make
  run` starts it; its relay publishes each event to NATS. Then the same writes as **one** statement
  committed on its own (bench.workload.OneStatementSqlTransport: one round trip, the least any
  design of the transaction can send).

Their sum, CPU per registration, against the 2.0 ms that 1,000 registrations/s leave on two cores,
tells whether any service in this stack can reach the target: a service adds its own rules,
encryption, logging and audit on top of both floors.

    .venv/bin/python -m bench.bench_floor [--seconds 20] [--concurrency 32] [--quick]
"""
from __future__ import annotations

import subprocess
import sys

import grpc
from civic.marriage.v1 import marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as rpb

from bench.harness import report
from bench.runner import Measured, cpu_table, measure, parser, run_on_suite
from bench.suite import OFFICE_CODES, CpuMeter, People, ensure_offices, run_async
from bench.workload import GrpcTransport, OneStatementSqlTransport, Shared, SqlTransport, Window

BUDGET_MS = 2.0  # two cores' CPU per registration at 1,000/s


# --- the gRPC floor's server (its own process, as the service is) ----------------------------------

class _Echo(marriage_service_pb2_grpc.MarriageServiceServicer):
    async def RegisterMarriage(self, request, context):
        return rpb.Marriage(name=f"marriages/{request.request_id}", certificate_number="J4212812026000001",
                            state=rpb.MARRIAGE_STATE_REGISTERED, register_date="2026-12-01",
                            parties=request.parties)


async def _serve_echo() -> None:
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    marriage_service_pb2_grpc.add_MarriageServiceServicer_to_server(_Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(port, flush=True)
    await server.wait_for_termination()


def start_echo() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_floor", "--echo-server"],
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"127.0.0.1:{port}"


# --- the runs -------------------------------------------------------------------------------------

async def bench(suite, seconds: float, warmup: float, concurrency: int) -> list[Measured]:
    await ensure_offices(suite, OFFICE_CODES)
    meter = CpuMeter(suite)
    del meter.parts["marriage"]  # idle in the gRPC floor; its relay is measured in the database floor
    echo, address = start_echo()
    meter.add("echo server", echo.pid)
    async def echo_client():  # bench_register_grpc's own client, pointed at the echo server
        return GrpcTransport(suite, address=address)

    async def relay_measured(transport):  # the database floors: the marriage service's relay publishes
        meter.parts.pop("echo server", None)
        meter.add("marriage", suite.pids()["marriage"])
        return await transport(suite).open()

    runs = []
    try:
        for label, opened in (("gRPC floor (echo)", echo_client()),
                              ("database floor (the service's statements)", relay_measured(SqlTransport)),
                              ("database floor (one statement)", relay_measured(OneStatementSqlTransport))):
            transport = await opened
            try:
                window = Window(transport, Shared(People()), OFFICE_CODES)
                runs.append(await measure(f"{label}, {concurrency} callers", window.register,
                                          concurrency=concurrency, seconds=seconds, meter=meter, warmup_s=warmup))
            finally:
                await transport.close()
    finally:
        echo.terminate()
        echo.wait(10)
    return runs


def floor_sum(runs: list[Measured]) -> dict:
    """The gRPC floor plus the lower database floor. The database floors' client does the statements'
    client side (asyncpg, PII encryption, protobuf), which a service would do; the relay (in the
    marriage process) publishes their events."""
    grpc_ms = runs[0].cpu_ms_per_op["total"]
    db_ms = min(m.cpu_ms_per_op["total"] for m in runs[1:])
    total = round(grpc_ms + db_ms, 3)
    return {"grpc_floor_ms": grpc_ms, "database_floor_ms": db_ms, "sum_ms": total,
            "budget_ms_at_1000_per_s": BUDGET_MS, "ceiling_per_s_on_2_cores": round(2000 / total, 1)}


def main(argv: list[str] | None = None) -> dict:
    if argv is None and sys.argv[1:] == ["--echo-server"]:
        run_async(_serve_echo())
        return {}
    args = parser(__doc__.split("\n")[0], seconds=20.0).parse_args(argv)
    seconds, warmup = (5.0, 1.0) if args.quick else (args.seconds, args.warmup)
    runs = run_on_suite(args, bench, seconds, warmup, args.concurrency)
    extra = {"concurrency": args.concurrency, "seconds": seconds, "floor": floor_sum(runs),
             "runs": {m.result.name: m.extra() for m in runs}}
    report([m.result for m in runs], "The floors under RegisterMarriage (issue 3)", extra=extra)
    cpu_table(runs)
    f = extra["floor"]
    print(f"\nfloors: gRPC {f['grpc_floor_ms']:.2f} + database {f['database_floor_ms']:.2f} = {f['sum_ms']:.2f} ms "
          f"of CPU per registration before any service code; two cores give {BUDGET_MS} ms at 1,000/s "
          f"(ceiling with no service code: {f['ceiling_per_s_on_2_cores']}/s)", flush=True)
    return extra


if __name__ == "__main__":
    main()
