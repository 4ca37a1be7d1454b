"""GetWorkCalendar: a year of the calendar the periods and the appointments are counted by, with an
office's added special dates when asked for one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.appointments import AppointmentRepository
from marriage.app.access import require_jurisdiction
from marriage.app.appointments import load_office
from marriage.app.inputs import office_code
from marriage.domain.calendar import WorkCalendar
from marriage.domain.calendar_year import CalendarYear, calendar_year, with_added_dates


async def work_calendar(session: AsyncSession, cal: WorkCalendar, year: int, code_raw: str) -> CalendarYear:
    """The year; with an office, its added special dates among the rush dates (refused as
    ListSpecialDates refuses: outside the caller's jurisdiction, or an office not on record)."""
    found = calendar_year(cal, year)
    if not code_raw.strip():
        return found
    code = office_code(code_raw)
    require_jurisdiction(code)
    repo = AppointmentRepository(session)
    await load_office(repo, code)
    added = await repo.special_dates(code, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return with_added_dates(found, {sd.date: sd.label for sd in added})
