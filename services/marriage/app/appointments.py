"""Registry offices, special dates and appointments (预约): never overbooked, also under races."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from civic.marriage.v1 import events_pb2
from servicekit import context
from servicekit.errors import invalid, not_found, permission_denied, precondition
from servicekit.paging import Seek
from servicekit.pii import mask_name
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.appointments import (
    AppointmentRecord,
    AppointmentRepository,
    OfficeRecord,
    SpecialDateRecord,
)
from marriage.app.access import require_jurisdiction
from marriage.app.inputs import office_code
from marriage.app.messages import appointment_pb, mask_phone, office_pb
from marriage.domain.appointments import (
    APPOINTMENT_STATE_WORDS,
    DayPlan,
    OfficeHours,
    check_bookable,
    check_etag,
    check_servable,
    check_special_dates_period,
    contact_phone,
    day_plan,
)
from marriage.domain.calendar import WorkCalendar, qixi
from marriage.domain.calendar_year import ADDED_DAY_NAME
from marriage.domain.parties import Party, foreign_case_kind

KINDS = frozenset({"MARRIAGE", "DIVORCE", "REISSUE"})
# Rush dates open longer than the ordinary day, at least this early and this late.
RUSH_OPENS_BY = dt.time(8, 0)
RUSH_CLOSES_NOT_BEFORE = dt.time(18, 0)
REST_DAY_LABEL = "法定休假日"


@dataclass(frozen=True)
class UpsertOffice:
    code: str
    name: str
    opens: dt.time
    closes: dt.time
    capacity: int
    # Designated for foreign / HK-Macao-Taiwan / overseas-Chinese cases (rules.md §1.1 Art 2).
    foreign_cases: bool = False
    etag: str = ""  # the settings' version the caller read (Office.etag); "" saves whatever they are now


@dataclass(frozen=True)
class Booking:
    office_code: str
    date: dt.date
    kind: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class Day:
    plan: DayPlan
    label: str
    booked: int
    appointments: list[AppointmentRecord]  # one page of them
    next_page_token: str


async def load_office(repo: AppointmentRepository, code: str) -> OfficeRecord:
    office = await repo.office(code)
    if office is None:
        raise not_found("OFFICE_NOT_FOUND", f"婚姻登记机关 {code} 不存在", office_code=code)
    return office


async def require_designated(session: AsyncSession, code: str, parties: Iterable[Party], what: str) -> None:
    """rules.md §1.1, 婚姻登记条例 Art 2: a case with a foreign, Hong Kong/Macao/Taiwan or
    overseas-Chinese party is registered only by an office the province designated (an office not on
    record is not designated). ``what`` names the registration (结婚登记, 离婚登记, 补领婚姻登记证)."""
    kind = foreign_case_kind(parties)
    if kind is None:
        return
    office = await AppointmentRepository(session).office(code)
    if office is not None and office.foreign_cases:
        return
    here = f"{office.name}（{code}）" if office is not None else f"婚姻登记机关 {code}"
    raise precondition(
        "OFFICE_NOT_DESIGNATED",
        f"本案为{kind}{what}，{here}未经省级民政部门指定办理涉外、涉港澳台、华侨婚姻登记："
        "请到经省级民政部门指定的涉外婚姻登记机关办理", office_code=code, case_kind=kind)


def _office_changed(uow: UnitOfWork, office: OfficeRecord, action: str, after: dict) -> None:
    uow.audit(action, f"offices/{office.code}", office_code=office.code, after=after)
    uow.emit("office_changed", events_pb2.OfficeChanged(office=office_pb(office)), office_code=office.code)


async def upsert_office(uow: UnitOfWork, cmd: UpsertOffice) -> OfficeRecord:
    code = office_code(cmd.code, "office.office_code")
    require_jurisdiction(code)
    name = cmd.name.strip()
    if not name:
        raise invalid("NAME_REQUIRED", "须录入婚姻登记机关名称", "office.display_name")
    repo = AppointmentRepository(uow.session)
    # Locked: the designation this call keeps or changes is the one it writes over (a registrar's
    # save racing the admin's designation would otherwise drop it unchecked).
    existing = await repo.office(code, for_update=True)
    if cmd.etag:
        check_etag(cmd.etag, existing.etag if existing else "")
    if cmd.foreign_cases != (existing.foreign_cases if existing else False):
        _require_designating()
    rush_opens = existing.hours.rush_opens if existing else min(cmd.opens, RUSH_OPENS_BY)
    rush_closes = existing.hours.rush_closes if existing else max(cmd.closes, RUSH_CLOSES_NOT_BEFORE)
    multiplier = existing.hours.rush_multiplier if existing else 2
    office = OfficeRecord(code, name, OfficeHours(cmd.opens, cmd.closes, cmd.capacity, rush_opens, rush_closes,
                                                  multiplier), cmd.foreign_cases)
    await repo.save_office(office)
    _office_changed(uow, office, "office.upsert", {
        "name": name, "opens": cmd.opens.isoformat(), "closes": cmd.closes.isoformat(), "capacity": cmd.capacity,
        "foreign_cases": cmd.foreign_cases})
    return office


# Who may set an office's designation for foreign cases: the province designates (rules.md §1.1
# Art 2), and an account administrator records its decision — not the office's own registrars, whom
# UpsertOffice otherwise lets keep their hours and capacity. The system caller seeds offices.
DESIGNATING_ROLES = frozenset({"admin", "system"})


def _require_designating() -> None:
    if not context.current().caller.roles & DESIGNATING_ROLES:
        raise permission_denied(
            "DESIGNATION_BY_ADMIN_ONLY",
            "办理涉外、涉港澳台、华侨婚姻登记的机关由省级民政部门指定：是否指定，须由账号管理员依指定文件设置"
            "（本次未作任何更改；修改办公时间和预约名额时请保持原指定状态）")


async def add_special_date(uow: UnitOfWork, sd: SpecialDateRecord) -> SpecialDateRecord:
    code = office_code(sd.office_code)
    require_jurisdiction(code)
    repo = AppointmentRepository(uow.session)
    office = await load_office(repo, code)
    if sd.date < uow.clock.today():
        raise invalid("DATE_IN_PAST", "不能为过去的日期设置特殊安排", "special_date.date")
    if (sd.opens is None) != (sd.closes is None) or (sd.opens and sd.closes and sd.opens >= sd.closes):
        raise invalid("INVALID_OPENING_HOURS", "须同时录入开始和结束时间，且开始时间早于结束时间",
                      "special_date.opens_at")
    if sd.capacity is not None and sd.capacity < 1:
        raise invalid("INVALID_CAPACITY", "预约名额须为正整数", "special_date.capacity")
    saved = SpecialDateRecord(code, sd.date, sd.label.strip(), sd.opens, sd.closes, sd.capacity)
    await repo.save_special_date(saved)
    _office_changed(uow, office, "office.special_date", {
        "date": sd.date.isoformat(), "label": saved.label, "capacity": sd.capacity,
        "opens": sd.opens.isoformat() if sd.opens else None, "closes": sd.closes.isoformat() if sd.closes else None})
    return saved


def _rush_label(day: dt.date, cal: WorkCalendar) -> str:
    if day not in cal.rush_dates(day.year):
        return ""
    return "七夕" if day == qixi(day.year) else f"{day.month}·{day.day}"


async def plan_of(repo: AppointmentRepository, office: OfficeRecord, day: dt.date,
                  cal: WorkCalendar) -> tuple[DayPlan, str]:
    """The office's hours and capacity on a day, and why the day is special ('' when it is not)."""
    return plan_with(office, day, cal, await repo.special_date(office.code, day))


def plan_with(office: OfficeRecord, day: dt.date, cal: WorkCalendar,
              special: SpecialDateRecord | None) -> tuple[DayPlan, str]:
    """``plan_of`` with the day's added special date (or None) already read: the calendar's plan
    (rush dates open longer with a multiple of the capacity, rest days closed), and an added date's
    own hours, capacity and label over it where it set them."""
    plan = day_plan(office.hours, day, cal, {day} if special else ())
    if special is not None:
        plan = DayPlan(day, special.opens or plan.opens, special.closes or plan.closes,
                       special.capacity or plan.capacity, True)
        return plan, special.label or _rush_label(day, cal) or ADDED_DAY_NAME
    return plan, _rush_label(day, cal) or ("" if plan.is_open else REST_DAY_LABEL)


@dataclass(frozen=True)
class SpecialDay:
    office_code: str
    plan: DayPlan
    label: str
    built_in: bool  # a rush date of the calendar (2·14, 5·20, 5·21, 七夕, holidays-cn.csv)
    added: bool  # AddSpecialDate set it


async def special_dates(session: AsyncSession, cal: WorkCalendar, code_raw: str, d_from: dt.date,
                        d_to: dt.date) -> list[SpecialDay]:
    """The office's special dates from ``d_from`` to ``d_to`` (inclusive): the calendar's rush dates
    and those added (rules.md §1.10 peak days), each planned by ``plan_with`` as a booking on it is."""
    code = office_code(code_raw)
    require_jurisdiction(code)
    check_special_dates_period(d_from, d_to)
    repo = AppointmentRepository(session)
    office = await load_office(repo, code)
    added = {sd.date: sd for sd in await repo.special_dates(code, d_from, d_to)}
    built_in = {day for year in range(d_from.year, d_to.year + 1) for day in cal.rush_dates(year)
                if d_from <= day <= d_to}
    return [SpecialDay(code, *plan_with(office, day, cal, added.get(day)), day in built_in, day in added)
            for day in sorted(built_in | added.keys())]


def _appointment_changed(uow: UnitOfWork, a: AppointmentRecord, action: str) -> None:
    uow.audit(action, f"appointments/{a.id}", office_code=a.office_code, after={
        "office_code": a.office_code, "date": a.date.isoformat(), "kind": a.kind, "state": a.state,
        "queue_number": a.queue_number, "contact_name": mask_name(a.contact_name),
        "contact_phone": mask_phone(a.contact_phone)})
    uow.emit("appointment_changed", events_pb2.AppointmentChanged(appointment=appointment_pb(a)),
             office_code=a.office_code)


async def book(uow: UnitOfWork, cal: WorkCalendar, cmd: Booking) -> AppointmentRecord:
    code = office_code(cmd.office_code, "appointment.office_code")
    require_jurisdiction(code)
    if cmd.kind not in KINDS:
        raise invalid("KIND_REQUIRED", "须选择预约事项（结婚、离婚或补领）", "appointment.kind")
    if not cmd.contact_name.strip():
        raise invalid("CONTACT_REQUIRED", "须录入预约联系人姓名", "appointment.contact_name")
    phone = contact_phone(cmd.contact_phone)
    if cmd.date < uow.clock.today():
        raise invalid("DATE_IN_PAST", "不能预约过去的日期", "appointment.date")
    repo = AppointmentRepository(uow.session)
    office = await load_office(repo, code)
    plan, _ = await plan_of(repo, office, cmd.date, cal)
    check_bookable(plan, 0)
    # The day's counter row is locked until commit: the check and the increment see every booking.
    day = await repo.lock_day(code, cmd.date, plan.capacity)
    check_bookable(plan, day.booked)
    queue_number = await repo.book(code, cmd.date, plan.capacity)
    appointment = AppointmentRecord(str(uuid7()), code, cmd.date, cmd.kind, "BOOKED", queue_number,
                                    cmd.contact_name.strip(), phone)
    await repo.add(appointment, uow.clock.now())
    _appointment_changed(uow, appointment, "appointment.book")
    return appointment


async def _load_booked(repo: AppointmentRepository, appointment_id: str) -> AppointmentRecord:
    appointment = await repo.get(appointment_id, for_update=True)
    if appointment is None:
        raise not_found("APPOINTMENT_NOT_FOUND", "预约不存在", appointment=f"appointments/{appointment_id}")
    require_jurisdiction(appointment.office_code)
    if appointment.state != "BOOKED":
        raise precondition("APPOINTMENT_NOT_BOOKED",
                           f"该预约{APPOINTMENT_STATE_WORDS.get(appointment.state, appointment.state)}，不能再办理",
                           state=appointment.state)
    return appointment


async def cancel(uow: UnitOfWork, appointment_id: str) -> AppointmentRecord:
    repo = AppointmentRepository(uow.session)
    appointment = await _load_booked(repo, appointment_id)
    appointment.state = "CANCELLED"
    await repo.set_state(appointment, uow.clock.now())
    await repo.unbook(appointment.office_code, appointment.date)
    _appointment_changed(uow, appointment, "appointment.cancel")
    return appointment


async def serve_appointment(uow: UnitOfWork, appointment_id: str, office: str) -> AppointmentRecord:
    """The couple came: their booking (a marriage registration's, for today, at this office) is
    served by this registration."""
    repo = AppointmentRepository(uow.session)
    appointment = await _load_booked(repo, appointment_id)
    if appointment.office_code != office:
        raise precondition("APPOINTMENT_AT_OTHER_OFFICE", "该预约不属于本登记机关",
                           office_code=appointment.office_code)
    check_servable(appointment.kind, appointment.date, "MARRIAGE", uow.clock.today())
    appointment.state = "SERVED"
    await repo.set_state(appointment, uow.clock.now())
    _appointment_changed(uow, appointment, "appointment.serve")
    return appointment


async def day_of(session: AsyncSession, cal: WorkCalendar, code_raw: str, day: dt.date, seek: Seek) -> Day:
    code = office_code(code_raw)
    require_jurisdiction(code)
    repo = AppointmentRepository(session)
    plan, label = await plan_of(repo, await load_office(repo, code), day, cal)
    count = await repo.count_day(code, day)
    return Day(plan, label, count.booked if count else 0, *await repo.of_day(code, day, seek))


async def offices(session: AsyncSession, seek: Seek) -> tuple[list[OfficeRecord], str]:
    return await AppointmentRepository(session).offices(seek)
