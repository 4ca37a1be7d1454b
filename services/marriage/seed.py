"""Reference data: the Chibi registry office (赤壁市婚姻登记处, 421281).

Loaded by `python -m marriage seed` (run by `make run`); idempotent. The office goes through the
same use case as an administrator's UpsertOffice, so it also writes its audit row and event. With
CIVIC_DEMO_DATA (development only) the seed also loads the office's 2023 (``marriage.demo``).
"""
from __future__ import annotations

import datetime as dt

from servicekit import context
from servicekit.clock import SystemClock
from servicekit.db import Database
from servicekit.logging import get_logger
from servicekit.pii_keys import verify_pii_keys
from servicekit.uow import UnitOfWorkFactory

from marriage.adapters.appointments import AppointmentRepository
from marriage.adapters.tables import SCHEMA, kit
from marriage.app.appointments import UpsertOffice, upsert_office
from marriage.demo import load_demo_year
from marriage.settings import MarriageSettings

log = get_logger(__name__)
OFFICES = (
    UpsertOffice("421281", "赤壁市婚姻登记处", dt.time(8, 30), dt.time(17, 0), 40),
)


async def load_seed(uow: UnitOfWorkFactory) -> int:
    """Create every seed office that is not there yet; returns how many were created."""
    created = 0
    with context.acting("seed:marriage", "seed"):
        for office in OFFICES:
            async with uow() as unit:
                if await AppointmentRepository(unit.session).office(office.code) is not None:
                    continue
                await upsert_office(unit, office)
                created += 1
    return created


async def seed(settings: MarriageSettings) -> None:
    db = Database(settings.database_url, SCHEMA)
    try:
        created = await load_seed(UnitOfWorkFactory(db, kit, "marriage", SystemClock()))
        log.info("seed_loaded", created=created)
        if settings.demo_data:  # development only: MarriageSettings refuses it in production
            await _demo(db, settings)
    finally:
        await db.dispose()


async def _demo(db: Database, settings: MarriageSettings) -> None:
    cipher = settings.pii_cipher()
    await verify_pii_keys(db, cipher)
    result = await load_demo_year(db, cipher)
    log.info("demo_year_loaded" if result.loaded else "demo_year_already_loaded",
             office=result.statistics.office_code, marriages=result.statistics.marriages_registered,
             seconds=round(result.seconds, 1))
