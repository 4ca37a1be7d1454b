"""Divorce by agreement: accept, withdraw, register or refuse, print the certificate, and the sweep that
lapses applications whose issue period has passed (deemed withdrawn)."""
from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit import context
from servicekit.errors import invalid, not_found, precondition
from servicekit.logging import get_logger
from servicekit.paging import Seek
from servicekit.pii import PiiCipher
from servicekit.uow import UnitOfWork, UnitOfWorkFactory
from servicekit.uuid7 import uuid7
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.divorces import (
    ApplicationFilter,
    ApplicationRecord,
    DivorceRepository,
    record_from_row,
)
from marriage.adapters.repository import MarriageRecord, MarriageRepository, next_serial, party_hash
from marriage.app.access import record_office, require_jurisdiction, require_read_jurisdiction
from marriage.app.appointments import require_designated
from marriage.app.inputs import canonical_number, office_code
from marriage.app.records import load
from marriage.app.messages import application_pb, audit_view, event_marriage_pb
from marriage.domain.calendar import WorkCalendar, bundled_calendar
from marriage.domain.certificates import CertificateKind, format_certificate_number
from marriage.domain.divorce import (
    CertificatesPresented,
    DivorceAgreement,
    DivorceApplication,
    DivorceDeclarations,
    check_acceptance,
)
from marriage.domain.parties import IdType, party_key

log = get_logger(__name__)
RECEIPT_SERIES = "SL"  # 受理回执单
SWEEP_BATCH = 200
PERIOD_HORIZON_DAYS = 70  # acceptance → last possible issue day, with room for rolled rest days


@dataclass(frozen=True)
class Application:
    """An application with the marriage it belongs to (its parties are shown with it)."""

    record: ApplicationRecord
    marriage: MarriageRecord


def _audit_view(record: ApplicationRecord, today: dt.date) -> dict:
    a = record.application
    return {"marriage": f"marriages/{a.marriage_id}", "office_code": a.office_code, "state": str(a.state_on(today)),
            "accepted_on": a.accepted_on.isoformat(), "cooling_off_end": a.cooling_off_end.isoformat(),
            "issue_deadline": a.issue_deadline.isoformat(),
            "closed_on": a.closed_on.isoformat() if a.closed_on else "",
            "certificate_number": record.certificate_number,
            "full_civil_capacity": a.declarations.full_civil_capacity if a.declarations else None,
            "certificates_presented": str(a.certificates)}


def _changed(uow: UnitOfWork, app: Application, action: str, before: dict | None, today: dt.date,
             reason: str = "") -> None:
    record = app.record
    uow.audit(action, f"divorceApplications/{record.id}", office_code=record.application.office_code,
              before=before, after=_audit_view(record, today), reason=reason)
    shown = application_pb(record, today, app.marriage)
    # The agreement's terms (children, property, debts) stay in the record, read by the registry: the
    # event — the province's change feed — says that a voluntary agreement was made, not what it says.
    shown.agreement.CopyFrom(pb.DivorceAgreement(voluntary=shown.agreement.voluntary))
    # Nor the review's findings on a refusal (whether a party acts voluntarily, what the couple still
    # disputes): the event says the application was refused; the record and its audit row keep why.
    shown.refusal_reason = ""
    uow.emit("divorce_application_changed", events_pb2.DivorceApplicationChanged(application=shown),
              office_code=record.application.office_code)


async def load_application(session: AsyncSession, cipher: PiiCipher, application_id: str, *,
                for_update: bool = False) -> Application:
    """The application and its marriage; when locking, the marriage first (as ApplyDivorce does)."""
    divorces = DivorceRepository(session)
    marriage_id = await divorces.marriage_id_of(application_id)
    if marriage_id is None:
        raise not_found("APPLICATION_NOT_FOUND", "离婚申请不存在",
                        application=f"divorceApplications/{application_id}")
    marriage = await load(MarriageRepository(session, cipher), marriage_id, for_update=for_update)
    record = await divorces.get(application_id, marriage.marriage.party_keys, for_update=for_update)
    assert record is not None
    return Application(record, marriage)


async def get(session: AsyncSession, cipher: PiiCipher, application_id: str) -> Application:
    """The application, for the office that accepted it or a caller who may read its marriage."""
    app = await load_application(session, cipher, application_id)
    if not context.current().caller.may_act_in(app.record.application.office_code):
        await require_read_jurisdiction(MarriageRepository(session, cipher), app.marriage)
    return app


async def apply(uow: UnitOfWork, cipher: PiiCipher, cal: WorkCalendar, marriage_id: str, office_raw: str,
                agreement: DivorceAgreement, declarations: DivorceDeclarations,
                certificates: CertificatesPresented | None) -> Application:
    check_acceptance(declarations, certificates)  # refused before anything is locked or written
    office = office_code(office_raw)
    require_jurisdiction(office)  # 全国通办: any registry may accept, within its own jurisdiction
    today = uow.clock.today()
    marriage = await load(MarriageRepository(uow.session, cipher), marriage_id, for_update=True)
    # The accepting office: the couple also registers there (RegisterDivorce), so it is checked once,
    # before a stale application lapses below.
    await require_designated(uow.session, office, marriage.marriage.parties, "离婚登记")
    divorces = DivorceRepository(uow.session)
    pending = await divorces.open_of(marriage_id, marriage.marriage.party_keys)
    # A stale application whose issue period passed lapses now (the sweep may not have run yet).
    if pending is not None and not await _lapse(uow, Application(pending, marriage), today, cal):
        raise precondition("DIVORCE_ALREADY_APPLIED", "该婚姻已有正在办理的离婚申请",
                               application=f"divorceApplications/{pending.id}")
    application = DivorceApplication.accept(str(uuid7()), marriage.marriage, office, today, agreement,
                                            declarations, certificates, cal)
    serial = await next_serial(uow.session, RECEIPT_SERIES, office, today.year)
    record = ApplicationRecord(application, f"{RECEIPT_SERIES}{office}-{today.year:04d}-{serial:06d}")
    await divorces.add(record, uow.clock.now())
    app = Application(record, marriage)
    _changed(uow, app, "divorce.apply", None, today)
    return app


async def withdraw(uow: UnitOfWork, cipher: PiiCipher, application_id: str, id_type: IdType,
                   raw_number: str) -> Application:
    app = await load_application(uow.session, cipher, application_id, for_update=True)
    record, marriage = app.record, app.marriage
    require_jurisdiction(record.application.office_code)
    today = uow.clock.today()
    number = canonical_number(id_type, raw_number)
    hash_ = party_hash(cipher, number)
    position = marriage.party_hashes.index(hash_) if hash_ in marriage.party_hashes else None
    key = marriage.marriage.parties[position].key if position is not None else party_key(id_type, number)
    before = _audit_view(record, today)
    record.application.withdraw(key, today)
    record.withdrawn_by = position
    await DivorceRepository(uow.session).save(record, uow.clock.now())
    _changed(uow, app, "divorce.withdraw", before, today)
    return app


async def register(uow: UnitOfWork, cipher: PiiCipher, application_id: str, office_raw: str,
                   both_present: bool) -> Application:
    office = office_code(office_raw)
    require_jurisdiction(office)
    app = await load_application(uow.session, cipher, application_id, for_update=True)
    record, marriage = app.record, app.marriage
    # Issuing the 离婚证 registers the divorce (rules.md §1.1 Art 2): the accepting office must still be
    # designated for a foreign case — its designation may have been withdrawn since the acceptance,
    # or the application accepted before offices carried one. (Elsewhere the review refuses
    # NOT_AT_ACCEPTING_OFFICE, which says where to go.)
    if office == record.application.office_code:
        await require_designated(uow.session, office, marriage.marriage.parties, "离婚登记")
    today = uow.clock.today()
    before, marriage_before = _audit_view(record, today), audit_view(marriage)
    # Allocated before the checks: a refusal rolls the transaction back and the number with it.
    serial = await next_serial(uow.session, CertificateKind.DIVORCE.value, office, today.year)
    number = format_certificate_number(CertificateKind.DIVORCE, office, today.year, serial)
    record.application.register(today, office, both_present, number)
    marriage.marriage.end_by_divorce(today)
    record.certificate_number = number
    marriage.end_reason, marriage.end_reference = "DIVORCE_REGISTERED", number
    now = uow.clock.now()
    await DivorceRepository(uow.session).save(record, now)
    repo = MarriageRepository(uow.session, cipher)
    await repo.save_state(marriage, now)
    await repo.release_current(marriage.id)
    await repo.add_certificate(marriage.id, CertificateKind.DIVORCE.value, number, office, today)
    _changed(uow, app, "divorce.register", before, today)
    record_office_code = await record_office(repo, marriage)
    uow.audit("marriage.divorce", f"marriages/{marriage.id}", office_code=record_office_code,
              before=marriage_before, after=audit_view(marriage))
    uow.emit("marriage_ended", events_pb2.MarriageEnded(marriage=event_marriage_pb(marriage)),
             office_code=record_office_code)
    return app


async def refuse(uow: UnitOfWork, cipher: PiiCipher, application_id: str, office_raw: str,
                 reason: str) -> Application:
    """不予离婚登记 (rules.md §1.5): the review in the issue period, at the accepting office, finds
    the requirements unmet. The application closes REFUSED and keeps the reason (the audit row and
    the event carry it with ID numbers masked); the marriage stays registered, so the couple may
    apply again (ApplyDivorce finds no open application)."""
    office = office_code(office_raw)
    require_jurisdiction(office)
    app = await load_application(uow.session, cipher, application_id, for_update=True)
    record = app.record
    today = uow.clock.today()
    before = _audit_view(record, today)
    record.application.refuse(today, office, reason)
    await DivorceRepository(uow.session).save(record, uow.clock.now())
    _changed(uow, app, "divorce.refuse", before, today, reason=record.application.refusal_reason)
    return app


async def print_certificate(uow: UnitOfWork, cipher: PiiCipher, application_id: str, purpose: str) -> Application:
    """The registered divorce whose certificate (离婚证) a registrar prints, with the parties' numbers
    for the caller to show in full. The disclosure is audited (who, which application, why); the
    audit keeps no numbers. An application not (or not yet) registered has no certificate."""
    if not purpose.strip():
        raise invalid("PURPOSE_REQUIRED", "须说明打印用途（如打印离婚证）", "purpose")
    app = await load_application(uow.session, cipher, application_id)
    require_jurisdiction(app.record.application.office_code)  # the numbers in full: the registering office's only
    app.record.application.require_divorced(uow.clock.today())
    uow.audit("divorce.print_certificate", f"divorceApplications/{app.record.id}",
              office_code=app.record.application.office_code, reason=purpose.strip())
    return app


async def list_applications(session: AsyncSession, cipher: PiiCipher, flt: ApplicationFilter, today: dt.date,
                            seek: Seek) -> tuple[list[Application], str]:
    rows, token = await DivorceRepository(session).list(flt, today, seek)
    marriages = await MarriageRepository(session, cipher).get_many(str(r.marriage_id) for r in rows)
    return [Application(record_from_row(r, marriages[str(r.marriage_id)].marriage.party_keys),
                        marriages[str(r.marriage_id)]) for r in rows], token


async def close_for_ended_marriage(uow: UnitOfWork, marriage: MarriageRecord) -> None:
    """The marriage ended otherwise (a court, a death, a revocation) while a divorce application was
    open on it: the application is terminated (TERMINATED), with its audit row and event — it would
    otherwise wait at the window for a registration that can no longer happen."""
    record = await DivorceRepository(uow.session).open_of(marriage.id, marriage.marriage.party_keys)
    if record is not None:
        await _apply_change(uow, Application(record, marriage), uow.clock.today(), "divorce.terminate",
                            lambda a: a.terminate(uow.clock.today()))


# --- the lapse sweep -----------------------------------------------------------------------------

async def _apply_change(uow: UnitOfWork, app: Application, today: dt.date, action: str,
                        change: Callable[[DivorceApplication], bool]) -> bool:
    """Run a change on the application; when it changed something, save it with its audit row and event."""
    before = _audit_view(app.record, today)
    if not change(app.record.application):
        return False
    await DivorceRepository(uow.session).save(app.record, uow.clock.now())
    _changed(uow, app, action, before, today)
    return True


async def _extend(uow: UnitOfWork, app: Application, cal: WorkCalendar, today: dt.date) -> bool:
    """The application's periods as the calendar now ends them, when later (see extend_periods)."""
    return await _apply_change(uow, app, today, "divorce.extend_periods", lambda a: a.extend_periods(cal))


async def _lapse(uow: UnitOfWork, app: Application, today: dt.date, cal: WorkCalendar) -> bool:
    """Deemed withdrawn when the issue period has passed — by the calendar in force now, so a period
    whose last day a later holiday notice made a rest day is extended instead."""
    await _extend(uow, app, cal, today)
    return await _apply_change(uow, app, today, "divorce.lapse", lambda a: a.lapse_if_due(today))


async def sweep_lapsed(uow_factory: UnitOfWorkFactory, cipher: PiiCipher, today: dt.date,
                       cal: WorkCalendar | None = None) -> int:
    """Close every open application whose issue deadline passed before ``today`` as deemed
    withdrawn, each with its event and audit row; returns how many. Safe to run concurrently
    (rows another sweeper holds are skipped) and again (closed applications are not selected)."""
    cal = cal or bundled_calendar()
    total = 0
    with context.acting(f"lapse-sweep:{today.isoformat()}", "marriage.lapse_sweep"):
        while True:
            lapsed = 0
            async with uow_factory() as uow:
                ids = await DivorceRepository(uow.session).lapsed_ids(today, SWEEP_BATCH)
                for application_id in ids:
                    lapsed += await _lapse(uow, await load_application(uow.session, cipher, application_id), today, cal)
            total += lapsed
            if len(ids) < SWEEP_BATCH or not lapsed:
                return total


async def extend_open_periods(uow_factory: UnitOfWorkFactory, cipher: PiiCipher, today: dt.date,
                              cal: WorkCalendar) -> int:
    """Bring every open application's periods up to the calendar in force (a release carrying a new
    holiday notice), each extension with its event and audit row; returns how many moved. Open
    applications are few (about two months' worth), and each is locked only while it is checked."""
    extended = 0
    with context.acting(f"calendar:{today.isoformat()}", "marriage.calendar"):
        async with uow_factory() as uow:
            ids = await DivorceRepository(uow.session).open_ids()
        for application_id in ids:
            async with uow_factory() as uow:
                app = await load_application(uow.session, cipher, application_id, for_update=True)
                extended += await _extend(uow, app, cal, today)
    return extended


def warn_if_calendar_ends(cal: WorkCalendar, today: dt.date) -> None:
    """The longest period (cooling-off, then the issue period, each rolled past rest days) ends
    about 65 days after acceptance: once that reaches a year without its holiday notice, the
    deadlines given from now on may fall on holidays the service does not know of."""
    missing = sorted({(today + dt.timedelta(days=days)).year for days in (0, PERIOD_HORIZON_DAYS)}
                     - cal.covered_years)
    if missing:
        log.warning("holiday_calendar_missing_years", years=missing,
                    hint="add the State Council's holiday notice for these years to holidays-cn.csv and release; "
                         "open applications are extended to it at start")


async def run_lapse_sweeps(uow_factory: UnitOfWorkFactory, cipher: PiiCipher, today: Callable[[], dt.date],
                           interval_s: float, stop: asyncio.Event, cal: WorkCalendar | None = None) -> None:
    """Sweep now and every ``interval_s`` seconds until ``stop`` is set. A failed pass is logged and
    tried again at the next tick; a calendar ending too soon is said once a day."""
    cal = cal or bundled_calendar()
    warned = None
    while not stop.is_set():
        try:
            day = today()
            if warned != day:
                warn_if_calendar_ends(cal, day)
                warned = day
            lapsed = await sweep_lapsed(uow_factory, cipher, day, cal)
            if lapsed:
                log.info("divorce_applications_lapsed", count=lapsed)
        except Exception:
            log.exception("lapse_sweep_failed")
        try:
            await asyncio.wait_for(stop.wait(), interval_s)
        except TimeoutError:
            pass

