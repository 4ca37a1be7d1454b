"""Reference data: Chibi City (赤壁市, 421281), its parents, townships, villages and communities.

Loaded by `python -m placenames seed` (run by `make run`); idempotent. Each row goes through the
same use case as an officer's CreateDivision, so every division also emits `division_changed`.
Every seeded row takes effect on 2020-06-30, the standard time point of the oldest source edition
(the village list is NBS 2020): the sources say the divisions were in force then, not since when.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from servicekit import context
from servicekit.clock import SystemClock
from servicekit.db import Database
from servicekit.identifiers import validate_division_code
from servicekit.logging import get_logger
from servicekit.settings import ServiceSettings
from servicekit.uow import UnitOfWorkFactory

from placenames.adapters.repository import DivisionRepository
from placenames.adapters.tables import SCHEMA, kit
from placenames.app.divisions import CreateDivision, create

log = get_logger(__name__)
DATA = Path(__file__).parent / "data"
SOURCES = ("divisions-421281.csv", "villages-421281.csv")
SEED_EFFECTIVE = dt.date(2020, 6, 30)


@dataclass(frozen=True)
class SeedRow:
    code: str
    name: str
    parent_code: str
    source: str
    effective: dt.date


def seed_rows() -> Iterator[SeedRow]:
    for filename in SOURCES:
        with open(DATA / filename, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                yield SeedRow(validate_division_code(row["code"]), row["name"], row["parent_code"],
                              row["source"], SEED_EFFECTIVE)


async def load_seed(uow: UnitOfWorkFactory) -> int:
    """Create every seed division that is not there yet; returns how many were created."""
    created = 0
    with context.acting("seed:placenames", "seed"):
        for row in seed_rows():
            async with uow() as unit:
                if await DivisionRepository(unit.session).get(row.code) is not None:
                    continue
                await create(unit, CreateDivision(row.code, row.name, row.parent_code, row.effective,
                                                  row.source, "种子数据：国家统计局统计用区划代码"))
                created += 1
    return created


async def seed(settings: ServiceSettings) -> None:
    db = Database(settings.database_url, SCHEMA)
    try:
        created = await load_seed(UnitOfWorkFactory(db, kit, "placenames", SystemClock()))
        log.info("seed_loaded", created=created)
    finally:
        await db.dispose()
