"""Where PostgreSQL's CPU goes in a historical import's writes: the import's own statements (COPY of
marriages, parties, kept rows, defects; the current-spouse claims), run one after another on one
connection in one transaction — no Python work overlapping them — each timed by the backend's own
CPU (/proc/<pid>/stat around the statement). The finishing step is not included.

    .venv/bin/python -m bench.bench_import_split [--rows 200000] [--trial "SQL"]

--trial runs SQL on the fresh schema first, to price a schema change without making it (e.g.
``ALTER TABLE marriage.marriage_parties DROP CONSTRAINT fk_marriage_parties_marriage_id_marriages``).
Embedded PostgreSQL only (its backend must be readable under /proc). Not a test.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

import asyncpg

from marriage.bootstrap import MIGRATIONS
from marriage.imports import store
from marriage.imports.pipeline import Batch
from marriage.imports.records import DEFECT_COLUMNS, MARRIAGE_COLUMNS, PARTY_COLUMNS, ROW_COLUMNS
from marriage.tools.sample_archive import write_sample
from servicekit import migrations
from servicekit.devstack.embedded import EmbeddedPostgres
from servicekit.testing.env import Secrets

from bench.bench_import import checked_batches

TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def split(url: str, batches: list[Batch], trial: str) -> dict[str, list[float]]:
    """{statement: [backend CPU s, wall s]}."""
    conn = await asyncpg.connect(url)
    pid, spent = conn.get_server_pid(), {}

    async def timed(name: str, statement) -> None:  # noqa: ANN001
        cpu, wall = backend_cpu_s(pid), time.perf_counter()
        await statement
        totals = spent.setdefault(name, [0.0, 0.0])
        totals[0] += backend_cpu_s(pid) - cpu
        totals[1] += time.perf_counter() - wall

    try:
        if trial:
            await conn.execute(trial)
        transaction = conn.transaction()
        await transaction.start()
        if await conn.fetchval("SELECT count(*) FROM pg_constraint WHERE conname = $1",
                               store._CHECK_SPOUSES_NOW.rsplit(".", 1)[1].split()[0]):  # a trial may drop it
            await conn.execute(store._CHECK_SPOUSES_NOW)
        for batch in batches:
            for table, columns, records in (("marriages", MARRIAGE_COLUMNS, batch.marriages),
                                            ("marriage_parties", PARTY_COLUMNS, batch.parties),
                                            ("import_rows", ROW_COLUMNS, batch.rows),
                                            ("import_defects", DEFECT_COLUMNS, batch.defects)):
                if records:
                    await timed(f"COPY {table}", conn.copy_records_to_table(
                        table, schema_name="marriage", columns=columns, records=records))
            if batch.marriages:
                first, last = batch.rows[0], batch.rows[-1]
                await timed("claims (current_spouses)", conn.execute(store._SPOUSES, first[0], first[1], last[1]))
        await timed("COMMIT", transaction.commit())
        return spent
    finally:
        await conn.close()


async def run(args: argparse.Namespace, work: Path) -> None:
    pg = EmbeddedPostgres(work / "pg")
    url = pg.start()
    try:
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "marriage")
        path = work / "archive.csv"
        write_sample(path, args.rows, args.seed, "csv", encoding="gb18030")
        batches = list(checked_batches(path, "csv", Secrets.generate(), store.WRITE_ROWS))
        marriages = sum(len(b.marriages) for b in batches)
        spent = await split(url, batches, args.trial)
        print(f"{args.rows:,} rows ({marriages:,} marriages){'; trial: ' + args.trial if args.trial else ''}; "
              f"load average {os.getloadavg()[0]:.1f}")
        print("| statement | backend CPU µs/row | wall µs/row |\n|---|---:|---:|")
        for name, (cpu, wall) in spent.items():
            print(f"| {name} | {cpu / args.rows * 1e6:.1f} | {wall / args.rows * 1e6:.1f} |")
        total = sum(v[0] for v in spent.values())
        print(f"| all | {total / args.rows * 1e6:.1f} | {sum(v[1] for v in spent.values()) / args.rows * 1e6:.1f} |")
    finally:
        pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trial", default="", help="SQL run on the fresh schema first (a trial, not a change)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="civic-bench-split-") as work:
        asyncio.run(run(args, Path(work)))


if __name__ == "__main__":
    main()
