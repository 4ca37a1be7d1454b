"""When the holiday calendar in force is not the one earlier decisions were taken by — a release
carrying a new State Council holiday notice — bring what depends on it up to date at start:
open divorce applications get the periods the calendar now gives them (never shorter), and bookings
on days the office is now closed are reported for the window to call the couples (not cancelled:
the couple must hear it from a person)."""
from __future__ import annotations

import datetime as dt

from servicekit.logging import get_logger
from servicekit.pii import PiiCipher
from servicekit.uow import UnitOfWorkFactory

from marriage.adapters.appointments import AppointmentRepository
from marriage.app.divorces import extend_open_periods
from marriage.domain.calendar import WorkCalendar

log = get_logger(__name__)


async def bookings_on_closed_days(uow_factory: UnitOfWorkFactory, cal: WorkCalendar,
                                  today: dt.date) -> list[tuple[str, dt.date, int]]:
    """(office, day, bookings) of every day from ``today`` on with live bookings on which the office
    no longer opens: a rest day by the calendar with no special opening (rush date or one an
    administrator set)."""
    async with uow_factory() as uow:
        days = await AppointmentRepository(uow.session).booked_days(today)
    return [(office, day, count) for office, day, count, special in days
            if not special and day not in cal.rush_dates(day.year) and cal.is_rest_day(day)]


async def bring_up_to_calendar(uow_factory: UnitOfWorkFactory, cipher: PiiCipher, cal: WorkCalendar,
                               today: dt.date) -> None:
    extended = await extend_open_periods(uow_factory, cipher, today, cal)
    if extended:
        log.info("divorce_periods_extended", count=extended)
    closed = await bookings_on_closed_days(uow_factory, cal, today)
    if closed:
        log.warning("appointments_on_closed_days", days=[
            {"office_code": office, "date": day.isoformat(), "bookings": count} for office, day, count in closed],
            hint="the office is closed on these days by the holiday calendar in force: call the couples to rebook")
