"""Checks of historical archive rows (补录 of 1950–2003 paper records, MZ/T 113-2018; rules.md §1.8).

Defects are flags on a row (瑕疵数据), never a reason to drop it. ``validate_row`` looks at one row;
``DuplicateTracker`` looks across rows: duplicates as rows stream in, overlapping marriages once all
rows are seen (archives are filed by year, then class, so a divorce may come after a remarriage).
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

from servicekit.errors import DomainError
from servicekit.identifiers import age_on, parse_resident_id, resident_id_check_digit, upgrade_15_digit

from marriage.domain.eligibility import legal_age_at
from marriage.domain.parties import Sex

_DATE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))")
_ID15 = re.compile(r"\d{15}")
_ID18 = re.compile(r"\d{17}[\dX]")
_FIELD_LABELS = {
    "certificate_number": "证书字号", "register_date": "登记日期", "kind": "登记类别",
    "man_id": "男方身份证号码", "man_name": "男方姓名",
    "woman_id": "女方身份证号码", "woman_name": "女方姓名", "office_code": "登记机关代码",
}
INFORMATIONAL = frozenset({"ID_UPGRADED_15"})


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
        for f in fields(self):  # blank cells are missing values
            object.__setattr__(self, f.name, getattr(self, f.name).strip())

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ArchiveRow:
        """From a CSV/JSON/XLSX row; XLSX cells may hold dates, absent cells ``None``."""
        def text(value: object) -> str:
            if isinstance(value, dt.datetime):
                value = value.date()
            return value.isoformat() if isinstance(value, dt.date) else str(value or "")
        return cls(**{f.name: text(data.get(f.name)) for f in fields(cls)})


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
    return _KINDS.get(raw.strip().lower())


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


def canonical_id(raw: str) -> tuple[str | None, str | None]:
    """(18-character number, defect code): 15-digit numbers upgraded, a wrong check character
    replaced so the person is still recognised; no number when it is not shaped like an ID."""
    text = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if _ID15.fullmatch(text):
        return upgrade_15_digit(text), "ID_UPGRADED_15"
    if not _ID18.fullmatch(text):
        return None, "MALFORMED_ID"
    check = resident_id_check_digit(text[:17])
    return text[:17] + check, (None if check == text[17] else "BAD_CHECK_DIGIT")


_ID_MESSAGES = {
    "ID_UPGRADED_15": "15位身份证号码已升级为18位",
    "BAD_CHECK_DIGIT": "身份证号码校验位错误",
    "MALFORMED_ID": "身份证号码应为15位或18位",
}


def _party_defects(field: str, raw: str, sex: Sex, register_date: dt.date | None, kind: ArchiveKind | None,
                   today: dt.date) -> list[Defect]:
    number, code = canonical_id(raw)
    defects = [Defect(code, field, _ID_MESSAGES[code])] if code else []
    if number is None:
        return defects
    try:
        resident = parse_resident_id(number, field, today=today)
    except DomainError:  # shape and check are right by now: only the birth date can be wrong
        return [*defects, Defect("IMPOSSIBLE_DATE", field, "身份证号码中的出生日期不存在或晚于今天")]
    if resident.sex != sex:
        defects.append(Defect("SEX_MISMATCH", field, "身份证号码的性别位与男方/女方栏目不符"))
    if register_date is None:
        return defects
    if resident.birth_date > register_date:
        return [*defects, Defect("IMPOSSIBLE_DATE", field, "出生日期晚于登记日期")]
    minimum = legal_age_at(register_date, sex)
    if kind is not ArchiveKind.MARRIAGE or minimum is None:
        return defects
    if age_on(resident.birth_date, register_date) < minimum:
        defects.append(Defect("BELOW_LEGAL_AGE_AT_TIME", field, f"登记时未达当时法定婚龄{minimum}周岁"))
    return defects


def validate_row(row: ArchiveRow, today: dt.date) -> list[Defect]:
    """Every defect of one row; an empty list for a clean row."""
    defects = [Defect("MISSING_FIELD", name, f"缺少{label}") for name, label in _FIELD_LABELS.items()
               if not getattr(row, name)]
    kind = archive_kind(row.kind) if row.kind else None
    if row.kind and kind is None:
        defects.append(Defect("INVALID_VALUE", "kind", "登记类别应为结婚或离婚"))
    register_date = parse_archive_date(row.register_date) if row.register_date else None
    if row.register_date and (register_date is None or register_date > today):
        defects.append(Defect("IMPOSSIBLE_DATE", "register_date", "登记日期不存在或晚于今天"))
        register_date = None
    if row.man_id:
        defects.extend(_party_defects("man_id", row.man_id, "M", register_date, kind, today))
    if row.woman_id:
        defects.extend(_party_defects("woman_id", row.woman_id, "F", register_date, kind, today))
    return defects


def _digest(text: str) -> int:
    """64-bit key: rows are held as hashes, not as strings, so a million rows fit in little memory."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


class DuplicateTracker:
    """Cross-row checks of one import. Memory per row: two 64-bit hashes in sets, ~40 bytes in arrays."""

    _BUCKETS = 256

    def __init__(self) -> None:
        self._certificates: set[int] = set()
        self._couple_dates: set[int] = set()
        self._rows = array("Q")  # per marriage/divorce with both parties known: row number
        self._dates = array("i")  # date ordinal
        self._kinds = array("b")  # 0 divorce, 1 marriage: a same-day divorce ends before a remarriage
        self._people = array("Q")  # man, woman hashes at 2i, 2i+1
        self._buckets = [array("I") for _ in range(self._BUCKETS)]  # entry 2i+side, by person hash

    def observe(self, row_no: int, row: ArchiveRow) -> list[Defect]:
        """Defects of ``row`` as a repeat of an earlier row (a repeated certificate is reported alone)."""
        if row.certificate_number and not self._first(self._certificates,
                                                       f"{row.office_code}|{row.certificate_number.upper()}"):
            return [Defect("DUPLICATE_CERTIFICATE", "certificate_number", "证书字号与已导入的记录重复")]
        man, _ = canonical_id(row.man_id)
        woman, _ = canonical_id(row.woman_id)
        day = parse_archive_date(row.register_date)
        kind = archive_kind(row.kind)
        if man is None or woman is None or day is None or kind is None:
            return []
        if not self._first(self._couple_dates, f"{kind}|{man}|{woman}|{day}"):
            return [Defect("DUPLICATE_COUPLE_DATE", "register_date", "同一双方同一日期的登记记录重复")]
        self._remember(row_no, _digest(man), _digest(woman), day, kind)
        return []

    @staticmethod
    def _first(seen: set[int], key: str) -> bool:
        digest = _digest(key)
        if digest in seen:
            return False
        seen.add(digest)
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
