"""The former townships' 1987–2003 registration archive, as the clerks typed it for 电子化: an archive
file for the historical import, with a known number of defective rows (瑕疵数据) and, for each, the
correction that puts it right once a second person approves it.

Every planted row shows exactly one defect that one field's correction removes; clean rows show
none, except the informational note on 15-digit ID numbers, which are common before 2000.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field

from servicekit.identifiers import resident_id_check_digit

from marriage.demo.people import PeopleBook, Person, adult_age, birth_for_age
from marriage.domain.eligibility import legal_age_at

FIRST_YEAR, LAST_YEAR = 1987, 2003
HEADER = ("证书编号", "登记日期", "类别", "男方姓名", "男方身份证号", "女方姓名", "女方身份证号", "登记机关")
COLUMNS = ("certificate_number", "register_date", "kind", "man_name", "man_id", "woman_name", "woman_id",
           "office_code")
MARRIAGE, DIVORCE = "结婚", "离婚"
DIVORCE_SHARE = 0.05  # of the archive's marriages, a divorce row some years later
ID15_SHARE = 0.6  # of rows before 2000 written with first-generation 15-digit numbers

# (defect code, field, weight, reason, evidence template): what was wrong, and the paper that shows it.
VARIANTS: tuple[tuple[str, str, int, str, str], ...] = (
    ("BAD_CHECK_DIGIT", "man_id", 11, "身份证号码校验位抄录错误，经核对原始档案更正", "原始档案{year}年结字第{serial}号卷"),
    ("BAD_CHECK_DIGIT", "woman_id", 11, "身份证号码校验位抄录错误，经核对原始档案更正", "原始档案{year}年结字第{serial}号卷"),
    ("MALFORMED_ID", "man_id", 7, "身份证号码抄录错漏，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("MALFORMED_ID", "woman_id", 7, "身份证号码抄录错漏，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("MISSING_FIELD", "man_name", 7, "电子化时姓名漏录，依原始档案补录", "原始档案{year}年结字第{serial}号卷"),
    ("MISSING_FIELD", "woman_name", 7, "电子化时姓名漏录，依原始档案补录", "原始档案{year}年结字第{serial}号卷"),
    ("IMPOSSIBLE_DATE", "register_date", 10, "登记日期抄录错误，依原始档案更正", "原始档案{year}年结字第{serial}号卷"),
    ("MISSING_FIELD", "register_date", 6, "登记日期漏录，依原始档案补录", "原始档案{year}年结字第{serial}号卷"),
    ("SEX_MISMATCH", "man_id", 4, "身份证号码性别位抄录错误，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("SEX_MISMATCH", "woman_id", 4, "身份证号码性别位抄录错误，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("BELOW_LEGAL_AGE_AT_TIME", "man_id", 4, "出生年份抄录错误致显示未达法定婚龄，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("BELOW_LEGAL_AGE_AT_TIME", "woman_id", 4, "出生年份抄录错误致显示未达法定婚龄，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("IMPOSSIBLE_DATE", "man_id", 4, "身份证号码中出生日期抄录错误，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("IMPOSSIBLE_DATE", "woman_id", 4, "身份证号码中出生日期抄录错误，依户籍证明更正", "赤公户证〔2023〕{n}号"),
    ("DUPLICATE_CERTIFICATE", "certificate_number", 10, "证书字号与他人重复（去重），依原始档案更正为本卷字号",
     "原始档案{year}年结字第{serial}号卷"),
)


@dataclass(frozen=True)
class Fix:
    """A planted defect and the correction that removes it."""

    row_number: int
    code: str
    field: str
    value: str
    reason: str
    evidence: str


@dataclass(eq=False)
class HistoricalCouple:
    """A clean archive marriage that stays registered: the demo's 2023 may divorce or reissue it."""

    certificate: str
    day: dt.date
    man: Person
    woman: Person


@dataclass
class Archive:
    data: bytes  # the CSV file, GB18030 as exported from the clerks' spreadsheets
    rows: int
    fixes: list[Fix] = field(default_factory=list)
    clean: list[HistoricalCouple] = field(default_factory=list)


@dataclass
class _Row:
    certificate: str
    day: dt.date
    kind: str
    man: Person
    woman: Person
    cells: dict[str, str] = field(default_factory=dict)  # the values as written, where they differ


class ArchiveBuilder:
    def __init__(self, rng: random.Random, people: PeopleBook, office: str, marriages: int,
                 defects: int) -> None:
        self._rng = rng
        self._people = people
        self._office = office
        self._marriages = marriages
        self._defects = defects
        self._serials: dict[tuple[str, int], int] = {}
        self._n = 0

    def build(self) -> Archive:
        rows: list[_Row] = []
        divorcing: set[int] = set()
        later: dict[int, list[tuple[dt.date, int, _Row]]] = {}  # divorces to come, by year
        for year, quota in self._quotas():
            days = sorted(dt.date(year, 1, 1) + dt.timedelta(days=self._rng.randrange(365))
                          for _ in range(quota))
            for day in days:
                row = self._marriage(day)
                rows.append(row)
                ends = day + dt.timedelta(days=self._rng.randrange(365, 12 * 365))
                if self._rng.random() < DIVORCE_SHARE and ends.year <= LAST_YEAR:
                    divorcing.add(id(row))
                    later.setdefault(ends.year, []).append((ends, len(rows), row))
            # Filed by year, then class: the year's divorces last, numbered in date order.
            for ends, _, married in sorted(later.pop(year, [])):
                rows.append(_Row(self._certificate(DIVORCE, year), ends, DIVORCE, married.man, married.woman))
        archive = Archive(b"", len(rows))
        self._plant(rows, divorcing, archive)
        archive.clean = [HistoricalCouple(r.certificate, r.day, r.man, r.woman) for r in rows
                         if r.kind == MARRIAGE and not r.cells and id(r) not in divorcing]
        archive.data = self._csv(rows)
        return archive

    def _quotas(self) -> list[tuple[int, int]]:
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        # The 1960s baby boom marries in the late 1980s.
        weights = [1.3 if year <= 1991 else 1.0 if year <= 1997 else 0.8 for year in years]
        quotas = [int(self._marriages * w / sum(weights)) for w in weights]
        quotas[0] += self._marriages - sum(quotas)
        return list(zip(years, quotas))

    def _certificate(self, kind: str, year: int) -> str:
        serial = self._serials[kind, year] = self._serials.get((kind, year), 0) + 1
        place = "赤" if year >= 1998 else "蒲"  # 蒲圻市 became 赤壁市 in 1998
        return f"鄂{place}{'婚' if kind == MARRIAGE else '离'}字({year})第{serial:06d}号"

    def _marriage(self, day: dt.date) -> _Row:
        man = self._people.of_age("M", day, adult_age(self._rng, "M", legal_age_at(day, "M") or 22))
        woman = self._people.of_age("F", day, adult_age(self._rng, "F", legal_age_at(day, "F") or 20))
        return _Row(self._certificate(MARRIAGE, day.year), day, MARRIAGE, man, woman)

    # -- defects ------------------------------------------------------------------------------

    def _plant(self, rows: list[_Row], divorcing: set[int], archive: Archive) -> None:
        eligible = [i for i, r in enumerate(rows) if r.kind == MARRIAGE and id(r) not in divorcing]
        chosen = sorted(self._rng.sample(eligible, self._defects))
        weights = [v[2] for v in VARIANTS]
        taken = set(chosen)
        for index in chosen:
            while True:
                code, field_name, _, reason, evidence = self._rng.choices(VARIANTS, weights)[0]
                value = self._planted(rows, index, taken, code, field_name)
                if value is not None:
                    break
            row = rows[index]
            self._n += 1
            serial = row.certificate[-7:-1].lstrip("0")
            archive.fixes.append(Fix(index + 1, code, field_name, value, reason,
                                     evidence.format(year=row.day.year, serial=serial, n=f"{self._n:04d}")))

    def _planted(self, rows: list[_Row], index: int, taken: set[int], code: str,
                 field_name: str) -> str | None:
        """Write the row wrong in one field; returns the right value, None when it cannot be done here."""
        row = rows[index]
        if field_name in ("man_id", "woman_id"):
            person = row.man if field_name == "man_id" else row.woman
            wrong = self._wrong_id(person, row.day, code)
            if wrong is None:
                return None
            row.cells[field_name] = wrong
            return person.id_number
        if field_name in ("man_name", "woman_name"):
            row.cells[field_name] = ""
            return (row.man if field_name == "man_name" else row.woman).name
        if field_name == "register_date":
            row.cells[field_name] = "" if code == "MISSING_FIELD" else self._impossible_day(row.day)
            return row.day.isoformat()
        # The number of an earlier clean marriage of the same year, copied twice.
        for _ in range(20 if index else 0):
            other = index - 1 - self._rng.randrange(min(index, 400))
            if other >= 0 and other not in taken and rows[other].kind == MARRIAGE \
                    and rows[other].day.year == row.day.year:
                row.cells["certificate_number"] = rows[other].certificate
                return row.certificate
        return None

    def _impossible_day(self, day: dt.date) -> str:
        return self._rng.choice((f"{day.year}-02-30", f"{day.year}-{day.month:02d}-32",
                                 f"{day.year}年13月{day.day}日", f"{day.year}-06-31"))

    def _wrong_id(self, person: Person, day: dt.date, code: str) -> str | None:
        number = person.id_number
        if code == "BAD_CHECK_DIGIT":
            return number[:17] + self._rng.choice([c for c in "0123456789X" if c != number[17]])
        if code == "MALFORMED_ID":
            at = self._rng.randrange(6, 17)
            dropped, replaced = number[:at] + number[at + 1:], number[:at] + "O" + number[at + 1:]
            return self._rng.choice((dropped, number + "1", replaced))
        if code == "SEX_MISMATCH":
            first17 = number[:16] + str(int(number[16]) ^ 1)
        elif code == "BELOW_LEGAL_AGE_AT_TIME":
            minimum = legal_age_at(day, person.sex) or 20
            young = birth_for_age(self._rng, day, minimum - 1 - self._rng.randrange(3))
            first17 = f"{number[:6]}{young:%Y%m%d}{number[14:17]}"
        else:  # IMPOSSIBLE_DATE: a birth date that does not exist
            month_day = self._rng.choice(("0230", "0231", "1301", "0632"))
            first17 = f"{number[:6]}{person.birth.year}{month_day}{number[14:17]}"
        wrong = first17 + resident_id_check_digit(first17)
        return wrong if self._people.reserve(wrong) else None

    # -- the file -------------------------------------------------------------------------------

    def _csv(self, rows: list[_Row]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in rows:
            values = {"certificate_number": row.certificate, "register_date": self._date_text(row.day),
                      "kind": row.kind, "man_name": row.man.name, "man_id": self._id_text(row.man, row.day),
                      "woman_name": row.woman.name, "woman_id": self._id_text(row.woman, row.day),
                      "office_code": self._office, **row.cells}
            writer.writerow([values[name] for name in COLUMNS])
        return out.getvalue().encode("gb18030")

    def _date_text(self, day: dt.date) -> str:
        pick = self._rng.random()
        if pick < 0.6:
            return day.isoformat()
        if pick < 0.8:
            return f"{day.year}年{day.month}月{day.day}日"
        if pick < 0.9:
            return f"{day.year}/{day.month}/{day.day}"
        return f"{day:%Y%m%d}"

    def _id_text(self, person: Person, day: dt.date) -> str:
        if day.year < 2000 and self._rng.random() < ID15_SHARE:
            return person.id_15()
        return person.id_number


def build_archive(rng: random.Random, people: PeopleBook, office: str, marriages: int,
                  defects: int) -> Archive:
    return ArchiveBuilder(rng, people, office, marriages, defects).build()
