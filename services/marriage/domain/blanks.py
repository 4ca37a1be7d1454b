"""Blank certificate booklets (空白证书, rules.md §1.5a): controlled stationery, accounted for one by one.

结婚证 and 离婚证 are printed on pre-printed booklets, each with its own printed serial (印制号). A
registry receives them into stock by range, uses each for one printed certificate, or voids it when
spoiled (misprint, jam, stain) with a reason; a spoiled blank is recorded, never reused. A printed
certificate found spoiled afterwards voids its blank too: the record keeps its 字号 and is printed
again on another blank.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from servicekit.errors import invalid, precondition

from marriage.domain.certificates import CertificateKind, parse_certificate_number

MAX_RECEIPT = 5_000
# A 结婚证 or 离婚证 is issued in two booklets under one 字号, one to each party: a number stands on
# at most two used blanks at a time (copies 1 and 2).
COPIES = (1, 2)
_SERIAL = re.compile(r"([A-Z]{0,4})(\d{6,12})")
_RECORD_CERTIFICATE = "ZM"  # 婚姻登记记录证明: printed on plain paper, never on a blank


class BlankKind(StrEnum):
    MARRIAGE = "MARRIAGE"  # 结婚证 blanks: J… and BJ… documents
    DIVORCE = "DIVORCE"  # 离婚证 blanks: L… and BL… documents

    @property
    def label(self) -> str:
        return "结婚证" if self is BlankKind.MARRIAGE else "离婚证"


class BlankState(StrEnum):
    IN_STOCK = "IN_STOCK"
    USED = "USED"
    VOIDED = "VOIDED"


_DOCUMENT_BLANKS = {
    CertificateKind.MARRIAGE: BlankKind.MARRIAGE, CertificateKind.MARRIAGE_REISSUED: BlankKind.MARRIAGE,
    CertificateKind.DIVORCE: BlankKind.DIVORCE, CertificateKind.DIVORCE_REISSUED: BlankKind.DIVORCE,
}


def normalise_serial(text: str) -> str:
    """Full-width characters, spaces and case as typed at a window → the printed form."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def parse_serial(text: str, field_name: str = "serial") -> str:
    """A blank's printed serial (印制号): up to four capital letters, then 6 to 12 digits."""
    serial = normalise_serial(text)
    if not _SERIAL.fullmatch(serial):
        shown = text.strip() or "（空）"
        raise invalid("INVALID_BLANK_SERIAL", f"印制号 {shown} 格式应为 0–4 位字母加 6–12 位数字，如 AB00012345",
                      field_name)
    return serial


def serial_range(first_text: str, last_text: str) -> list[str]:
    """Every serial of a received range, first to last inclusive (at most MAX_RECEIPT)."""
    first, last = parse_serial(first_text, "first_serial"), parse_serial(last_text, "last_serial")
    prefix, digits = _SERIAL.fullmatch(first).groups()  # type: ignore[union-attr]
    last_prefix, last_digits = _SERIAL.fullmatch(last).groups()  # type: ignore[union-attr]
    if prefix != last_prefix or len(digits) != len(last_digits) or int(last_digits) < int(digits):
        raise invalid("INVALID_BLANK_RANGE",
                      f"印制号区间 {first}–{last} 无效：起止号须字头相同、位数相同，且止号不小于起号", "last_serial")
    count = int(last_digits) - int(digits) + 1
    if count > MAX_RECEIPT:
        raise invalid("BLANK_RANGE_TOO_LARGE", f"一次最多入库 {MAX_RECEIPT} 本空白证书，此区间有 {count} 本",
                      "last_serial", count=str(count))
    width = len(digits)
    return [f"{prefix}{n:0{width}d}" for n in range(int(digits), int(last_digits) + 1)]


def blank_kind_for(document_number: str, field_name: str = "document_number") -> BlankKind:
    """The blank a document is printed on: J/BJ on 结婚证 blanks, L/BL on 离婚证 blanks."""
    if normalise_serial(document_number).startswith(_RECORD_CERTIFICATE):
        raise precondition("BLANK_KIND_MISMATCH", "婚姻登记记录证明不使用空白证书打印",
                           document_number=document_number.strip())
    return _DOCUMENT_BLANKS[parse_certificate_number(document_number, field_name).kind]


@dataclass
class CertificateBlank:
    kind: BlankKind
    serial: str
    office_code: str
    received_on: dt.date
    state: BlankState = BlankState.IN_STOCK
    document_number: str = ""
    marriage_id: str = ""  # the record whose certificate was printed on it
    used_on: dt.date | None = None
    voided_on: dt.date | None = None
    void_reason: str = ""
    copy: int | None = None  # which of the number's two booklets (COPIES) it was used as

    @property
    def label(self) -> str:
        return f"{self.kind.label}空白证书 {self.serial}"

    def use(self, document_number: str, on: dt.date, marriage_id: str = "",
            printed_on: Sequence[CertificateBlank] = ()) -> None:
        """Print ``document_number`` (a 字号 of record ``marriage_id``) on this blank; ``printed_on``
        are the blanks the number is printed on now. A number goes in two booklets, one for each
        party; a third would be a duplicate in circulation, so a spoiled one is voided first."""
        if self.state is BlankState.USED:
            raise precondition("BLANK_NOT_IN_STOCK", f"{self.label} 已用于打印 {self.document_number}，不能再用",
                               state=str(self.state), document_number=self.document_number)
        if self.state is BlankState.VOIDED:
            raise precondition("BLANK_NOT_IN_STOCK", f"{self.label} 已作废（{self.void_reason}），不能再用",
                               state=str(self.state))
        number = document_number.strip().upper()
        needed = blank_kind_for(number)
        if needed is not self.kind:
            raise precondition("BLANK_KIND_MISMATCH",
                               f"{number} 应打印在{needed.label}空白证书上，不能使用{self.label}",
                               blank_kind=str(self.kind), document_kind=str(needed))
        taken = {b.copy for b in printed_on if b.serial != self.serial}
        free = [copy for copy in COPIES if copy not in taken]
        if not free:
            serials = "、".join(sorted(b.serial for b in printed_on))
            raise precondition("DOCUMENT_ALREADY_ON_BLANK",
                               f"证书字号 {number} 已打印在两本空白证书上（印制号 {serials}，双方各一本）；"
                               "如需重新打印，请先将打印有误的一本作废（注明原因），再登记新的空白证书",
                               document_number=number, serials=serials)
        self.state, self.document_number, self.marriage_id, self.used_on = BlankState.USED, number, marriage_id, on
        self.copy = free[0]

    def void(self, reason: str, on: dt.date) -> None:
        """Spoiled in stock or once printed (the record's 字号 is printed again on another blank)."""
        if self.state is BlankState.VOIDED:
            raise precondition("BLANK_ALREADY_VOIDED", f"{self.label} 已于 {self.voided_on} 作废",
                               voided_on=str(self.voided_on))
        if not reason.strip():
            raise invalid("BLANK_VOID_REASON_REQUIRED", "作废空白证书须说明原因（如打印错误、卡纸、污损）", "reason")
        self.state, self.voided_on, self.void_reason = BlankState.VOIDED, on, reason.strip()
