"""Data size (issue 7 §2): marital-status look-up and list by office with 1,000,000 marriages on
record, loaded through the historical import — beside the same calls on a small registry.

Steps, against the suite as `make run` starts it (fresh data folder):
1. small registry: a few thousand marriages registered at the Chibi office (421281) over gRPC;
   look-ups and lists measured;
2. the archive generator (`marriage.tools.sample_archive`, 1950–2003, office 421281, planted
   defects) writes ~1.05 M rows (≈ 1.0 M marriages, the rest divorces), streamed through
   `ImportHistoricalRecords` (client-streaming gRPC, 64 KiB chunks) into the running service as
   one file, one import (--file-rows N splits it into consecutive files of N rows each instead,
   the archive imported box by box; the import's finishing statements are planned on statistics
   refreshed inside the import, so one large import no longer degrades on a registry that already
   holds one);
3. `VACUUM ANALYZE` of the marriage tables (what autovacuum does on its own shortly after a bulk
   load; done explicitly so the run does not race it);
4. the same look-ups and lists measured again, and the plans of their queries shown.

Look-ups ask for a person on record (half: a party from the archive, or from step 1 before the
import) or a person with no record (half). Lists ask for an office's newest 20 marriages: the
archive office itself (≈ 1 M records) and a small office (a few hundred). Both through the gateway
(the window's path: demo registrar of 421281 / bench registrars) and straight on gRPC, with 1 and
8 concurrent callers. A name search at the archive office is measured too (not a target).

Target: status look-up p99 ≤ 10 ms at 1,000,000 records.

    .venv/bin/python -m bench.bench_scale [--rows 1050000] [--file-rows 0] [--seconds 10] [--quick]
"""
from __future__ import annotations

import csv
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import grpc
from civic.marriage.v1 import marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.identifiers import parse_resident_id

from bench.harness import report
from bench.runner import Measured, cpu_table, measure, parser, run_on_suite
from bench.suite import OFFICE_CODES, SEED_OFFICE, CpuMeter, People, ensure_offices, registrar_tokens
from bench.workload import GatewayTransport, GrpcTransport, Shared, Window, prefill

TARGET = {"status_p99_ms": 10, "records": 1_000_000}
CHUNK = 64 * 1024
SMALL_OFFICE = OFFICE_CODES[0]


def split_archive(path: Path, rows_per_file: int) -> list[Path]:
    """The archive as consecutive files of `rows_per_file` records, each with the header, split on
    record boundaries (a quoted field may hold a line break; in GB18030 neither '"' nor LF occurs
    inside a multi-byte character, so bytes are split as they are)."""
    if rows_per_file <= 0:
        return [path]
    files: list[Path] = []
    with path.open("rb") as source:
        header = source.readline()
        out, count, quotes, record = None, 0, 0, b""
        for line in source:
            record += line
            quotes += line.count(b'"')
            if quotes % 2:  # inside a quoted field: the record goes on
                continue
            if out is None or count >= rows_per_file:
                if out is not None:
                    out.close()
                files.append(path.with_name(f"{path.stem}-{len(files) + 1:03d}{path.suffix}"))
                out, count = files[-1].open("wb"), 0
                out.write(header)
            out.write(record)
            count += 1
            record, quotes = b"", 0
        if record and out is not None:
            out.write(record)
        if out is not None:
            out.close()
    return files


async def stream_import(suite, path: Path) -> tuple[float, pb.ImportReport]:
    async def requests():
        with path.open("rb") as file:
            first = True
            while data := file.read(CHUNK):
                if first:
                    yield pb.ImportHistoricalRecordsRequest(request_id=f"bench-{uuid.uuid4()}",
                                                            format=pb.IMPORT_FORMAT_CSV, source_name=path.name,
                                                            data=data)
                    first = False
                else:
                    yield pb.ImportHistoricalRecordsRequest(data=data)

    async with grpc.aio.insecure_channel(suite.backend("marriage")) as channel:
        stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
        start = time.perf_counter()
        reply = await stub.ImportHistoricalRecords(requests(), metadata=suite.caller_metadata("42"), timeout=7200)
        return time.perf_counter() - start, reply


def archive_people(path: Path, count: int, seed: int = 5) -> list[str]:
    """Valid resident ID numbers of parties in the archive (a spread sample)."""
    found: list[str] = []
    with path.open(encoding="gb18030", errors="replace", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        for n, row in enumerate(reader):
            if n % 97 or len(row) < 7:
                continue
            for raw in (row[4], row[6]):
                try:
                    found.append(parse_resident_id(raw).number)
                except Exception:  # noqa: BLE001 - defective IDs are part of the archive
                    pass
    random.Random(seed).shuffle(found)
    return found[:count]


class Lookups:
    """op(i) callables for the scale runs on one transport."""

    def __init__(self, transport, people: list[str], fresh: People, office: str) -> None:
        self.t, self.people, self.fresh, self.office = transport, people, fresh, office
        self.gateway = isinstance(transport, GatewayTransport)

    async def status(self, i: int) -> None:
        number = self.people[i % len(self.people)] if i % 2 == 0 else self.fresh.resident_id("MF"[i % 4 // 2])
        await (self.t.status(number, office=self.office) if self.gateway else self.t.status(number))

    async def list_big(self, i: int) -> None:
        await self.t.list(SEED_OFFICE)

    async def list_small(self, i: int) -> None:
        await self.t.list(SMALL_OFFICE)

    async def search(self, i: int) -> None:
        await self.t.list(SEED_OFFICE, party_name=("张建国", "李秀英", "王伟", "刘芳")[i % 4])


async def measure_size(suite, label: str, people: list[str], seconds: float, meter: CpuMeter,
                       tokens: dict[str, str]) -> list[Measured]:
    out = []
    grpc_t = GrpcTransport(suite)
    gw_t = GatewayTransport(suite, tokens, 8)
    try:
        for transport in (gw_t, grpc_t):
            office_of = {"status": SEED_OFFICE, "list_big": SEED_OFFICE, "list_small": SMALL_OFFICE}
            for kind in ("status", "list_big", "list_small"):
                ops = Lookups(transport, people, People(), office_of[kind])
                for callers in (1, 8):
                    name = f"{label} · {transport.name} · {kind.replace('_', ' ')} · {callers} caller(s)"
                    out.append(await measure(name, getattr(ops, kind), concurrency=callers, seconds=seconds,
                                             meter=meter, warmup_s=1.0))
        ops = Lookups(grpc_t, people, People(), SEED_OFFICE)
        out.append(await measure(f"{label} · gRPC · name search at {SEED_OFFICE} · 1 caller(s)", ops.search,
                                 concurrency=1, seconds=seconds, meter=meter, warmup_s=1.0))
    finally:
        await grpc_t.close()
        await gw_t.close()
    return out


EXPLAINS = {
    "status look-up (records of a person)":
        "SELECT * FROM marriages WHERE id IN (SELECT marriage_id FROM marriage_parties WHERE id_hash = $1) "
        "ORDER BY register_date DESC, created_at DESC",
    f"list by office {SEED_OFFICE} (newest 20)":
        f"SELECT * FROM marriages WHERE office_code LIKE '{SEED_OFFICE}' || '%' ESCAPE '/' "
        "ORDER BY register_date DESC, id DESC LIMIT 21",
    f"list by office {SMALL_OFFICE} (newest 20)":
        f"SELECT * FROM marriages WHERE office_code LIKE '{SMALL_OFFICE}' || '%' ESCAPE '/' "
        "ORDER BY register_date DESC, id DESC LIMIT 21",
    "name search at the archive office":
        f"SELECT * FROM marriages WHERE office_code LIKE '{SEED_OFFICE}' || '%' ESCAPE '/' AND id IN "
        "(SELECT marriage_id FROM marriage_parties WHERE name = '王伟') ORDER BY register_date DESC, id DESC LIMIT 21",
}


async def explain(suite, sample_id: str) -> dict[str, str]:
    from servicekit.pii import PiiCipher

    cipher = PiiCipher.from_base64(suite.secrets.pii_key, suite.secrets.pii_hash_key)
    conn = await asyncpg.connect(suite.database_url, server_settings={"search_path": "marriage,public"})
    plans = {}
    try:
        for title, sql in EXPLAINS.items():
            args = [cipher.digest(sample_id)] if "$1" in sql else []
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", *args)
            plans[title] = "\n".join(r[0] for r in rows)
    finally:
        await conn.close()
    return plans


async def counts(suite) -> dict[str, int]:
    conn = await asyncpg.connect(suite.database_url)
    try:
        rows = await conn.fetch("SELECT historical, count(*) AS n FROM marriage.marriages GROUP BY 1")
        parties = await conn.fetchval("SELECT count(*) FROM marriage.marriage_parties")
        by_office = await conn.fetchval("SELECT count(*) FROM marriage.marriages WHERE office_code = $1", SEED_OFFICE)
    finally:
        await conn.close()
    out = {("historical" if r["historical"] else "registered"): r["n"] for r in rows}
    return {**out, "total": sum(out.values()), "parties": parties, f"office {SEED_OFFICE}": by_office}


async def vacuum(suite) -> float:
    conn = await asyncpg.connect(suite.database_url)
    try:
        start = time.perf_counter()
        for table in ("marriages", "marriage_parties", "current_spouses", "import_rows", "import_defects"):
            await conn.execute(f"VACUUM ANALYZE marriage.{table}")
        return time.perf_counter() - start
    finally:
        await conn.close()


async def bench(suite, rows: int, seconds: float, small: int, file_rows: int) -> dict:
    await ensure_offices(suite, OFFICE_CODES[:1])
    tokens = registrar_tokens(suite, OFFICE_CODES[:1])
    tokens[SEED_OFFICE] = suite.token("marriage_registrar", "civic-demo")
    meter = CpuMeter(suite)
    out: dict = {}

    # 1. the small registry
    grpc_t = GrpcTransport(suite)
    shared = Shared(People())
    try:
        await prefill(Window(grpc_t, shared, (SEED_OFFICE,)), small, 32)
        await prefill(Window(grpc_t, Shared(People()), (SMALL_OFFICE,)), 300, 16)
    finally:
        await grpc_t.close()
    people_small = [p for r in shared.registered for p in (r.man, r.woman)]
    await vacuum(suite)
    out["counts_small"] = await counts(suite)
    print(f"small registry: {out['counts_small']}", flush=True)
    runs = await measure_size(suite, "small", people_small, seconds, meter, tokens)

    # 2. the archive, through the import
    work = Path(tempfile.mkdtemp(prefix="civic-bench-scale-"))
    try:
        from marriage.tools.sample_archive import write_sample

        path = work / "archive.csv"
        start = time.perf_counter()
        summary = write_sample(path, rows, 1, "csv", encoding="gb18030")
        generated = time.perf_counter() - start
        print(f"generated {rows:,} rows ({path.stat().st_size / 2**20:.0f} MiB) in {generated:.0f} s", flush=True)
        archive_sample = archive_people(path, 20_000)
        files = split_archive(path, file_rows)
        elapsed, read, imported, defective, slowest = 0.0, 0, 0, 0, 0.0
        for n, part in enumerate(files, start=1):
            try:
                took, import_report = await stream_import(suite, part)
            except grpc.aio.AioRpcError as err:
                raise SystemExit(f"ImportHistoricalRecords failed on {part.name}: {err.code().name} "
                                 f"{err.details()}") from None
            elapsed, slowest = elapsed + took, max(slowest, took)
            read += import_report.rows_read
            imported += import_report.rows_imported
            defective += import_report.rows_with_defects
            if n % 10 == 0 or n == len(files):
                print(f"  imported {n}/{len(files)} files, {read:,} rows, {elapsed:.0f} s", flush=True)
        out["import"] = {"rows": rows, "files": len(files), "rows_read": read, "rows_imported": imported,
                         "rows_with_defects": defective, "seconds": round(elapsed, 1),
                         "slowest_file_s": round(slowest, 1), "rows_per_s": round(read / elapsed),
                         "generator_s": round(generated, 1), "archive_marriages": summary["marriages"],
                         "archive_divorces": summary["divorces"]}
        print(f"imported: {out['import']}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["vacuum_analyze_s"] = round(await vacuum(suite), 1)
    out["counts_large"] = await counts(suite)
    print(f"after the import: {out['counts_large']}", flush=True)

    # 3. the same calls at 1 M
    runs += await measure_size(suite, "1M", archive_sample, seconds, meter, tokens)
    out["plans"] = await explain(suite, archive_sample[0])
    out["runs"] = runs
    return out


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__.split("\n")[0], seconds=10)
    p.add_argument("--rows", type=int, default=1_050_000, help="archive rows to generate and import")
    p.add_argument("--small", type=int, default=3000, help="marriages registered for the small-registry runs")
    p.add_argument("--file-rows", type=int, default=0,
                   help="rows per imported file (0: the archive as one file)")
    args = p.parse_args(argv)
    rows, seconds, small = (30_000, 3.0, 500) if args.quick else (args.rows, args.seconds, args.small)
    out = run_on_suite(args, bench, rows, seconds, small, args.file_rows)
    runs: list[Measured] = out.pop("runs")
    extra = {"target": TARGET, "seconds": seconds, **{k: v for k, v in out.items() if k != "plans"},
             "runs": {m.result.name: m.extra() for m in runs}}
    report([m.result for m in runs], "Look-ups and lists at data size (issue 7 §2)", extra=extra)
    cpu_table(runs)
    print("\nQuery plans at size (EXPLAIN ANALYZE, BUFFERS):")
    for title, plan in out["plans"].items():
        print(f"\n{title}:\n```\n{plan}\n```")
    big = [m.result.summary() for m in runs if m.result.name.startswith("1M") and " status " in m.result.name]
    worst = max((s["p99_ms"] for s in big), default=float("nan"))
    records = out["counts_large"]["total"]
    met = records >= TARGET["records"] and worst <= TARGET["status_p99_ms"]
    print(f"\ntarget status look-up p99 ≤ {TARGET['status_p99_ms']} ms at {TARGET['records']:,} records: "
          f"{'met' if met else 'NOT met'} (worst p99 {worst} ms over {len(big)} runs; {records:,} marriages)",
          flush=True)
    return extra


if __name__ == "__main__":
    main()
