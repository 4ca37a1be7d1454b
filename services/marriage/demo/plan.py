"""The demo year as a plan: who comes to the registry on which day, and for what.

Pure: a seeded random generator, the work calendar and the office's hours decide everything; the
loader (``marriage.demo.loader``) carries the plan out through the use cases. The sizes below are
the report's figures (``report.REPORT_2023``) and the demo's own choices around them.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum

from servicekit.identifiers import age_on

from marriage.demo.archive import Archive, Fix, HistoricalCouple, build_archive
from marriage.demo.people import PeopleBook, Person, adult_age
from marriage.demo.report import REPORT_2023, YEAR
from marriage.domain.appointments import OfficeHours, day_plan
from marriage.domain.calendar import WorkCalendar, qixi
from marriage.domain.counseling import CounselingOutcome
from marriage.domain.divorce import CertificatesPresented, divorce_periods

SEED = 2023
DAY = dt.timedelta(days=1)
FIRST_DAY, LAST_DAY = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
LAST_WORKING_DAY = dt.date(YEAR, 12, 29)
OLDEST_REGISTRATION = dt.date(2005, 1, 1)  # marriages before the archive's end come from the archive
ARCHIVE_MARRIAGES = 17_000  # the townships' 1987–2003 marriage rows (plus some divorce rows)

# Divorce applications besides the 1,090 registered in the year.
WITHDRAWN_OTHERWISE = 45  # withdrawn during the cooling-off without counseling
LAPSED = 110  # never came back in the issue period: deemed withdrawn (视为撤回)
PENDING = 120  # accepted late in the year, still in their periods on 31 December
HISTORICAL_SHARE = 0.25  # of the divorcing couples, married in 1987–2003 (records from the archive)

# Counseling: applications it is linked to, by outcome; walk-in family disputes make up the rest.
LINKED_RECONCILED = 200  # reconciled during the cooling-off: one of them withdraws the application
LINKED_PROCEEDED = 380
LINKED_REFERRED = 30  # referred (妇联, police); the application lapses
LINKED_OPEN = 60  # on applications still pending on 31 December
WALK_IN_REFERRED, WALK_IN_PROCEEDED = 50, 230

# Reissues: 补发 of certificates (BJ/BL) and, where the status changed, record certificates (ZM).
REISSUED_DIVORCE_CERTIFICATES = 40
REISSUED_THIS_YEAR = 15  # of marriage certificates issued in the year itself
REISSUED_FROM_ARCHIVE = 650  # certificates of 1987–2003, lost over the decades
REMARRIAGES = 30  # 2023 marriages of someone divorced earlier in 2023
RECORD_CERTIFICATES = 20  # of those remarried: asked for the old certificate, given a 记录证明

MARRIAGE_MONTHS = (1.7, 1.1, 0.9, 1.0, 1.2, 0.8, 0.7, 0.8, 1.0, 1.3, 1.0, 1.1)  # before 春节, 国庆
DIVORCE_MONTHS = (0.8, 0.9, 1.3, 1.2, 1.0, 1.0, 1.1, 1.0, 0.9, 1.0, 1.0, 0.9)  # after 春节
RUSH_WEIGHT = {(2, 14): 6.0, (3, 8): 2.5, (5, 20): 9.0, (5, 21): 4.0}  # times an ordinary day
QIXI_WEIGHT = 6.0  # 七夕, a lunar date
BOOKED_SHARE, BOOKED_SHARE_RUSH = 0.5, 0.9
CANCELLED_BOOKINGS, NO_SHOWS = 40, 15  # booked marriage appointments that were never served
SPECIAL_DATE = (dt.date(YEAR, 3, 8), "3·8 妇女节（延长婚姻登记时间）", dt.date(YEAR, 2, 20))

FOLLOW_UP_AFTER = 14  # days: a case open this long has a second session
COUNSELORS = ("陈敏", "刘芳", "黄志刚", "余红梅（市妇联志愿者）")
WALK_IN_TOPICS = ("夫妻沟通与家庭矛盾调解", "婆媳关系调解", "子女抚养纠纷调解", "彩礼纠纷调解", "家庭经济矛盾调解")
REISSUE_GROUNDS = (("结婚证遗失", 70), ("结婚证损毁", 20), ("结婚证信息与身份证件不一致", 10))
AGREEMENTS = (
    ("婚生子一名由女方抚养，男方每月支付抚养费1500元至其年满十八周岁", "共同房产归男方所有，男方补偿女方二十万元",
     "无共同债务"),
    ("无子女", "各自名下财产归各自所有", "无共同债务"),
    ("婚生女一名由男方抚养，女方每月支付抚养费1000元", "共同存款平分，车辆归女方所有", "共同债务由双方各半承担"),
    ("两名子女各抚养一名，互不支付抚养费", "共同房产出售后价款平分", "房贷余款由双方各半承担"),
)

# What divorcing couples present for their marriage certificates (rules.md §1.5), drawn by a
# generator of its own so that the rest of the year is drawn as before.
CERTIFICATES = ((CertificatesPresented.BOTH, 92), (CertificatesPresented.ONE_WITH_LOSS_DECLARATION, 6),
                (CertificatesPresented.ARCHIVE_COPY_WITH_LOSS_DECLARATION, 2))


class Kind(IntEnum):
    """What a step does; on one day, steps run in this order."""

    IMPORT = 1
    SPECIAL_DATE = 2
    BOOK = 3
    CANCEL = 4
    REGISTER = 5
    APPLY = 6
    OPEN_CASE = 7
    SESSION = 8
    CLOSE_CASE = 9
    WITHDRAW = 10
    REGISTER_DIVORCE = 11
    REISSUE = 12
    PROPOSE = 13
    APPROVE = 14


@dataclass(eq=False)
class Couple:
    man: Person
    woman: Person
    day: dt.date  # of the registration
    certificate: str = ""  # an archive record's certificate number ("" for a registration in Civic)
    booked_on: dt.date | None = None
    contact_phone: str = ""
    marriage_id: str | None = None  # filled in by the loader
    appointment_id: str | None = None


@dataclass(eq=False)
class DivorceCase:
    couple: Couple
    accepted: dt.date
    cooling_off_end: dt.date
    issue_deadline: dt.date
    agreement: tuple[str, str, str]
    certificates: CertificatesPresented = CertificatesPresented.BOTH
    withdrawn_by: Person | None = None
    application_id: str | None = None


@dataclass(eq=False)
class CounselingCase:
    received: dt.date
    topic: str
    application: DivorceCase | None = None
    sessions: list[tuple[dt.date, str, str]] = field(default_factory=list)
    outcome: CounselingOutcome | None = None
    closed: dt.date | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class Reissue:
    couple: Couple
    ground: str
    expect: str  # the series printed: BJ, BL or ZM
    applicant: Person  # the party who applies (rules.md §1.6), in person


@dataclass(frozen=True)
class Step:
    day: dt.date
    kind: Kind
    subject: object
    seq: int


@dataclass
class YearPlan:
    steps: list[Step]
    archive: Archive
    historical: list[Couple]  # archive couples the year touches: the loader finds their records
    first_application: dt.date


class YearPlanner:
    def __init__(self, people_addresses: tuple[tuple[str, int], ...], office_code: str, hours: OfficeHours,
                 cal: WorkCalendar, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.certificates_rng = random.Random(f"{seed}:certificates")
        self.people = PeopleBook(self.rng, people_addresses)
        self.office_code = office_code
        self.hours = hours
        self.cal = cal
        self.steps: list[Step] = []
        self.historical: list[Couple] = []
        start = dt.date(YEAR - 1, 10, 1)
        self.working = [d for d in _days(start, LAST_DAY) if not cal.is_rest_day(d)]
        self.open_days = [d for d in _days(FIRST_DAY, LAST_DAY)
                          if day_plan(hours, d, cal, {SPECIAL_DATE[0]}).is_open]
        self.import_day = next(d for d in self.working if d.year == YEAR)
        self.year_working = self._working_in(FIRST_DAY, LAST_WORKING_DAY)
        self._qixi = qixi(YEAR)
        self._cumulative: dict[tuple, list[float]] = {}
        self._capacities: dict[dt.date, int] = {}

    def plan(self) -> YearPlan:
        archive = build_archive(self.rng, self.people, self.office_code, ARCHIVE_MARRIAGES,
                                REPORT_2023.corrections_approved)
        self._add(self.import_day, Kind.IMPORT, archive)
        self._add(SPECIAL_DATE[2], Kind.SPECIAL_DATE, SPECIAL_DATE)
        pool = list(archive.clean)
        self.rng.shuffle(pool)
        registered = self._divorces(pool)
        remarried = self._marriages(registered)
        self._reissues(registered, remarried, pool)
        self._corrections(archive.fixes)
        steps = sorted(self.steps, key=lambda s: (s.day, s.kind, s.seq))
        first = min(s.day for s in steps if s.kind is Kind.APPLY)
        return YearPlan(steps, archive, self.historical, first)

    # -- days ---------------------------------------------------------------------------------

    def _add(self, day: dt.date, kind: Kind, subject: object) -> None:
        self.steps.append(Step(day, kind, subject, len(self.steps)))

    def _working_in(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return self.working[bisect.bisect_left(self.working, first):bisect.bisect_right(self.working, last)]

    def _pick(self, first: dt.date, last: dt.date) -> dt.date | None:
        days = self._working_in(first, min(last, LAST_WORKING_DAY))
        return self.rng.choice(days) if days else None

    def _weighted_day(self, days: list[dt.date], months: tuple[float, ...], rush: bool = True) -> dt.date:
        key = (id(days), months, rush)
        cumulative = self._cumulative.get(key)
        if cumulative is None:
            cumulative = list(itertools.accumulate(months[d.month - 1] * (self._rush(d) if rush else 1.0)
                                                   for d in days))
            if days is self.open_days or days is self.year_working:  # kept (so is their id) for the plan
                self._cumulative[key] = cumulative
        return self.rng.choices(days, cum_weights=cumulative)[0]

    def _rush(self, day: dt.date) -> float:
        return QIXI_WEIGHT if day == self._qixi else RUSH_WEIGHT.get((day.month, day.day), 1.0)

    def _capacity(self, day: dt.date) -> int:
        if day not in self._capacities:
            self._capacities[day] = day_plan(self.hours, day, self.cal, {SPECIAL_DATE[0]}).capacity
        return self._capacities[day]

    # -- people and their marriages -------------------------------------------------------------

    def _couple(self, day: dt.date) -> Couple:
        man = self.people.of_age("M", day, adult_age(self.rng, "M", 22))
        woman = self.people.of_age("F", day, adult_age(self.rng, "F", 20))
        return Couple(man, woman, day)

    def _older_couple(self, before: dt.date) -> Couple:
        """A couple registered at the office in 2005–2022, some years before ``before``."""
        years = 1 + min(int(self.rng.gammavariate(2.0, 3.0)), 16)
        day = max(before - dt.timedelta(days=365 * years + self.rng.randrange(365)), OLDEST_REGISTRATION)
        day = min(self.cal.roll_to_working_day(day), dt.date(YEAR - 1, 12, 30))
        while self.cal.is_rest_day(day):
            day -= DAY
        couple = self._couple(day)
        self._add(day, Kind.REGISTER, couple)
        return couple

    def _from_archive(self, pool: list[HistoricalCouple]) -> Couple:
        found = pool.pop()
        couple = Couple(found.man, found.woman, found.day, certificate=found.certificate)
        self.historical.append(couple)
        return couple

    # -- divorces and counseling ------------------------------------------------------------------

    def _case(self, accepted: dt.date, pool: list[HistoricalCouple]) -> DivorceCase:
        historical = accepted > self.import_day and self.rng.random() < HISTORICAL_SHARE
        couple = self._from_archive(pool) if historical else self._older_couple(accepted)
        cooling_off_end, deadline = divorce_periods(accepted, self.cal)
        certificates, weights = zip(*CERTIFICATES)
        case = DivorceCase(couple, accepted, cooling_off_end, deadline, self.rng.choice(AGREEMENTS),
                           self.certificates_rng.choices(certificates, weights)[0])
        self._add(accepted, Kind.APPLY, case)
        return case

    def _accepted_before(self, registered: dt.date) -> dt.date:
        """An acceptance day whose issue period holds ``registered`` (so at least 31 days before)."""
        while True:
            accepted = registered - dt.timedelta(days=self.rng.randint(31, 58))
            while self.cal.is_rest_day(accepted):
                accepted -= DAY
            cooling_off_end, deadline = divorce_periods(accepted, self.cal)
            if cooling_off_end < registered <= deadline:
                return accepted

    def _divorces(self, pool: list[HistoricalCouple]) -> list[tuple[DivorceCase, dt.date]]:
        registered = []
        for _ in range(REPORT_2023.divorces_registered):
            day = self._weighted_day(self.year_working, DIVORCE_MONTHS, rush=False)
            case = self._case(self._accepted_before(day), pool)
            self._add(day, Kind.REGISTER_DIVORCE, case)
            registered.append((case, day))
        self._withdrawn(pool)
        lapsed = [self._case(self._pick_accepted(FIRST_DAY, dt.date(YEAR, 10, 16)), pool)
                  for _ in range(LAPSED)]
        pending = [self._case(self._pick_accepted(dt.date(YEAR, 11, 20), LAST_WORKING_DAY), pool)
                   for _ in range(PENDING)]
        self._linked_counseling(registered, lapsed, pending)
        self._walk_ins()
        return registered

    def _pick_accepted(self, first: dt.date, last: dt.date) -> dt.date:
        day = self._pick(max(first, self.import_day), last)
        assert day is not None
        return day

    def _withdrawn(self, pool: list[HistoricalCouple]) -> None:
        for n in range(LINKED_RECONCILED + WITHDRAWN_OTHERWISE):
            case = self._case(self._pick_accepted(FIRST_DAY, dt.date(YEAR, 11, 24)), pool)
            case.withdrawn_by = self.rng.choice((case.couple.man, case.couple.woman))
            first = case.accepted + DAY
            if n < LINKED_RECONCILED:  # counseled, reconciled, then one of them withdraws
                received = self._pick(case.accepted, case.cooling_off_end - 2 * DAY) or case.accepted
                closed = self._pick(received, case.cooling_off_end - DAY) or received
                self._counseling(received, "离婚冷静期辅导", case, CounselingOutcome.RECONCILED, closed)
                first = closed
            withdrawn = self._pick(first, case.cooling_off_end)
            assert withdrawn is not None
            self._add(withdrawn, Kind.WITHDRAW, case)

    def _linked_counseling(self, registered: list[tuple[DivorceCase, dt.date]], lapsed: list[DivorceCase],
                           pending: list[DivorceCase]) -> None:
        this_year = [(case, day) for case, day in registered if case.accepted >= self.import_day]
        for case, day in self.rng.sample(this_year, LINKED_PROCEEDED):
            received = self._pick(case.accepted, case.cooling_off_end) or case.accepted
            closed = self._pick(received, day) or day
            self._counseling(received, "离婚冷静期辅导", case, CounselingOutcome.PROCEEDED, closed)
        for case in self.rng.sample(lapsed, LINKED_REFERRED):
            received = self._pick(case.accepted, case.cooling_off_end) or case.accepted
            closed = self._pick(received, received + 14 * DAY) or received
            self._counseling(received, "离婚冷静期辅导（涉家庭暴力，转介市妇联）", case, CounselingOutcome.REFERRED,
                             closed)
        for case in self.rng.sample(pending, LINKED_OPEN):
            received = self._pick(case.accepted, case.cooling_off_end) or case.accepted
            self._counseling(received, "离婚冷静期辅导", case)

    def _walk_ins(self) -> None:
        reconciled = REPORT_2023.counseling_reconciled - LINKED_RECONCILED
        linked = LINKED_RECONCILED + LINKED_PROCEEDED + LINKED_REFERRED + LINKED_OPEN
        closed = reconciled + WALK_IN_REFERRED + WALK_IN_PROCEEDED
        still_open = REPORT_2023.counseling_received - linked - closed
        outcomes = ([CounselingOutcome.RECONCILED] * reconciled
                    + [CounselingOutcome.REFERRED] * WALK_IN_REFERRED
                    + [CounselingOutcome.PROCEEDED] * WALK_IN_PROCEEDED)
        for outcome in outcomes:
            received = self._pick(FIRST_DAY, dt.date(YEAR, 12, 8))
            assert received is not None
            topic = "家庭暴力求助（转介市妇联、公安机关）" if outcome is CounselingOutcome.REFERRED \
                else self.rng.choice(WALK_IN_TOPICS)
            self._counseling(received, topic, None, outcome, self._pick(received, received + 30 * DAY))
        for _ in range(still_open):
            received = self._pick(dt.date(YEAR, 11, 15), LAST_WORKING_DAY)
            assert received is not None
            self._counseling(received, self.rng.choice(WALK_IN_TOPICS))

    def _counseling(self, received: dt.date, topic: str, application: DivorceCase | None = None,
                    outcome: CounselingOutcome | None = None, closed: dt.date | None = None) -> None:
        case = CounselingCase(received, topic, application, outcome=outcome, closed=closed)
        case.sessions.append((received, self.rng.choice(COUNSELORS), "首次接待，了解双方诉求，开展情绪疏导"))
        last = closed or LAST_WORKING_DAY
        follow_up = self._pick(received + DAY, last) if (last - received).days >= FOLLOW_UP_AFTER else None
        if follow_up is not None:
            case.sessions.append((follow_up, self.rng.choice(COUNSELORS), "跟进辅导，协助双方沟通、梳理分歧"))
        self._add(received, Kind.OPEN_CASE, case)
        for held, *_ in case.sessions:
            self._add(held, Kind.SESSION, case)
        if outcome is not None:
            assert closed is not None
            self._add(closed, Kind.CLOSE_CASE, case)

    # -- marriages of the year --------------------------------------------------------------------

    def _marriages(self, registered: list[tuple[DivorceCase, dt.date]]) -> list[tuple[Couple, Couple]]:
        """The year's registrations; returns (new couple, divorced couple) for each remarriage."""
        booked: Counter[dt.date] = Counter()
        remarried = []
        early = [(case, day) for case, day in registered if day <= dt.date(YEAR, 10, 31)]
        for case, divorced_on in self.rng.sample(early, REMARRIAGES):
            days = [d for d in self.open_days if d >= divorced_on + 20 * DAY]
            couple = self._remarriage(case.couple, self._weighted_day(days, MARRIAGE_MONTHS))
            self._register(couple, booked)
            remarried.append((couple, case.couple))
        for _ in range(REPORT_2023.marriages_registered - REMARRIAGES):
            self._register(self._couple(self._weighted_day(self.open_days, MARRIAGE_MONTHS)), booked)
        for n in range(CANCELLED_BOOKINGS + NO_SHOWS):
            couple = self._couple(self._weighted_day(self.open_days, MARRIAGE_MONTHS))
            if self._book(couple, booked, 1.0) and n < CANCELLED_BOOKINGS:
                assert couple.booked_on is not None
                cancelled = self._pick(couple.booked_on, couple.day - DAY) or couple.booked_on
                self._add(cancelled, Kind.CANCEL, couple)
        return remarried

    def _remarriage(self, divorced: Couple, day: dt.date) -> Couple:
        person = self.rng.choice((divorced.man, divorced.woman))
        sex = "F" if person.sex == "M" else "M"
        age = max(22 if sex == "M" else 20, age_on(person.birth, day) + self.rng.randint(-6, 4))
        spouse = self.people.of_age(sex, day, age)
        return Couple(person, spouse, day) if person.sex == "M" else Couple(spouse, person, day)

    def _register(self, couple: Couple, booked: Counter[dt.date]) -> None:
        self._book(couple, booked, BOOKED_SHARE_RUSH if self._rush(couple.day) > 1.0 else BOOKED_SHARE)
        self._add(couple.day, Kind.REGISTER, couple)

    def _book(self, couple: Couple, booked: Counter[dt.date], share: float) -> bool:
        """Book the couple's day some days ahead (with ``share`` likelihood, while places are left)."""
        day = couple.day
        if self.rng.random() >= share or booked[day] >= self._capacity(day):
            return False
        couple.booked_on = self._pick(day - 10 * DAY, day - DAY)
        if couple.booked_on is None:
            return False
        booked[day] += 1
        couple.contact_phone = self.people.mobile()
        self._add(couple.booked_on, Kind.BOOK, couple)
        return True

    # -- reissues and corrections -----------------------------------------------------------------

    def _reissues(self, registered: list[tuple[DivorceCase, dt.date]], remarried: list[tuple[Couple, Couple]],
                  pool: list[HistoricalCouple]) -> None:
        again = {id(divorced) for _, divorced in remarried}
        divorced = [(case.couple, day) for case, day in registered
                    if id(case.couple) not in again and day <= dt.date(YEAR, 12, 15)]
        for couple, day in self.rng.sample(divorced, REISSUED_DIVORCE_CERTIFICATES):
            self._reissue(couple, day + 7 * DAY, "BL", "离婚证遗失")
        this_year = [s.subject for s in self.steps if s.kind is Kind.REGISTER and s.day.year == YEAR
                     and s.day <= dt.date(YEAR, 11, 30) and id(s.subject) not in again]
        for couple in self.rng.sample(this_year, REISSUED_THIS_YEAR):
            self._reissue(couple, couple.day + 14 * DAY, "BJ")
        for _ in range(REISSUED_FROM_ARCHIVE):
            self._reissue(self._from_archive(pool), self.import_day + DAY, "BJ")
        older = REPORT_2023.certificates_reissued - REISSUED_DIVORCE_CERTIFICATES - REISSUED_THIS_YEAR \
            - REISSUED_FROM_ARCHIVE
        for _ in range(older):
            day = self._pick(FIRST_DAY, LAST_WORKING_DAY)
            assert day is not None
            self._reissue(self._older_couple(day), day, "BJ")
        late = [(new, old) for new, old in remarried if new.day <= dt.date(YEAR, 12, 15)]
        for new, old in self.rng.sample(late, RECORD_CERTIFICATES):
            self._reissue(old, new.day + 7 * DAY, "ZM", "结婚证遗失（再婚后申请补领原结婚证）")

    def _reissue(self, couple: Couple, earliest: dt.date, expect: str, ground: str = "") -> None:
        day = self._pick(earliest, LAST_WORKING_DAY)
        assert day is not None
        grounds, weights = zip(*REISSUE_GROUNDS)
        # Husbands and wives apply in turn (by the step's place, so the plan draws nothing more).
        applicant = couple.man if len(self.steps) % 2 == 0 else couple.woman
        self._add(day, Kind.REISSUE, Reissue(couple, ground or self.rng.choices(grounds, weights)[0], expect,
                                             applicant))

    def _corrections(self, fixes: list[Fix]) -> None:
        for fix in fixes:
            proposed = self._pick(self.import_day + DAY, dt.date(YEAR, 12, 20))
            assert proposed is not None
            self._add(proposed, Kind.PROPOSE, fix)
            self._add(self._pick(proposed + DAY, proposed + 7 * DAY) or LAST_WORKING_DAY, Kind.APPROVE, fix)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
