"""Offices, special dates, appointments and the per-day booking counter."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from servicekit.paging import Keyset, Seek
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.domain.appointments import OfficeHours, hours_etag

OFFICE_LIST = Keyset("offices", t.offices.c.code)
# An office's special dates, built-in and added, merged in memory (ListSpecialDates): by date.
SPECIAL_DATE_LIST = Keyset("specialDates", t.special_dates.c.date)
# A day's appointments in queue order. Nothing in the table makes a queue number unique within its
# day, so the id breaks ties: without it two rows on the same number could each fall on either page.
APPOINTMENT_LIST = Keyset("appointments", t.appointments.c.queue_number, t.appointments.c.id)


@dataclass(frozen=True)
class OfficeRecord:
    code: str
    name: str
    hours: OfficeHours
    # Designated by the province for foreign / HK-Macao-Taiwan / overseas-Chinese cases (rules.md §1.1).
    foreign_cases: bool = False

    @property
    def etag(self) -> str:
        return hours_etag(self.name, self.hours, self.foreign_cases)


@dataclass(frozen=True)
class SpecialDateRecord:
    office_code: str
    date: dt.date
    label: str
    opens: dt.time | None
    closes: dt.time | None
    capacity: int | None


@dataclass
class AppointmentRecord:
    id: str
    office_code: str
    date: dt.date
    kind: str
    state: str
    queue_number: int
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class DayCount:
    capacity: int
    booked: int
    issued: int


def _office(row) -> OfficeRecord:
    return OfficeRecord(row.code, row.name, OfficeHours(
        row.opens, row.closes, row.daily_capacity, row.rush_opens, row.rush_closes, row.rush_multiplier),
        row.foreign_cases)


def _special_date(row) -> SpecialDateRecord:
    return SpecialDateRecord(row.office_code, row.date, row.label, row.opens, row.closes, row.capacity)


def _appointment(row) -> AppointmentRecord:
    return AppointmentRecord(str(row.id), row.office_code, row.date, row.kind, row.state, row.queue_number,
                             row.contact_name, row.contact_phone)


class AppointmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- offices and special dates ---------------------------------------------------------------

    async def office(self, code: str, *, for_update: bool = False) -> OfficeRecord | None:
        query = select(t.offices).where(t.offices.c.code == code)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return _office(row) if row else None

    async def offices(self, seek: Seek) -> tuple[list[OfficeRecord], str]:
        """One page of offices and the next page's token."""
        rows, token = await seek.fetch(self.session, select(t.offices))
        return [_office(r) for r in rows], token

    async def save_office(self, office: OfficeRecord) -> None:
        h = office.hours
        values = {"name": office.name, "opens": h.opens, "closes": h.closes, "daily_capacity": h.capacity,
                  "rush_opens": h.rush_opens, "rush_closes": h.rush_closes, "rush_multiplier": h.rush_multiplier,
                  "foreign_cases": office.foreign_cases}
        stmt = pg_insert(t.offices).values(code=office.code, **values)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["code"], set_={**values, "updated_at": func.now()}))

    async def special_date(self, office_code: str, day: dt.date) -> SpecialDateRecord | None:
        row = (await self.session.execute(select(t.special_dates).where(
            t.special_dates.c.office_code == office_code, t.special_dates.c.date == day))).first()
        return _special_date(row) if row else None

    async def special_dates(self, office_code: str, d_from: dt.date, d_to: dt.date) -> list[SpecialDateRecord]:
        """The dates added for the office from ``d_from`` to ``d_to`` (inclusive), in date order."""
        sd = t.special_dates.c
        rows = await self.session.execute(select(t.special_dates).where(
            sd.office_code == office_code, sd.date >= d_from, sd.date <= d_to).order_by(sd.date))
        return [_special_date(r) for r in rows]

    async def save_special_date(self, sd: SpecialDateRecord) -> None:
        values = {"label": sd.label, "opens": sd.opens, "closes": sd.closes, "capacity": sd.capacity}
        stmt = pg_insert(t.special_dates).values(office_code=sd.office_code, date=sd.date, **values)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["office_code", "date"], set_=values))

    async def booked_days(self, since: dt.date) -> list[tuple[str, dt.date, int, bool]]:
        """(office, day, live bookings, whether the day has a special opening) from ``since`` on."""
        a, sd = t.appointments.c, t.special_dates.c
        special = select(sd.date).where(sd.office_code == a.office_code, sd.date == a.date).exists()
        rows = await self.session.execute(
            select(a.office_code, a.date, func.count(), special).where(a.state == "BOOKED", a.date >= since)
            .group_by(a.office_code, a.date).order_by(a.date, a.office_code))
        return [tuple(r) for r in rows]

    # --- the day counter -------------------------------------------------------------------------

    async def lock_day(self, office_code: str, day: dt.date, capacity: int) -> DayCount:
        """Create the day's counter if needed and lock it until commit: bookings of one office and
        day go one at a time, so the capacity check and the increment cannot interleave."""
        await self.session.execute(pg_insert(t.appointment_days).values(
            office_code=office_code, date=day, capacity=capacity).on_conflict_do_nothing())
        row = (await self.session.execute(select(t.appointment_days).where(
            t.appointment_days.c.office_code == office_code, t.appointment_days.c.date == day)
            .with_for_update())).one()
        return DayCount(row.capacity, row.booked, row.issued)

    async def count_day(self, office_code: str, day: dt.date) -> DayCount | None:
        row = (await self.session.execute(select(t.appointment_days).where(
            t.appointment_days.c.office_code == office_code, t.appointment_days.c.date == day))).first()
        return DayCount(row.capacity, row.booked, row.issued) if row else None

    async def book(self, office_code: str, day: dt.date, capacity: int) -> int:
        """Count one booking (the CHECK booked <= capacity backs the caller's check); the queue number."""
        c = t.appointment_days.c
        return (await self.session.execute(update(t.appointment_days)
                                           .where(c.office_code == office_code, c.date == day)
                                           .values(capacity=capacity, booked=c.booked + 1, issued=c.issued + 1)
                                           .returning(c.issued))).scalar_one()

    async def unbook(self, office_code: str, day: dt.date) -> None:
        c = t.appointment_days.c
        await self.session.execute(update(t.appointment_days).where(c.office_code == office_code, c.date == day)
                                   .values(booked=c.booked - 1))

    # --- appointments ----------------------------------------------------------------------------

    async def add(self, a: AppointmentRecord, now: dt.datetime) -> None:
        await self.session.execute(insert(t.appointments).values(
            id=uuid.UUID(a.id), office_code=a.office_code, date=a.date, kind=a.kind, state=a.state,
            queue_number=a.queue_number, contact_name=a.contact_name, contact_phone=a.contact_phone,
            created_at=now, updated_at=now))

    async def get(self, appointment_id: str, *, for_update: bool = False) -> AppointmentRecord | None:
        query = select(t.appointments).where(t.appointments.c.id == uuid.UUID(appointment_id))
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return _appointment(row) if row else None

    async def set_state(self, a: AppointmentRecord, now: dt.datetime) -> None:
        await self.session.execute(update(t.appointments).where(t.appointments.c.id == uuid.UUID(a.id))
                                   .values(state=a.state, updated_at=now))

    async def of_day(self, office_code: str, day: dt.date, seek: Seek) -> tuple[list[AppointmentRecord], str]:
        """One page of a day's appointments and the next page's token."""
        rows, token = await seek.fetch(self.session, select(t.appointments).where(
            t.appointments.c.office_code == office_code, t.appointments.c.date == day))
        return [_appointment(r) for r in rows], token
