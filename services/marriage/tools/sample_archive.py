"""A realistic sample of paper-archive registrations (赤壁市/蒲圻市 office 421281, 1950–2003) with
planted defects of every kind, and a manifest of exactly which rows carry which defect.

    python -m marriage.tools.sample_archive --rows 10000 --seed 1 --out archive.csv \
        [--format csv|xlsx|jsonl] [--encoding gb18030|utf-8|utf-8-sig] [--headers zh|en] [--manifest FILE]

Rows come out as the archive is filed — by year, then class (marriages, then divorces) — and are
written as they are made: memory depends on the years covered, not on the number of rows. Couples
marry at plausible ages under the law then in force, some divorce years later and some of those
remarry. About one row in sixteen gets one planted defect, in turn through every kind the import
reports (``VARIANTS``); cross-row defects (duplicates, overlapping marriages) are planted only on
couples with no later history, so each planted defect is the only one its row shows.
"""
from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import heapq
import io
import json
import random
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from servicekit.identifiers import age_on, resident_id_check_digit

from marriage.domain.eligibility import legal_age_at

OFFICE = "421281"
FIRST_YEAR, LAST_YEAR = 1950, 2003
ARCHIVE_END = dt.date(LAST_YEAR, 12, 31)
FIELDS = ("certificate_number", "register_date", "kind", "man_name", "man_id", "woman_name", "woman_id",
          "office_code")
HEADERS = {"zh": ("证书编号", "登记日期", "类别", "男方姓名", "男方身份证号", "女方姓名", "女方身份证号", "登记机关"),
           "en": FIELDS}
MARRIAGE, DIVORCE = "结婚", "离婚"
PLANT_RATE = 1 / 16
REMARRIAGE_RATE = 0.08
# Counties of first registration (GB/T 2260, old codes included: the address part never changes).
# 422302 蒲圻市 became 421281 赤壁市 in 1998; 4223xx are the former 咸宁地区 counties.
ADDRESS_CYCLE = ("421281", "422302", "421281", "422301", "421281", "422302", "422322", "421281", "422324",
                 "422302", "421281", "422325", "421202", "422302", "422326", "421281", "421221", "422301",
                 "420106", "430682")
SURNAMES = ("刘王陈李张周胡余黄吴徐杨朱孙马郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹熊秦邱江雷龚万向汤")
MALE_NAMES = ("建国", "建华", "建军", "建平", "建新", "国强", "国华", "国平", "志强", "志明", "志刚", "德福", "德胜", "长庚", "水生", "金生",
              "卫东", "卫国", "红兵", "文华", "文斌", "海波", "海涛", "永红", "新民", "春生", "明", "伟", "强", "军", "斌", "磊", "涛",
              "鹏", "杰", "超", "勇", "刚", "平", "辉")
FEMALE_NAMES = ("秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "秀珍", "淑珍", "玉珍", "翠花", "冬梅", "红梅", "春梅", "小红", "丽华",
                "丽娟", "红霞", "海燕", "金凤", "菊香", "丽", "芳", "敏", "静", "燕", "霞", "娟", "艳", "萍", "玲", "红", "英",
                "华", "琴")

# Every defect kind the import reports, (code, field), planted in turn.
VARIANTS: tuple[tuple[str, str], ...] = (
    ("ID_UPGRADED_15", "man_id"), ("ID_UPGRADED_15", "woman_id"),
    ("BAD_CHECK_DIGIT", "man_id"), ("BAD_CHECK_DIGIT", "woman_id"),
    ("MALFORMED_ID", "man_id"), ("MALFORMED_ID", "woman_id"),
    ("IMPOSSIBLE_DATE", "register_date"), ("IMPOSSIBLE_DATE", "man_id"), ("IMPOSSIBLE_DATE", "woman_id"),
    ("SEX_MISMATCH", "man_id"), ("SEX_MISMATCH", "woman_id"),
    ("BELOW_LEGAL_AGE_AT_TIME", "man_id"), ("BELOW_LEGAL_AGE_AT_TIME", "woman_id"),
    *(("MISSING_FIELD", name) for name in FIELDS),
    ("INVALID_VALUE", "kind"),
    ("DUPLICATE_CERTIFICATE", "certificate_number"),
    ("DUPLICATE_COUPLE_DATE", "register_date"),
    ("OVERLAPPING_MARRIAGE", "man_id"), ("OVERLAPPING_MARRIAGE", "woman_id"),
    ("PARSE_ERROR", ""),
)
INFORMATIONAL = frozenset({"ID_UPGRADED_15"})


class Person(NamedTuple):
    id: str
    name: str
    sex: str
    birth: dt.date


@dataclass(frozen=True)
class SampleRow:
    """One archive row as written; ``register_date`` is a date (written as a spreadsheet date or one
    of the spellings clerks used) or text. ``garbled`` rows are written so they cannot be read."""

    values: dict[str, object]
    planted: tuple[tuple[str, str], ...] = ()
    garbled: bool = False


@dataclass
class _Couple:
    day: dt.date
    man: Person
    woman: Person
    row: SampleRow = field(repr=False)


class IdAllocator:
    """Resident ID numbers that never collide: per birth date and sex a running sequence number
    (the 17th digit's parity is the sex). Sequences 900–999 are set aside for numbers made wrong on
    purpose (e.g. a flipped sex digit), so a wrong number is never someone else's right one."""

    NORMAL, RESERVED = 450, 50  # sequence numbers 000–899 and 900–999, one parity each

    def __init__(self, seed: int = 0) -> None:
        self._used: Counter[tuple[str, str]] = Counter()
        # Samples of different seeds (several imported into one database) share few people.
        self._offset = (seed * 7919) % self.NORMAL

    def issue(self, date8: str, sex: str) -> str | None:
        n = self._used[date8, sex]
        if n >= self.NORMAL:
            return None
        self._used[date8, sex] += 1
        return _number(date8, (n + self._offset) % self.NORMAL, sex, 0)

    def reserved(self, date8: str, sex: str) -> str:
        k = self._used[date8, "reserved"]
        if k >= self.RESERVED:
            raise OverflowError(f"no reserved ID sequence left for {date8}")
        self._used[date8, "reserved"] += 1
        return _number(date8, (k + self._offset) % self.RESERVED, sex, 90)


def _number(date8: str, n: int, sex: str, hi_base: int) -> str:
    hi, lo = divmod(n, 5)
    first17 = f"{ADDRESS_CYCLE[n % len(ADDRESS_CYCLE)]}{date8}{hi_base + hi:02d}{2 * lo + (sex == 'M')}"
    return first17 + resident_id_check_digit(first17)


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


def _minimum_age(day: dt.date, sex: str) -> int:
    return legal_age_at(day, sex) or (20 if sex == "M" else 18)


def _birth_for_age(day: dt.date, age: int, days_before: int) -> dt.date:
    """A birth date giving exactly ``age`` full years on ``day`` (days_before < 365)."""
    year = day.year - age
    anniversary = day.replace(year=year) if (day.month, day.day) != (2, 29) else dt.date(year, 2, 28)
    return anniversary - dt.timedelta(days=days_before)


class ArchiveGenerator:
    def __init__(self, rows: int, seed: int) -> None:
        self.rows = rows
        self._rng = random.Random(seed)
        self._ids = IdAllocator(seed)
        self._serials: Counter[tuple[str, int]] = Counter()
        # Each seed is another volume of the archive: samples of different seeds imported into one
        # registry share no certificate numbers (a repeat of an earlier import is a defect).
        self._volume = seed
        self._divorces: list[tuple[dt.date, int, _Couple]] = []  # heap by divorce date
        self._single_again: list[tuple[dt.date, int, Person]] = []  # heap by when they may remarry
        self._quiet: deque[_Couple] = deque(maxlen=400)  # recent clean couples with no later history
        self._tick = 0
        self._variant = 0
        self.counts: Counter[str] = Counter()

    # -- the archive, year by year ------------------------------------------------------------

    def __iter__(self) -> Iterator[SampleRow]:
        for year, quota in zip(range(FIRST_YEAR, LAST_YEAR + 1), self._quotas()):
            yield from self._year(year, quota)

    def _quotas(self) -> list[int]:
        weights = [self._year_weight(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        quotas = [int(self.rows * w / sum(weights)) for w in weights]
        for i in range(self.rows - sum(quotas)):
            quotas[(i * 7) % len(quotas)] += 1
        return quotas

    @staticmethod
    def _year_weight(year: int) -> float:
        if year <= 1953:
            return 1.3  # the 1950 Marriage Law: many couples registered
        if 1959 <= year <= 1961:
            return 0.6
        if 1981 <= year <= 1990:
            return 1.5  # the 1960s baby boom marries
        return {True: 1.2, False: 0.9}[1991 <= year <= 1997]

    @staticmethod
    def _divorce_rate(year: int) -> float:
        return 0.03 if year < 1980 else 0.09 if year < 1990 else 0.12

    def _year(self, year: int, quota: int) -> Iterator[SampleRow]:
        due = []
        while self._divorces and self._divorces[0][0].year <= year:
            due.append(heapq.heappop(self._divorces))
        room = quota // 4
        for day, _, couple in due[room:]:  # the registry's year was full: filed the next year
            later = dt.date(year + 1, day.month, min(day.day, 28))
            if later <= ARCHIVE_END:
                self._push_divorce(later, couple)
        divorces = due[:room]
        days = sorted(dt.date(year, 1, 1) + dt.timedelta(days=self._rng.randrange(365))
                      for _ in range(quota - len(divorces)))
        for day in days:
            yield self._marriage_slot(day)
        for day, _, couple in divorces:
            yield self._divorce_row(day, couple)

    def _next(self) -> int:
        self._tick += 1
        return self._tick

    def _push_divorce(self, day: dt.date, couple: _Couple) -> None:
        heapq.heappush(self._divorces, (day, self._next(), couple))

    # -- people ---------------------------------------------------------------------------------

    def _name(self, sex: str) -> str:
        surname = SURNAMES[min(int(self._rng.expovariate(1 / 12)), len(SURNAMES) - 1)]
        return surname + self._rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)

    def _birth(self, day: dt.date, sex: str, age: int | None = None) -> dt.date:
        if age is None:
            spread = self._rng.expovariate(1 / (3 if sex == "M" else 2.5))
            age = _minimum_age(day, sex) + min(int(spread), 14)
        return _birth_for_age(day, age, self._rng.randrange(365))

    def _person(self, sex: str, birth: dt.date, step: int = -1) -> Person:
        """A new person born on ``birth`` (or a day further by ``step`` when that day is used up)."""
        while (number := self._ids.issue(f"{birth:%Y%m%d}", sex)) is None:
            birth += dt.timedelta(days=step)
        return Person(number, self._name(sex), sex, birth)

    def _fresh_couple(self, day: dt.date) -> tuple[Person, Person]:
        return self._person("M", self._birth(day, "M")), self._person("F", self._birth(day, "F"))

    def _certificate(self, kind: str, year: int) -> str:
        self._serials[kind, year] += 1
        place = "赤" if year >= 1999 else "蒲"
        return f"鄂{place}{'婚' if kind == MARRIAGE else '离'}字({year}){self._volume}卷第{self._serials[kind, year]:06d}号"

    # -- rows -------------------------------------------------------------------------------------

    def _date_text(self, day: dt.date) -> object:
        pick = self._rng.random()
        if pick < 0.7:
            return day
        if pick < 0.8:
            return f"{day.year}/{day.month}/{day.day}"
        if pick < 0.9:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day:%Y%m%d}"

    def _id_text(self, number: str) -> str:
        return number.lower() if number.endswith("X") and self._rng.random() < 0.2 else number

    def _row(self, day: dt.date, kind: str, man: Person, woman: Person, certificate: str) -> SampleRow:
        return SampleRow({
            "certificate_number": certificate, "register_date": self._date_text(day), "kind": kind,
            "man_name": man.name, "man_id": self._id_text(man.id), "woman_name": woman.name,
            "woman_id": self._id_text(woman.id), "office_code": OFFICE})

    def _divorce_row(self, day: dt.date, couple: _Couple) -> SampleRow:
        self.counts["divorce"] += 1
        for person in (couple.man, couple.woman):
            if self._rng.random() < 0.5:
                again = day + dt.timedelta(days=self._rng.randrange(180, 1800))
                heapq.heappush(self._single_again, (again, self._next(), person))
        return self._row(day, DIVORCE, couple.man, couple.woman, self._certificate(DIVORCE, day.year))

    def _marriage_slot(self, day: dt.date) -> SampleRow:
        if self._rng.random() < PLANT_RATE:
            for _ in range(len(VARIANTS)):
                code, field_name = VARIANTS[self._variant % len(VARIANTS)]
                self._variant += 1
                row = self._planted(day, code, field_name)
                if row is not None:
                    self.counts["planted"] += 1
                    return row
        return self._clean_marriage(day)

    def _clean_marriage(self, day: dt.date) -> SampleRow:
        self.counts["marriage"] += 1
        again = bool(self._single_again) and self._single_again[0][0] <= day \
            and self._rng.random() < REMARRIAGE_RATE
        if again:
            person = heapq.heappop(self._single_again)[2]
            other = "F" if person.sex == "M" else "M"
            spouse = self._person(other, self._birth(day, other))
            man, woman = (person, spouse) if person.sex == "M" else (spouse, person)
        else:
            man, woman = self._fresh_couple(day)
        row = self._row(day, MARRIAGE, man, woman, self._certificate(MARRIAGE, day.year))
        couple = _Couple(day, man, woman, row)
        if self._rng.random() < self._divorce_rate(day.year):
            ends = day + dt.timedelta(days=self._rng.randrange(365, 20 * 365))
            if ends <= ARCHIVE_END:
                self._push_divorce(ends, couple)
                return row
        if not again:
            self._quiet.append(couple)
        return row

    # -- planted defects --------------------------------------------------------------------------

    def _planted(self, day: dt.date, code: str, field_name: str) -> SampleRow | None:
        """A row carrying exactly the defect (code, field), or None when it cannot be planted here."""
        builder = getattr(self, f"_plant_{code.lower()}")
        row = builder(day, field_name)
        if row is None:
            return None
        self.counts["marriage"] += 1
        return replace(row, planted=((code, field_name),))

    def _fresh_row(self, day: dt.date, man: Person | None = None, woman: Person | None = None) -> SampleRow:
        fresh_man, fresh_woman = self._fresh_couple(day)
        return self._row(day, MARRIAGE, man or fresh_man, woman or fresh_woman,
                         self._certificate(MARRIAGE, day.year))

    def _with(self, row: SampleRow, **values: object) -> SampleRow:
        return replace(row, values={**row.values, **values})

    def _plant_id_upgraded_15(self, day: dt.date, side: str) -> SampleRow:
        row = self._fresh_row(day)
        number = str(row.values[side]).upper()
        return self._with(row, **{side: number[:6] + number[8:17]})

    def _plant_bad_check_digit(self, day: dt.date, side: str) -> SampleRow:
        row = self._fresh_row(day)
        number = str(row.values[side]).upper()
        wrong = self._rng.choice([c for c in "0123456789X" if c != number[17]])
        return self._with(row, **{side: number[:17] + wrong})

    def _plant_malformed_id(self, day: dt.date, side: str) -> SampleRow:
        row = self._fresh_row(day)
        number = str(row.values[side]).upper()
        at = self._rng.randrange(6, 17)
        broken = (number[:at] + number[at + 1:], number[:at] + "O" + number[at + 1:], number + "1")
        return self._with(row, **{side: self._rng.choice(broken)})

    def _plant_impossible_date(self, day: dt.date, target: str) -> SampleRow | None:
        row = self._fresh_row(day)
        if target == "register_date":
            bad = self._rng.choice((f"{day.year}-02-30", f"{day.year}-13-0{day.month % 9 + 1}",
                                    f"{day.year}年{day.month}月32日", f"{day.year + 1000}-{day.month:02d}-01"))
            return self._with(row, register_date=bad)
        sex = "M" if target == "man_id" else "F"
        if self._rng.random() < 0.5:  # a birth date that does not exist
            birth = self._birth(day, sex)
            date8 = f"{birth.year}{self._rng.choice(('0230', '0231', '1301', '0632'))}"
            number = self._ids.issue(date8, sex)
        else:  # born after the registration
            later = day + dt.timedelta(days=self._rng.randrange(1, 400))
            number = self._person(sex, later, step=1).id
        return None if number is None else self._with(row, **{target: number})

    def _plant_sex_mismatch(self, day: dt.date, side: str) -> SampleRow:
        row = self._fresh_row(day)
        sex = "M" if side == "man_id" else "F"
        number = self._ids.reserved(f"{self._birth(day, sex):%Y%m%d}", sex)
        flipped = number[:16] + str(int(number[16]) ^ 1)
        return self._with(row, **{side: _with_check(flipped)})

    def _plant_below_legal_age_at_time(self, day: dt.date, side: str) -> SampleRow | None:
        sex = "M" if side == "man_id" else "F"
        minimum = legal_age_at(day, sex)
        if minimum is None:
            return None
        young = self._person(sex, self._birth(day, sex, age=minimum - 1 - self._rng.randrange(2)), step=1)
        return self._fresh_row(day, **{"man" if sex == "M" else "woman": young})

    def _plant_missing_field(self, day: dt.date, name: str) -> SampleRow:
        return self._with(self._fresh_row(day), **{name: ""})

    def _plant_invalid_value(self, day: dt.date, _: str) -> SampleRow:
        return self._with(self._fresh_row(day), kind=self._rng.choice(("复婚", "补办", "再婚")))

    def _plant_duplicate_certificate(self, day: dt.date, _: str) -> SampleRow | None:
        if not self._quiet:
            return None
        earlier = self._quiet.popleft()
        return self._with(self._fresh_row(day), certificate_number=earlier.row.values["certificate_number"])

    def _plant_duplicate_couple_date(self, day: dt.date, _: str) -> SampleRow | None:
        if not self._quiet:
            return None
        earlier = self._quiet.popleft()
        return self._with(earlier.row, certificate_number=self._certificate(MARRIAGE, earlier.day.year))

    def _plant_overlapping_marriage(self, day: dt.date, side: str) -> SampleRow | None:
        if not self._quiet or self._quiet[0].day >= day:
            return None
        person = self._quiet[0].man if side == "man_id" else self._quiet[0].woman
        if age_on(person.birth, day) < _minimum_age(day, person.sex):  # e.g. 20 in 1980, 21 in 1981
            return None
        self._quiet.popleft()
        return self._fresh_row(day, **{"man" if side == "man_id" else "woman": person})

    def _plant_parse_error(self, day: dt.date, _: str) -> SampleRow:
        return replace(self._fresh_row(day), garbled=True)


# -- writers -----------------------------------------------------------------------------------------

def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class _CsvWriter:
    """Garbled rows alternate: an extra column (a note typed in the wrong place), or a stray byte
    that is valid in neither encoding, just before the office code — never in the first rows, where
    an importer detecting the encoding would take it for a sign of GB18030."""

    CLEAN_START = 2000

    def __init__(self, path: Path, encoding: str, headers: tuple[str, ...]) -> None:
        self._file = path.open("wb")
        self._encoder = codecs.getincrementalencoder(encoding)()  # a BOM (utf-8-sig) once, at the start
        self._line = io.StringIO()
        self._csv = csv.writer(self._line, lineterminator="\r\n")
        self._garbled = self._rows = 0
        self._write(list(headers))

    def _format(self, cells: list[str]) -> str:
        self._line.seek(0)
        self._line.truncate()
        self._csv.writerow(cells)
        return self._line.getvalue()

    def _write(self, cells: list[str]) -> None:
        self._file.write(self._encoder.encode(self._format(cells)))

    def write(self, row: SampleRow) -> None:
        cells = [_text(row.values[name]) for name in FIELDS]
        self._rows += 1
        if not row.garbled:
            self._write(cells)
            return
        self._garbled += 1
        if self._garbled % 2 or self._rows <= self.CLEAN_START:
            self._write([*cells, "见原件备注"])
            return
        head, _, tail = self._format(cells[:-1] + ["\x00"]).partition("\x00")
        self._file.write(self._encoder.encode(head) + b"\xff" + self._encoder.encode(cells[-1] + tail))

    def close(self) -> None:
        self._file.close()


class _JsonLinesWriter:
    """Garbled rows are cut short (an unfinished JSON object)."""

    def __init__(self, path: Path, encoding: str, headers: tuple[str, ...]) -> None:
        self._file = path.open("w", encoding=encoding, newline="\n")
        self._keys = headers

    def write(self, row: SampleRow) -> None:
        line = json.dumps({key: _text(row.values[name]) for key, name in zip(self._keys, FIELDS)},
                          ensure_ascii=False)
        self._file.write((line[:-1] if row.garbled else line) + "\n")

    def close(self) -> None:
        self._file.close()


class _XlsxWriter:
    """Dates as spreadsheet dates, ID numbers as text; garbled rows have a cell beyond the header."""

    def __init__(self, path: Path, encoding: str, headers: tuple[str, ...]) -> None:
        import openpyxl

        self._path = path
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet("婚姻登记档案")
        self._sheet.append(list(headers))

    def write(self, row: SampleRow) -> None:
        cells = [row.values[name] for name in FIELDS]
        self._sheet.append([*cells, "见原件备注"] if row.garbled else cells)

    def close(self) -> None:
        self._book.save(self._path)


WRITERS = {"csv": _CsvWriter, "jsonl": _JsonLinesWriter, "xlsx": _XlsxWriter}


def write_sample(out: Path, rows: int, seed: int, fmt: str = "csv", encoding: str = "gb18030",
                 headers: str = "zh", manifest: Path | None = None) -> dict:
    """Write the archive file and its manifest; returns the manifest without the defect list."""
    manifest = manifest or out.with_name(out.name + ".manifest.json")
    generator = ArchiveGenerator(rows, seed)
    writer = WRITERS[fmt](out, encoding, HEADERS[headers])
    codes: Counter[str] = Counter()
    defective = unreadable = 0
    with manifest.open("w", encoding="utf-8") as listing:
        listing.write('{"defects": [')
        first = True
        for number, row in enumerate(generator, start=1):
            writer.write(row)
            for code, field_name in row.planted:
                listing.write(("" if first else ",") + "\n  " + json.dumps(
                    {"row": number, "code": code, "field": field_name}, ensure_ascii=False))
                first = False
                codes[code] += 1
            defective += any(code not in INFORMATIONAL for code, _ in row.planted)
            unreadable += row.garbled
        writer.close()
        summary = {"rows": rows, "seed": seed, "format": fmt, "encoding": encoding, "headers": headers,
                   "office_code": OFFICE, "rows_with_defects": defective, "rows_unreadable": unreadable,
                   "counts": dict(sorted(codes.items())), "marriages": generator.counts["marriage"],
                   "divorces": generator.counts["divorce"]}
        listing.write("\n], " + json.dumps(summary, ensure_ascii=False)[1:] + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m marriage.tools.sample_archive",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=sorted(WRITERS), default=None,
                        help="default: from the --out extension, else csv")
    parser.add_argument("--encoding", choices=("gb18030", "utf-8", "utf-8-sig"), default="gb18030",
                        help="CSV and JSON lines (XLSX is always UTF-8 inside)")
    parser.add_argument("--headers", choices=sorted(HEADERS), default="zh")
    parser.add_argument("--manifest", type=Path, default=None, help="default: OUT.manifest.json")
    args = parser.parse_args(argv)
    fmt = args.format or {".xlsx": "xlsx", ".jsonl": "jsonl"}.get(args.out.suffix.lower(), "csv")
    summary = write_sample(args.out, args.rows, args.seed, fmt, args.encoding, args.headers, args.manifest)
    print(json.dumps(summary, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
