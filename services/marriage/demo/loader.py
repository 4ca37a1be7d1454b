"""Loads the demo year through the same use cases the RPCs call, on fake clocks moved through the
plan's days, so dates, cooling-off periods, certificate serials, audit rows and events are real.

The load has three parts, each one unit of work run like an RPC under a fixed request id
(``UnitOfWorkFactory.idempotent``): its idempotency record is the part's marker, so a second load
does nothing and a failed part leaves nothing behind (the next seed does it again). The archive
import commits first; then the registry's year (registrations, divorces, counseling, reissues) and
the corrections of the archive run side by side on two connections — they touch different records,
and the two cores are both busy. The registry's year being one transaction also keeps the running
service's lapse sweep (on the real date, years later) from closing its applications while the load
is still in their cooling-off. Before a part commits it checks its figures of GetStatistics against
the report, and refuses to keep a year that does not reproduce them.

Last, the office's blank certificates (空白证书): a range of each kind received into stock on the
first working day after the year, as a registrar receives them — the account of blanks begins
there, so the year's certificates, printed before, used none of them. Its own marker, too: a
registry whose year was loaded before the blanks were seeded gets them on its next start.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, ContextManager, TypeVar

from civic.marriage.v1 import resources_pb2 as pb
from google.protobuf.message import Message
from servicekit import context
from servicekit.clock import BUREAU_TZ, FakeClock
from servicekit.db import Database
from servicekit.paging import MAX_PAGE_SIZE
from servicekit.pii import PiiCipher
from servicekit.uow import UnitOfWork, UnitOfWorkFactory

from marriage.adapters.appointments import AppointmentRepository, SpecialDateRecord
from marriage.adapters.repository import MARRIAGE_LIST, MarriageFilter, MarriageRepository
from marriage.adapters.tables import kit
from marriage.app import appointments, blanks, corrections, counseling, divorces, imports, marriages
from marriage.app.messages import blank_stock_pb
from marriage.app.statistics import statistics
from marriage.demo.archive import Archive, Fix
from marriage.demo.offices import CHIBI, DemoOffice
from marriage.demo.people import Person
from marriage.demo.plan import (
    SEED,
    CounselingCase,
    Couple,
    DivorceCase,
    Kind,
    Reissue,
    Step,
    YearPlan,
    YearPlanner,
)
from marriage.demo.report import REPORT_2023, YEAR
from marriage.domain.appointments import OfficeHours, day_plan
from marriage.domain.calendar import bundled_calendar
from marriage.domain.divorce import DivorceAgreement, DivorceDeclarations
from marriage.domain.eligibility import Declarations
from marriage.domain.parties import IdType

T = TypeVar("T")
M = TypeVar("M", bound=Message)
MARKER_METHOD = "LoadDemoYear"
CHUNK = 1 << 20  # the archive file is streamed in chunks, as ImportHistoricalRecords receives it
ROLES = ("marriage_registrar", "marriage_counselor", "supervisor")  # the demo logins' names and roles
ARCHIVE_YEARS = (dt.date(1987, 1, 1), dt.date(2003, 12, 31))
USUAL_HOURS = (dt.time(8, 30), dt.time(17, 0))
YEAR_FROM, YEAR_TO = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
# The parts of the load, each one transaction with its own marker; the archive goes first, the
# other two run side by side (they touch different records), each on its own clock.
ARCHIVE, CORRECTIONS, REGISTRY, BLANKS = "archive", "corrections", "registry", "blanks"
PART_OF = {Kind.IMPORT: ARCHIVE, Kind.PROPOSE: CORRECTIONS, Kind.APPROVE: CORRECTIONS}
CHECKED = {CORRECTIONS: ("corrections_approved",)}  # the report's figures each part must reproduce


class DemoMismatch(Exception):
    """The loaded year does not reproduce the report (raised before the part commits)."""


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False: the markers show the year was loaded before, and nothing was done
    statistics: pb.Statistics  # the year's figures, as GetStatistics gives them
    seconds: float


def marker(office_code: str, part: str) -> str:
    return f"demo-data:marriage:{office_code}:{YEAR}:{part}"


async def load_demo_year(db: Database, cipher: PiiCipher, office: DemoOffice = CHIBI,
                         seed: int = SEED) -> DemoResult:
    """Load the year for ``office``, each part unless its marker is there; returns the year's
    statistics (checked against the report)."""
    started = time.perf_counter()
    loader = DemoLoader(db, cipher, office, seed)
    await loader.part(ARCHIVE)
    try:
        async with asyncio.TaskGroup() as parts:  # a failure cancels the other part: it rolls back
            parts.create_task(loader.part(REGISTRY))
            parts.create_task(loader.part(CORRECTIONS))
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    await loader.blank_stock()
    figures = await loader.figures()
    _check(figures, REPORT_2023.as_dict())
    return DemoResult(loader.loaded, figures, time.perf_counter() - started)


class _Within:
    """A unit-of-work factory handing out the part's own unit of work (for the lapse sweep)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        yield self._uow


def _party(person: Person) -> marriages.PartyInput:
    return marriages.PartyInput(IdType.RESIDENT_ID, person.id_number, person.name, "CHN")


class DemoLoader:
    def __init__(self, db: Database, cipher: PiiCipher, office: DemoOffice, seed: int) -> None:
        self.db = db
        self.cipher = cipher
        self.office = office
        self.seed = seed
        self.cal = bundled_calendar()
        self.callers = {role: context.Caller(role, frozenset({role}), jurisdiction=office.code)
                        for role in ROLES}
        self.loaded = False
        self.import_name = ""
        self._plan: YearPlan | None = None
        self._planning = asyncio.Lock()
        self.hours: OfficeHours | None = None

    async def _once(self, name: str, response: type[M],
                    work: Callable[[UnitOfWork, FakeClock], Awaitable[M]]) -> M:
        """Run ``work`` in one unit of work on a clock of its own, once: the part's marker is the
        idempotency record of its fixed request id (a second load returns the first result)."""
        clock = FakeClock()

        async def first_time(uow: UnitOfWork) -> M:
            self.loaded = True
            return await work(uow, clock)

        with self._acting(marker(self.office.code, name)):
            return await UnitOfWorkFactory(self.db, kit, "marriage", clock).idempotent(
                MARKER_METHOD, marker(self.office.code, name), response, first_time)

    async def part(self, name: str) -> None:
        """Carry out the plan's steps of one part in one unit of work, once (its marker)."""
        async def work(uow: UnitOfWork, clock: FakeClock) -> Message:
            plan = await self._planned(uow, clock)
            steps = [step for step in plan.steps if PART_OF.get(step.kind, REGISTRY) == name]
            return await PartRunner(self, uow, clock, plan).run(name, steps)

        response = pb.ImportReport if name == ARCHIVE else pb.Statistics
        done = await self._once(name, response, work)
        if isinstance(done, pb.ImportReport):
            self.import_name = done.name  # the corrections part works on this import's defects

    async def blank_stock(self) -> None:
        """The office's blanks received into stock on the first working day after the year, once."""
        async def work(uow: UnitOfWork, clock: FakeClock) -> pb.ListCertificateBlanksResponse:
            received = self.cal.roll_to_working_day(YEAR_TO + dt.timedelta(days=1))
            clock.set(dt.datetime.combine(received, dt.time(9, 0), BUREAU_TZ))
            stock = []
            for kind, first, last in self.office.blank_ranges():
                with self._acting(f"demo-{self.office.code}-blanks-{kind.lower()}", "marriage_registrar"):
                    done = await blanks.receive(uow, blanks.Receive(self.office.code, kind, first, last,
                                                                    received))
                stock.append(blank_stock_pb(kind, done.stock[kind]))
            return pb.ListCertificateBlanksResponse(stock=stock)

        await self._once(BLANKS, pb.ListCertificateBlanksResponse, work)

    async def _planned(self, uow: UnitOfWork, clock: FakeClock) -> YearPlan:
        """The plan, made once (by the first part that runs) for the office's opening hours."""
        async with self._planning:
            if self._plan is not None:
                return self._plan
            clock.set(dt.date(YEAR - 1, 10, 1))
            office = await AppointmentRepository(uow.session).office(self.office.code)
            if office is None:  # created in the first part's transaction, as an administrator would
                office = await appointments.upsert_office(uow, self.office.upsert())
            self.hours = office.hours
            self._plan = YearPlanner(self.office.addresses, self.office.code, office.hours, self.cal,
                                     self.seed).plan()
            return self._plan

    async def figures(self) -> pb.Statistics:
        with self._acting(marker(self.office.code, "statistics")):
            async with self.db.transaction() as session:
                return await statistics(session, self.office.code, YEAR_FROM, YEAR_TO)

    def _acting(self, request_id: str, role: str = "supervisor") -> ContextManager[context.RequestContext]:
        return context.acting(request_id, "marriage.demo", self.callers[role])


class PartRunner:
    """Runs steps through the use cases in one unit of work, moving its clock through their days."""

    def __init__(self, loader: DemoLoader, uow: UnitOfWork, clock: FakeClock, plan: YearPlan) -> None:
        self.loader = loader
        self.uow = uow
        self.clock = clock
        self.plan = plan
        self.cipher = loader.cipher
        self.office = loader.office
        self.cal = loader.cal
        self.report: pb.ImportReport | None = None
        self.defects: dict[int, str] = {}  # archive row number → defects/{id}
        self.corrections: dict[int, str] = {}  # archive row number → corrections/{id}

    async def run(self, part: str, steps: list[Step]) -> Message:
        if part == REGISTRY:
            await self._find_records()
        elif part == CORRECTIONS:
            await self._find_defects()
        for day, todays in itertools.groupby(steps, key=lambda s: s.day):
            await self._day(day, list(todays), sweep=part == REGISTRY)
        if part == ARCHIVE:
            assert self.report is not None
            return self.report
        figures = await self._as("supervisor", f"{part}-statistics", statistics(
            self.uow.session, self.office.code, YEAR_FROM, YEAR_TO))
        expected = REPORT_2023.as_dict()
        theirs = CHECKED[CORRECTIONS]  # committed by the other part, perhaps not yet
        _check(figures, {name: expected[name] for name in theirs} if part == CORRECTIONS else
               {name: value for name, value in expected.items() if name not in theirs})
        return figures

    async def _day(self, day: dt.date, steps: list[Step], sweep: bool) -> None:
        if sweep and day >= self.plan.first_application:  # as the service's sweep does every day
            self.clock.set(dt.datetime.combine(day, dt.time(7, 30), BUREAU_TZ))
            await divorces.sweep_lapsed(_Within(self.uow), self.cipher, day)  # type: ignore[arg-type]
        assert self.loader.hours is not None
        plan = day_plan(self.loader.hours, day, self.cal)
        opens, closes = (plan.opens, plan.closes) if plan.opens and plan.closes else USUAL_HOURS
        start = dt.datetime.combine(day, opens, BUREAU_TZ)
        span = dt.datetime.combine(day, closes, BUREAU_TZ) - start
        for n, step in enumerate(steps):
            self.clock.set(start + span * (n + 0.5) / len(steps))
            role, handler = HANDLERS[step.kind]
            await self._as(role, f"{step.kind.name.lower()}-{step.seq:06d}", handler(self, step.subject, day))

    async def _as(self, role: str, what: str, work: Awaitable[T]) -> T:
        """Run one use case as the demo login of ``role``, with a request id of its own (the
        context is read when ``work`` runs, which is here)."""
        with self.loader._acting(f"demo-{self.office.code}-{what}", role):
            return await work

    # -- the steps ------------------------------------------------------------------------------

    async def _import(self, archive: Archive, day: dt.date) -> None:
        data = archive.data
        first = pb.ImportHistoricalRecordsRequest(
            request_id=f"demo-{self.office.code}-import", format=pb.IMPORT_FORMAT_CSV, encoding="GB18030",
            source_name=f"{self.office.code}-原乡镇婚姻登记档案-1987-2003.csv", data=data[:CHUNK])

        async def rest() -> AsyncIterator[pb.ImportHistoricalRecordsRequest]:
            for at in range(CHUNK, len(data), CHUNK):
                yield pb.ImportHistoricalRecordsRequest(data=data[at:at + CHUNK])

        report = await imports.import_archive(self.uow, self.cipher, first, rest())
        if report.rows_read != archive.rows or report.rows_with_defects != len(archive.fixes):
            raise DemoMismatch(f"archive import: {report.rows_read} rows read, {report.rows_with_defects} "
                               f"with defects; planned {archive.rows} and {len(archive.fixes)}")
        self.report = report

    async def _find_records(self) -> None:
        """The records the import made of the archive couples the year divorces or reissues."""
        repo = MarriageRepository(self.uow.session, self.cipher)
        flt = MarriageFilter(self.office.code, "REGISTERED", *ARCHIVE_YEARS)
        found: dict[tuple[str, str], str] = {}
        token = ""
        while True:
            page, token = await repo.list(flt, MARRIAGE_LIST.seek(
                pb.ListMarriagesRequest(page_size=MAX_PAGE_SIZE, page_token=token)))
            found.update({(r.marriage.certificate_number, r.marriage.parties[0].id_number): r.id
                          for r in page})
            if not token:
                break
        for couple in self.plan.historical:
            couple.marriage_id = found[couple.certificate, couple.man.id_number]

    async def _find_defects(self) -> None:
        """The open defects of the archive's import: the planted ones, one per row."""
        token = ""
        while True:
            request = pb.ListDefectsRequest(**{"import": self.loader.import_name}, page_size=MAX_PAGE_SIZE,
                                            page_token=token)
            page = await self._as("marriage_registrar", "defects",
                                  imports.list_defects(self.uow.session, request))
            self.defects.update({d.row_number: d.name for d in page.defects})
            token = page.next_page_token
            if not token:
                break
        if sorted(self.defects) != sorted(fix.row_number for fix in self.plan.archive.fixes):
            raise DemoMismatch("the archive's open defects are not the planted ones")

    async def _special_date(self, special: tuple[dt.date, str, dt.date], day: dt.date) -> None:
        date, label, _ = special
        await appointments.add_special_date(self.uow, SpecialDateRecord(
            self.office.code, date, label, dt.time(8, 0), dt.time(18, 0), None))

    async def _book(self, couple: Couple, day: dt.date) -> None:
        booked = await appointments.book(self.uow, self.cal, appointments.Booking(
            self.office.code, couple.day, "MARRIAGE", couple.woman.name, couple.contact_phone))
        couple.appointment_id = booked.id

    async def _cancel(self, couple: Couple, day: dt.date) -> None:
        assert couple.appointment_id is not None
        await appointments.cancel(self.uow, couple.appointment_id)

    async def _register(self, couple: Couple, day: dt.date) -> None:
        record = await marriages.register(self.uow, self.cipher, marriages.RegisterMarriage(
            self.office.code, (_party(couple.man), _party(couple.woman)), Declarations(True, True),
            couple.appointment_id))
        couple.marriage_id = record.id

    async def _apply(self, case: DivorceCase, day: dt.date) -> None:
        assert case.couple.marriage_id is not None
        app = await divorces.apply(self.uow, self.cipher, self.cal, case.couple.marriage_id, self.office.code,
                                   DivorceAgreement(*case.agreement, voluntary=True),
                                   DivorceDeclarations(full_civil_capacity=True), case.certificates)
        case.application_id = app.record.id

    async def _open_case(self, case: CounselingCase, day: dt.date) -> None:
        application = case.application.application_id if case.application else None
        opened = await counseling.open_case(self.uow, counseling.OpenCase(
            self.office.code, case.received, application, case.topic))
        case.case_id = opened.case.id

    async def _session(self, case: CounselingCase, day: dt.date) -> None:
        assert case.case_id is not None
        for held, counselor, summary in case.sessions:
            if held == day:
                await counseling.add_session(self.uow, case.case_id, held, counselor, summary)

    async def _close_case(self, case: CounselingCase, day: dt.date) -> None:
        assert case.case_id is not None and case.outcome is not None and case.closed is not None
        await counseling.close_case(self.uow, case.case_id, case.outcome, case.closed)

    async def _withdraw(self, case: DivorceCase, day: dt.date) -> None:
        assert case.application_id is not None and case.withdrawn_by is not None
        await divorces.withdraw(self.uow, self.cipher, case.application_id, IdType.RESIDENT_ID,
                                case.withdrawn_by.id_number)

    async def _register_divorce(self, case: DivorceCase, day: dt.date) -> None:
        assert case.application_id is not None
        await divorces.register(self.uow, self.cipher, case.application_id, self.office.code,
                                both_present=True)

    async def _reissue(self, reissue: Reissue, day: dt.date) -> None:
        assert reissue.couple.marriage_id is not None
        applied = marriages.ReissueApplication(IdType.RESIDENT_ID, reissue.applicant.id_number)
        done = await marriages.reissue(self.uow, self.cipher, reissue.couple.marriage_id, self.office.code,
                                       reissue.ground, applied)
        if not done.document_number.startswith(reissue.expect):
            raise DemoMismatch(f"reissue gave {done.document_number}, planned {reissue.expect}")

    async def _propose(self, fix: Fix, day: dt.date) -> None:
        proposed = await corrections.propose(self.uow, self.cipher, pb.Correction(
            defect=self.defects[fix.row_number], corrected_value=fix.value, reason=fix.reason,
            evidence_reference=fix.evidence))
        self.corrections[fix.row_number] = proposed.name

    async def _approve(self, fix: Fix, day: dt.date) -> None:
        await corrections.approve(self.uow, self.cipher, self.corrections[fix.row_number])


HANDLERS: dict[Kind, tuple[str, Callable[[PartRunner, Any, dt.date], Awaitable[None]]]] = {
    Kind.IMPORT: ("marriage_registrar", PartRunner._import),
    Kind.SPECIAL_DATE: ("supervisor", PartRunner._special_date),
    Kind.BOOK: ("marriage_registrar", PartRunner._book),
    Kind.CANCEL: ("marriage_registrar", PartRunner._cancel),
    Kind.REGISTER: ("marriage_registrar", PartRunner._register),
    Kind.APPLY: ("marriage_registrar", PartRunner._apply),
    Kind.OPEN_CASE: ("marriage_counselor", PartRunner._open_case),
    Kind.SESSION: ("marriage_counselor", PartRunner._session),
    Kind.CLOSE_CASE: ("marriage_counselor", PartRunner._close_case),
    Kind.WITHDRAW: ("marriage_registrar", PartRunner._withdraw),
    Kind.REGISTER_DIVORCE: ("marriage_registrar", PartRunner._register_divorce),
    Kind.REISSUE: ("marriage_registrar", PartRunner._reissue),
    Kind.PROPOSE: ("marriage_registrar", PartRunner._propose),
    Kind.APPROVE: ("supervisor", PartRunner._approve),
}


def _check(figures: pb.Statistics, expected: dict[str, float]) -> None:
    wrong = {name: (getattr(figures, name), value) for name, value in expected.items()
             if getattr(figures, name) != value}
    if wrong:
        raise DemoMismatch(f"the demo year does not reproduce the report (got, expected): {wrong}")
