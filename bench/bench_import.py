"""Historical import throughput: a generated archive streamed through ImportHistoricalRecords over
gRPC (64 KiB chunks), beside a raw PostgreSQL COPY of the same rows into a scratch table, measured
in the same run on the same servers.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--format csv|xlsx|jsonl] [--seed 1]
                                           [--prior-rows 0]

Prints rows/s for: the generator, the checks alone (parse + validate + records, no database), the
whole import over gRPC (and the seconds of its finishing step: overlaps, divorces, current spouses),
and the raw COPY; and the peak RSS of this process (server and client run in it). --prior-rows N
first imports another archive of N rows (seed + 1, not measured) and analyzes the tables as
autovacuum would: the measured import then runs on a registry that already holds an import.
DATABASE_URL / NATS_URL point it at existing servers; otherwise embedded ones are started.
Not a test: a million rows take about a minute.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Iterator

import asyncpg
from civic.marriage.v1 import marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.imports.parsers import make_parser
from marriage.imports.pipeline import Batch, ImportPipeline
from marriage.imports.records import RowMaterializer
from marriage.imports.store import ImportStore
from marriage.settings import MarriageSettings
from marriage.tools.sample_archive import write_sample
from servicekit import migrations
from servicekit.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from servicekit.pii import PiiCipher
from servicekit.server import ServiceRuntime
from servicekit.testing.env import Secrets

CHUNK = 64 * 1024
FORMATS = {"csv": pb.IMPORT_FORMAT_CSV, "xlsx": pb.IMPORT_FORMAT_XLSX, "jsonl": pb.IMPORT_FORMAT_JSONL}


FINISH_S: list[float] = []  # seconds of each ImportStore.finish in this process


def time_finishing_steps() -> None:
    original = ImportStore.finish

    async def timed(self, *args):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        try:
            return await original(self, *args)
        finally:
            FINISH_S.append(time.perf_counter() - start)

    ImportStore.finish = timed


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def server_cpu_s(postmaster: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (its children: backends, WAL
    writer, checkpointer); 0 when the server is not ours to look at."""
    if postmaster is None:
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster or int(stat.parent.name) == postmaster:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


WAL: dict[str, int] = {}  # WAL bytes and checkpoints during the measured import


async def wal_position(database_url: str) -> tuple[int, int]:
    """(WAL bytes written since the server's start, checkpoints so far): what an import costs the
    server in durable writes, independent of how fast the machine happens to be that minute."""
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS wal, "
                                  "checkpoints_timed + checkpoints_req AS checkpoints FROM pg_stat_bgwriter")
        return int(row["wal"]), int(row["checkpoints"])
    finally:
        await conn.close()


def per_row_us(seconds: float, rows: int) -> str:
    return f"{seconds / rows * 1e6:.1f} µs/row"


def line(label: str, rows: int, seconds: float, note: str = "") -> None:
    print(f"{label:<12} {rows:>9,} rows {seconds:7.1f} s {rows / seconds:>9,.0f} rows/s  {note}", flush=True)


def checked_batches(path: Path, fmt: str, secrets: Secrets, batch_rows: int | None = None) -> Iterator[Batch]:
    """Every row of the archive parsed, validated and turned into records, batch by batch, as the
    import does it (64 KiB chunks), without writing anything; the overlaps found at the end last."""
    cipher = PiiCipher.from_base64(secrets.pii_key, secrets.pii_hash_key)
    today = dt.date.today()
    materializer = RowMaterializer(cipher, uuid.uuid4(), today, hex_ids=True)
    pipeline = ImportPipeline(materializer, today, **({"batch_rows": batch_rows} if batch_rows else {}))
    parser = make_parser(fmt.upper(), "")
    with path.open("rb") as file:
        while data := file.read(CHUNK):
            for record in parser.feed(data):
                pipeline.add(record)
                if pipeline.full:
                    yield pipeline.take()
    for record in parser.close():
        pipeline.add(record)
    yield pipeline.take()
    pipeline.overlaps()


def checks_only(path: Path, fmt: str, secrets: Secrets) -> float:
    """Parse, validate and build the records of every row without writing them: the CPU part."""
    start = time.perf_counter()
    for _ in checked_batches(path, fmt, secrets):
        pass
    return time.perf_counter() - start


async def requests(path: Path, fmt: str):
    with path.open("rb") as file:
        first = True
        while data := file.read(CHUNK):
            if first:
                yield pb.ImportHistoricalRecordsRequest(request_id=f"bench-{uuid.uuid4()}",
                                                        format=FORMATS[fmt], source_name=path.name, data=data)
                first = False
            else:
                yield pb.ImportHistoricalRecordsRequest(data=data)


async def import_over_grpc(path: Path, fmt: str, database_url: str, nats_url: str, secrets: Secrets,
                           postmaster: int | None, prior: Path | None = None
                           ) -> tuple[float, float, pb.ImportReport]:
    """(wall seconds, PostgreSQL CPU seconds, report); the server's CPU is read before the service
    stops, while its backends still exist. ``prior``: an archive imported (and the tables analyzed)
    before the measured one."""
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, database_url, "marriage")
    settings = MarriageSettings(**secrets.settings_kwargs(database_url, nats_url), grpc_port=0,
                                grpc_host="127.0.0.1", drain_seconds=0, metrics_port=0, environment="test")
    runtime = ServiceRuntime(build_spec(), settings)
    port = await runtime.start()
    import grpc

    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    md = secrets.caller_metadata("marriage_registrar", subject="bench")
    try:
        stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
        if prior is not None:
            start = time.perf_counter()
            await stub.ImportHistoricalRecords(requests(prior, fmt), metadata=md)
            print(f"prior import {time.perf_counter() - start:.1f} s (finishing step {FINISH_S[-1]:.1f} s)",
                  flush=True)
            conn = await asyncpg.connect(database_url)
            try:  # what autovacuum does shortly after a bulk load
                await conn.execute("ANALYZE marriage.import_rows, marriage.import_defects, "
                                   "marriage.marriages, marriage.marriage_parties, marriage.current_spouses")
            finally:
                await conn.close()
        wal = await wal_position(database_url)
        start, server_cpu = time.perf_counter(), server_cpu_s(postmaster)
        report = await stub.ImportHistoricalRecords(requests(path, fmt), metadata=md)
        elapsed, server_cpu = time.perf_counter() - start, server_cpu_s(postmaster) - server_cpu
        after = await wal_position(database_url)
        WAL.update(bytes=after[0] - wal[0], checkpoints=after[1] - wal[1])
        return elapsed, server_cpu, report
    finally:
        await channel.close()
        await runtime.stop(drain_s=0)


def text_rows(path: Path) -> list[tuple[str, ...]]:
    """The CSV's data rows as 8 text cells (short or long rows padded or cut: COPY takes them all)."""
    with path.open(encoding="gb18030", errors="replace", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        return [tuple((row + [""] * 8)[:8]) for row in reader]


async def raw_copy(database_url: str, rows: list[tuple[str, ...]]) -> float:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CREATE SCHEMA IF NOT EXISTS bench; DROP TABLE IF EXISTS bench.archive_copy")
        await conn.execute("""CREATE TABLE bench.archive_copy (certificate_number text, register_date text,
            kind text, man_name text, man_id text, woman_name text, woman_id text, office_code text)""")
        start = time.perf_counter()
        await conn.copy_records_to_table("archive_copy", schema_name="bench", records=rows)
        return time.perf_counter() - start
    finally:
        await conn.execute("DROP TABLE IF EXISTS bench.archive_copy")
        await conn.close()


async def run(args: argparse.Namespace, work: Path) -> None:
    secrets = Secrets.generate()
    pg = None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(work / "pg")
    nats = None if os.environ.get("NATS_URL") else EmbeddedNats(work / "nats")
    database_url = os.environ.get("DATABASE_URL") or pg.start()
    nats_url = os.environ.get("NATS_URL") or nats.start()
    try:
        path = work / f"archive.{args.format}"
        start = time.perf_counter()
        summary = write_sample(path, args.rows, args.seed, args.format, encoding="gb18030")
        generated = time.perf_counter() - start
        line("generated", args.rows, generated, f"{path.stat().st_size / 2**20:.1f} MiB {args.format}")
        prior = None
        if args.prior_rows:
            prior = work / f"prior.{args.format}"
            write_sample(prior, args.prior_rows, args.seed + 1, args.format, encoding="gb18030")
        postmaster = pg.proc.pid if pg is not None and pg.proc is not None else None
        rss_before = peak_rss_mib()  # the import runs first: its peak is not hidden by the checks'
        load = os.getloadavg()[0]  # a shared machine: read the figures beside the load they ran under
        cpu = time.process_time()
        elapsed, server_cpu, report = await import_over_grpc(path, args.format, database_url, nats_url,
                                                             secrets, postmaster, prior)
        cpu = time.process_time() - cpu
        assert report.rows_read == args.rows
        assert {d.code: d.count for d in report.defects} == summary["counts"]
        line("import gRPC", args.rows, elapsed, f"finishing step {FINISH_S[-1]:.1f} s; "
             f"peak RSS {peak_rss_mib():,.0f} MiB "
             f"(before the import {rss_before:,.0f} MiB); "
             f"CPU: service + client {per_row_us(cpu, args.rows)}, "
             f"PostgreSQL {per_row_us(server_cpu, args.rows)}; "
             f"WAL {WAL['bytes'] / 2**30:.2f} GiB ({WAL['bytes'] / args.rows:,.0f} B/row), "
             f"{WAL['checkpoints']} checkpoints; "
             f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
        load = os.getloadavg()[0]
        cpu = time.process_time()
        checked = checks_only(path, args.format, secrets)
        line("checks only", args.rows, checked, "parse + validate + records, no database; "
             f"CPU {per_row_us(time.process_time() - cpu, args.rows)}; "
             f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
        if args.format == "csv":
            rows = text_rows(path)
            copied = await raw_copy(database_url, rows)
            line("raw COPY", len(rows), copied, "8 text columns, no indexes, no checks")
            print(f"import / raw COPY: {copied / elapsed:.3f}")
    finally:
        for server in (pg, nats):
            if server is not None:
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
    parser.add_argument("--prior-rows", type=int, default=0,
                        help="rows of an archive imported before the measured one (0: an empty registry)")
    args = parser.parse_args()
    time_finishing_steps()
    with tempfile.TemporaryDirectory(prefix="civic-bench-import-") as work:
        asyncio.run(run(args, Path(work)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
