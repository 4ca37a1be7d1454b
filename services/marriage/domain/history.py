"""Checks of historical archive rows (补录 of 1950–2003 paper records, MZ/T 113-2018; rules.md §1.8).

Defects are flags on a row (瑕疵数据), never a reason to drop it. ``validate_row`` looks at one row;
``DuplicateTracker`` looks across rows: duplicates as rows stream in, overlapping marriages once all
rows are seen (archives are filed by year, then class, so a divorce may come after a remarriage).

A million-row import reads each row's kind, date and ID numbers once (``row_facts``) and hands the
same ``RowFacts`` to the row checks (``check_row``), the tracker and the records it writes.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from hashlib import blake2b
from typing import NamedTuple

from servicekit.identifiers import age_on, birth_date_in, resident_id_check_digit, upgrade_15_digit

from marriage.domain.eligibility import legal_age_at
from marriage.domain.parties import Sex

# [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic ٣ survives NFKC), which the
# ID arithmetic rejects; such a cell is a malformed value to flag, not a reason to stop an import.
_DATE = re.compile(r"([0-9]{4})(?:[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?|([0-9]{2})([0-9]{2}))")
_ID15 = re.compile(r"[0-9]{15}")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
# An ID a spreadsheet stored as a number, as the sheet or a CSV saved from it shows it: 4.21281E+17.
_ID_AS_NUMBER = re.compile(r"[0-9](?:\.[0-9]*)?E\+?[0-9]{1,2}")
_FIELD_LABELS = {
    "certificate_number": "证书字号", "register_date": "登记日期", "kind": "登记类别",
    "man_id": "男方身份证号码", "man_name": "男方姓名",
    "woman_id": "女方身份证号码", "woman_name": "女方姓名", "office_code": "登记机关代码",
}
INFORMATIONAL = frozenset({"ID_UPGRADED_15"})
_new_object = object.__new__


class ArchiveKind(StrEnum):
    MARRIAGE = "marriage"
    DIVORCE = "divorce"


_KINDS = {"marriage": ArchiveKind.MARRIAGE, "结婚": ArchiveKind.MARRIAGE,
          "divorce": ArchiveKind.DIVORCE, "离婚": ArchiveKind.DIVORCE}


@dataclass(frozen=True)
class ArchiveRow:
    """One archive row as read from the file: raw text, checked by ``validate_row``."""

    certificate_number: str = ""
    register_date: str = ""
    kind: str = ""
    man_id: str = ""
    man_name: str = ""
    woman_id: str = ""
    woman_name: str = ""
    office_code: str = ""

    def __post_init__(self) -> None:
        values = self.__dict__  # frozen: set through the instance dict, as object.__setattr__ would
        for name in _ROW_FIELDS:  # blank cells are missing values
            values[name] = values[name].strip()

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ArchiveRow:
        """From a CSV/JSON/XLSX row; XLSX cells may hold dates, absent cells ``None``."""
        def text(value: object) -> str:
            if isinstance(value, dt.datetime):
                value = value.date()
            return value.isoformat() if isinstance(value, dt.date) else str(value or "")
        return cls(**{f.name: text(data.get(f.name)) for f in fields(cls)})

    @classmethod
    def from_texts(cls, values: list[str]) -> ArchiveRow:
        """``cls(*values)`` for exactly one text per field, in field order, made without the
        generated __init__ (the CSV reader makes a million of these)."""
        row = _new_object(cls)
        cells = row.__dict__  # frozen: set through the instance dict, as __post_init__ does
        (cells["certificate_number"], cells["register_date"], cells["kind"], cells["man_id"],
         cells["man_name"], cells["woman_id"], cells["woman_name"],
         cells["office_code"]) = [value.strip() for value in values]
        return row


_ROW_FIELDS = tuple(f.name for f in fields(ArchiveRow))
assert _ROW_FIELDS == ("certificate_number", "register_date", "kind", "man_id", "man_name", "woman_id",
                       "woman_name", "office_code"), "ArchiveRow.from_texts lists the fields in this order"


@dataclass(frozen=True)
class Defect:
    code: str
    field: str
    message_zh: str

    @property
    def informational(self) -> bool:
        """Noted for the archive, but the row is still 合格."""
        return self.code in INFORMATIONAL


def archive_kind(raw: str) -> ArchiveKind | None:
    return _KINDS.get(raw) or _KINDS.get(raw.strip().lower())


def parse_archive_date(raw: str) -> dt.date | None:
    """``1975-02-03``, ``1975/2/3``, ``1975.2.3``, ``1975年2月3日`` or ``19750203``; None if no such day."""
    match = _DATE.fullmatch("".join(raw.split()))
    if match is None:
        return None
    year, month, day = match[1], match[2] or match[4], match[3] or match[5]
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


# Days repeat across a million rows (a few tens of thousands of distinct values): each is parsed
# once. A plain dict of strings and dates is never tracked by the garbage collector (an lru_cache
# is, node by node: each full collection would walk it).
_DAYS: dict[str, dt.date | None] = {}
_DAYS_KEPT = 1 << 17
_UNSEEN = object()
_ID_LAST = frozenset("0123456789Xx")


def parse_day(raw: str) -> dt.date | None:
    """``parse_archive_date``, remembered."""
    day = _DAYS.get(raw, _UNSEEN)
    if day is _UNSEEN:
        day = parse_archive_date(raw)
        if len(_DAYS) < _DAYS_KEPT:
            _DAYS[raw] = day
    return day


def canonical_id(raw: str) -> tuple[str | None, str | None]:
    """(18-character number, defect code): 15-digit numbers upgraded, a wrong check character
    replaced so the person is still recognised; no number when it is not shaped like an ID."""
    if len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in _ID_LAST:
        # As typed at a keyboard (most rows): nothing for NFKC, split or upper to change but an x.
        text = raw if raw[17] != "x" else raw.upper()
        check = resident_id_check_digit(text[:17])
        if check == text[17]:
            return text, None
        return text[:17] + check, "BAD_CHECK_DIGIT"
    text = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if _ID15.fullmatch(text):
        return upgrade_15_digit(text), "ID_UPGRADED_15"
    if not _ID18.fullmatch(text):  # the common case first: an import checks millions of these
        return None, "ID_STORED_AS_NUMBER" if _ID_AS_NUMBER.fullmatch(text) else "MALFORMED_ID"
    check = resident_id_check_digit(text[:17])
    return text[:17] + check, (None if check == text[17] else "BAD_CHECK_DIGIT")


_ID_MESSAGES = {
    "ID_UPGRADED_15": "15位身份证号码已升级为18位",
    "BAD_CHECK_DIGIT": "身份证号码校验位错误",
    "MALFORMED_ID": "身份证号码应为15位或18位",
    "ID_STORED_AS_NUMBER": "身份证号码在表格中被存成了数字（科学计数法），后几位已丢失，须按原件更正",
}


class RowFacts(NamedTuple):
    """What the checks read from one row, parsed once: the kind, the date as written (it may lie
    after today), and each ID number's ``canonical_id`` (None and no code for a blank cell)."""

    kind: ArchiveKind | None
    day: dt.date | None
    man: str | None
    man_code: str | None
    woman: str | None
    woman_code: str | None


def row_facts(row: ArchiveRow) -> RowFacts:
    man, man_code = canonical_id(row.man_id) if row.man_id else (None, None)
    woman, woman_code = canonical_id(row.woman_id) if row.woman_id else (None, None)
    return RowFacts(archive_kind(row.kind) if row.kind else None,
                    parse_day(row.register_date) if row.register_date else None,
                    man, man_code, woman, woman_code)


def _party_defects(field: str, number: str | None, code: str | None, sex: Sex, register_date: dt.date | None,
                   kind: ArchiveKind | None, today: dt.date) -> list[Defect]:
    """Defects of one party's ID (its ``canonical_id``): what ``parse_resident_id`` would refuse in
    the canonical number — by now only its birth date can be wrong — and what its facts contradict."""
    defects = [Defect(code, field, _ID_MESSAGES[code])] if code else []
    if number is None:
        return defects
    born = birth_date_in(number, today)
    if born is None:
        return [*defects, Defect("IMPOSSIBLE_DATE", field, "身份证号码中的出生日期不存在或晚于今天")]
    if ("M" if number[16] in "13579" else "F") != sex:
        defects.append(Defect("SEX_MISMATCH", field, "身份证号码的性别位与男方/女方栏目不符"))
    if register_date is None:
        return defects
    if born > register_date:
        return [*defects, Defect("IMPOSSIBLE_DATE", field, "出生日期晚于登记日期")]
    minimum = legal_age_at(register_date, sex)
    if kind is not ArchiveKind.MARRIAGE or minimum is None:
        return defects
    if age_on(born, register_date) < minimum:
        defects.append(Defect("BELOW_LEGAL_AGE_AT_TIME", field, f"登记时未达当时法定婚龄{minimum}周岁"))
    return defects


def validate_row(row: ArchiveRow, today: dt.date) -> list[Defect]:
    """Every defect of one row; an empty list for a clean row."""
    return check_row(row, today)[0]


def check_row(row: ArchiveRow, today: dt.date) -> tuple[list[Defect], RowFacts]:
    """``validate_row``, and the row's facts for the checks across rows and the records."""
    facts = row_facts(row)
    if (row.certificate_number and row.register_date and row.kind and row.man_id and row.man_name
            and row.woman_id and row.woman_name and row.office_code):
        defects = []
    else:
        defects = [Defect("MISSING_FIELD", name, f"缺少{label}") for name, label in _FIELD_LABELS.items()
                   if not getattr(row, name)]
    kind = facts.kind
    if row.kind and kind is None:
        defects.append(Defect("INVALID_VALUE", "kind", "登记类别应为结婚或离婚"))
    register_date = facts.day
    if row.register_date and (register_date is None or register_date > today):
        defects.append(Defect("IMPOSSIBLE_DATE", "register_date", "登记日期不存在或晚于今天"))
        register_date = None
    if row.man_id:
        defects.extend(_party_defects("man_id", facts.man, facts.man_code, "M", register_date, kind, today))
    if row.woman_id:
        defects.extend(_party_defects("woman_id", facts.woman, facts.woman_code, "F", register_date, kind,
                                      today))
    return defects, facts


def _digest(text: str) -> int:
    """64-bit key: rows are held as hashes, not as strings, so a million rows fit in little memory."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


# The duplicates ``DuplicateTracker`` finds among an import's own rows, found against records already
# in the registry (an earlier import of the same or an overlapping archive, or a registration): by
# code, what the archive office is told.
EARLIER_DUPLICATES = {
    "DUPLICATE_CERTIFICATE": Defect("DUPLICATE_CERTIFICATE", "certificate_number",
                                    "证书字号与此前已补录（或已登记）的记录重复"),
    "DUPLICATE_COUPLE_DATE": Defect("DUPLICATE_COUPLE_DATE", "register_date",
                                    "同一双方同一日期的登记记录此前已补录（或已登记）"),
}


class DuplicateTracker:
    """Cross-row checks of one import. Memory per row: two 64-bit hashes, ~40 bytes in arrays.

    The sets hold the keys' ``hash()`` (SipHash, keyed per process: 64 bits, as a blake2b digest
    but far cheaper to get); people are kept by ``_digest``, which is the same in every process, so
    overlaps come out in the same order every time."""

    _BUCKETS = 256

    def __init__(self) -> None:
        # Key hashes seen, as dicts rather than sets: a dict holding only ints is never tracked by the
        # garbage collector, while every full collection would walk a set of a million entries.
        self._certificates: dict[int, None] = {}
        self._couple_dates: dict[int, None] = {}
        self._rows = array("Q")  # per marriage/divorce with both parties known: row number
        self._dates = array("i")  # date ordinal
        self._kinds = array("b")  # 0 divorce, 1 marriage: a same-day divorce ends before a remarriage
        self._people = array("Q")  # man, woman hashes at 2i, 2i+1
        self._buckets = [array("I") for _ in range(self._BUCKETS)]  # entry 2i+side, by person hash

    def observe(self, row_no: int, row: ArchiveRow, facts: RowFacts | None = None) -> list[Defect]:
        """Defects of ``row`` as a repeat of an earlier row (a repeated certificate is reported alone).
        ``facts``: the row's ``row_facts`` when the caller has them already."""
        if row.certificate_number and not self._first(self._certificates,
                                                       f"{row.office_code}|{row.certificate_number.upper()}"):
            return [Defect("DUPLICATE_CERTIFICATE", "certificate_number", "证书字号与已导入的记录重复")]
        kind, day, man, _, woman, _ = facts or row_facts(row)
        if man is None or woman is None or day is None or kind is None:
            return []
        if not self._first(self._couple_dates, f"{kind}|{man}|{woman}|{day}"):
            return [Defect("DUPLICATE_COUPLE_DATE", "register_date", "同一双方同一日期的登记记录重复")]
        self._remember(row_no, _digest(man), _digest(woman), day, kind)
        return []

    @staticmethod
    def _first(seen: dict[int, None], key: str) -> bool:
        digest = hash(key)  # only ever compared within this import, so the process's own str hash
        if digest in seen:
            return False
        seen[digest] = None
        return True

    def _remember(self, row_no: int, man: int, woman: int, day: dt.date, kind: ArchiveKind) -> None:
        entry = 2 * len(self._rows)
        self._rows.append(row_no)
        self._dates.append(day.toordinal())
        self._kinds.append(1 if kind is ArchiveKind.MARRIAGE else 0)
        self._people.extend((man, woman))
        self._buckets[man % self._BUCKETS].append(entry)
        self._buckets[woman % self._BUCKETS].append(entry + 1)

    def finish(self) -> Iterator[tuple[int, Defect]]:
        """(row number, defect) for each marriage of a person whose earlier marriage to someone
        else has no divorce row on or before its date."""
        for bucket in self._buckets:
            yield from self._overlaps(sorted(bucket, key=self._order))

    def _order(self, entry: int) -> tuple[int, int, int]:
        row = entry >> 1
        return self._people[entry], self._dates[row], self._kinds[row]

    def _overlaps(self, entries: list[int]) -> Iterator[tuple[int, Defect]]:
        person, open_spouses = -1, set()
        for entry in entries:
            if self._people[entry] != person:
                person, open_spouses = self._people[entry], set()
            row, spouse = entry >> 1, self._people[entry ^ 1]
            if not self._kinds[row]:
                open_spouses.discard(spouse)
                continue
            if open_spouses - {spouse}:
                field = "woman_id" if entry & 1 else "man_id"
                yield self._rows[row], Defect("OVERLAPPING_MARRIAGE", field,
                                              "此前的婚姻登记没有在该日期前解除的离婚记录")
            open_spouses.add(spouse)
