"""Certificate numbers (字号, rules.md §1.5a) and what a reissue request yields (§1.6)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from servicekit.errors import exhausted, invalid, precondition

MAX_SERIAL = 999_999
_NUMBER = re.compile(r"(BJ|BL|J|L)(\d{6})-(\d{4})-(\d{6})")


class CertificateKind(StrEnum):
    MARRIAGE = "J"
    DIVORCE = "L"
    MARRIAGE_REISSUED = "BJ"
    DIVORCE_REISSUED = "BL"

    def reissued(self) -> CertificateKind:
        """The kind printed on a replacement for a certificate of this kind."""
        return CertificateKind("B" + self.value[-1])


@dataclass(frozen=True)
class CertificateNumber:
    kind: CertificateKind
    office_code: str
    year: int
    serial: int

    def __str__(self) -> str:
        return format_certificate_number(self.kind, self.office_code, self.year, self.serial)


def format_certificate_number(kind: CertificateKind, office_code: str, year: int, serial: int) -> str:
    """``J421281-2023-000123``: kind, registry division code, year, serial within office and year."""
    if serial > MAX_SERIAL:
        raise exhausted("CERTIFICATE_SERIALS_EXHAUSTED", f"{office_code} 在 {year} 年的证书字号已用尽",
                        office_code=office_code, year=str(year))
    if serial < 1 or len(office_code) != 6 or not office_code.isdigit() or not 1000 <= year <= 9999:
        raise ValueError(f"cannot format certificate number {kind}/{office_code}/{year}/{serial}")
    return f"{kind}{office_code}-{year:04d}-{serial:06d}"


def parse_certificate_number(text: str, field_name: str = "certificate_number") -> CertificateNumber:
    match = _NUMBER.fullmatch(text.strip().upper())
    if match is None or int(match[4]) == 0:
        raise invalid("INVALID_CERTIFICATE_NUMBER", f"证书字号 {text} 格式应如 J421281-2023-000123",
                      field_name)
    return CertificateNumber(CertificateKind(match[1]), match[2], int(match[3]), int(match[4]))


# Printing a document issues it again: it must still stand. A marriage certificate (or its
# replacement) only while the marriage is registered, a divorce certificate once divorced by
# registration; a record certificate (ZM) states the record as it is, unless the registration was
# revoked. Keys: the document's series (the record's own certificate is "J").
_PRINTABLE_IN = {"J": {"REGISTERED"}, "BJ": {"REGISTERED"}, "L": {"DIVORCED"}, "BL": {"DIVORCED"},
                 "ZM": {"REGISTERED", "DIVORCED", "ENDED_BY_DEATH"}}
STATE_WORDS = {"REGISTERED": "婚姻关系存续", "DIVORCED": "已离婚", "ENDED_BY_DEATH": "已因一方死亡而终止",
                "REVOKED": "登记已被撤销", "VOID": "已被人民法院宣告无效或撤销"}


def require_printable(series: str, state: str, number: str) -> None:
    """Refuse to print ``number`` (of ``series``) on a record in ``state`` where it no longer stands."""
    if state not in _PRINTABLE_IN.get(series, set()):
        # A revoked registration, or a marriage a court declared void or annulled, is void: no 补领
        # either (Marriage.reissue), so none is offered.
        remedy = "" if state in ("REVOKED", "VOID") else "；如需证明，请办理补领，出具婚姻登记记录证明"
        raise precondition("DOCUMENT_NOT_CURRENT",
                           f"该婚姻登记的现状为“{STATE_WORDS.get(state, state)}”，证书 {number} 已不能反映现状，不予打印"
                           + remedy, document_number=number, state=state)


def require_issued_here(historical: bool, number: str) -> None:
    """Refuse to print an archive record's own certificate: its booklet was issued on paper long
    before Civic (a number this registry never issued, which no QR could verify). A lost or damaged
    one is replaced by a 补领 (a BJ…/BL… certificate of its own), which prints."""
    if historical:
        raise precondition("ARCHIVE_CERTIFICATE_NOT_REPRINTED",
                           f"该记录为补录的历史档案，证书 {number} 当年已发放，不能重新打印；"
                           "证书遗失或损毁的，请办理补领（补发证书）",
                           document_number=number)


class ReissueOutcome(StrEnum):
    REISSUED_CERTIFICATE = "REISSUED_CERTIFICATE"
    RECORD_CERTIFICATE = "RECORD_CERTIFICATE"  # 婚姻登记记录证明


@dataclass(frozen=True)
class ReissueDecision:
    outcome: ReissueOutcome
    reason: str | None  # stable code when a record certificate is issued instead
    note: str  # for the window and the printed document


def reissue_kind(marriage_state_unchanged: bool) -> ReissueDecision:
    """补领 only while the status is as registered; otherwise the registry certifies the record."""
    if marriage_state_unchanged:
        return ReissueDecision(ReissueOutcome.REISSUED_CERTIFICATE, None, "婚姻状况未变化，补发证书")
    return ReissueDecision(
        ReissueOutcome.RECORD_CERTIFICATE, "RECORD_STATE_CHANGED",
        "登记后婚姻状况已发生变化（离婚、丧偶或再婚），不予补发证书，出具婚姻登记记录证明",
    )
