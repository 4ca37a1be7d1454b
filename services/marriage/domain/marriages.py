"""A registered marriage and how it ends (rules.md §1.2, §1.5–1.7)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.errors import invalid, precondition

from marriage.domain.certificates import STATE_WORDS, ReissueDecision, reissue_kind
from marriage.domain.eligibility import Declarations, check_marriage
from marriage.domain.events import (
    CertificateReissued,
    CourtDivorceRecorded,
    DomainEvent,
    MarriageEndedByDeath,
    MarriageRegistered,
    RegistrationRevoked,
)
from marriage.domain.parties import Party


class MarriageState(StrEnum):
    REGISTERED = "REGISTERED"
    DIVORCED = "DIVORCED"
    ENDED_BY_DEATH = "ENDED_BY_DEATH"
    REVOKED = "REVOKED"


class RevokingAuthority(StrEnum):
    """Who found the identity fraud (2021-11-18 joint opinion)."""

    COURT = "COURT"
    PROCURATORATE = "PROCURATORATE"
    POLICE = "POLICE"


def _required(value: str, reason: str, message: str, field_name: str) -> str:
    text = value.strip()
    if not text:
        raise invalid(reason, message, field_name)
    return text


@dataclass
class Marriage:
    id: str
    certificate_number: str
    office_code: str
    register_date: dt.date
    parties: tuple[Party, Party]
    state: MarriageState = MarriageState.REGISTERED
    ended_on: dt.date | None = None
    deceased_key: str | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(cls, id: str, certificate_number: str, office_code: str, register_date: dt.date,
                 parties: tuple[Party, Party], declarations: Declarations,
                 currently_married: Collection[str]) -> Marriage:
        check_marriage(parties, declarations, register_date, currently_married)
        marriage = cls(id, certificate_number, office_code, register_date, parties)
        marriage.events.append(
            MarriageRegistered(id, certificate_number, office_code, register_date, parties))
        return marriage

    @property
    def party_keys(self) -> tuple[str, str]:
        return self.parties[0].key, self.parties[1].key

    def require_current(self) -> None:
        if self.state is not MarriageState.REGISTERED:
            raise precondition("MARRIAGE_NOT_CURRENT",
                               f"该婚姻登记的当前状态为“{STATE_WORDS[self.state]}”，不能办理此业务",
                               state=str(self.state))

    def _require_not_before_registration(self, day: dt.date, field_name: str) -> None:
        if day < self.register_date:
            raise invalid("DATE_BEFORE_REGISTRATION", "日期早于结婚登记日期", field_name)

    def end_by_divorce(self, registered_on: dt.date) -> None:
        """Divorce by agreement; the application's DivorceRegistered event announces it."""
        self.require_current()
        self.state, self.ended_on = MarriageState.DIVORCED, registered_on

    def record_court_divorce(self, effective_on: dt.date, document_ref: str) -> None:
        """A judgment or mediation document ends the marriage: no cooling-off, no 离婚证."""
        self.require_current()
        self._require_not_before_registration(effective_on, "effective_date")
        ref = _required(document_ref, "DOCUMENT_REF_REQUIRED", "须录入法院判决书或调解书编号", "document_number")
        self.state, self.ended_on = MarriageState.DIVORCED, effective_on
        self.events.append(CourtDivorceRecorded(self.id, effective_on, ref))

    def end_by_death(self, deceased_key: str, death_date: dt.date) -> bool:
        """End the marriage by a party's death; ``False`` when it already ended so (a redelivery)."""
        if deceased_key not in self.party_keys:
            raise invalid("NOT_A_PARTY", "死亡人员不是该婚姻的当事人", "deceased")
        if self.state is MarriageState.ENDED_BY_DEATH and self.deceased_key == deceased_key:
            return False
        self.require_current()
        self._require_not_before_registration(death_date, "death_date")
        self.state, self.ended_on, self.deceased_key = MarriageState.ENDED_BY_DEATH, death_date, deceased_key
        self.events.append(MarriageEndedByDeath(self.id, deceased_key, death_date))
        return True

    def revoke(self, revoked_on: dt.date, authority: RevokingAuthority, document_ref: str) -> None:
        """Identity fraud (被结婚) found by a court, procuratorate or the police voids the registration."""
        if self.state is MarriageState.REVOKED:
            raise precondition("ALREADY_REVOKED", "该婚姻登记已被撤销")
        ref = _required(document_ref, "DOCUMENT_REF_REQUIRED",
                        "须录入司法建议书、检察建议书或公安认定文书编号", "document_reference")
        self.state, self.ended_on = MarriageState.REVOKED, revoked_on
        self.events.append(RegistrationRevoked(self.id, revoked_on, str(authority), ref))

    def reissue(self, issued_on: dt.date, office_code: str, state_unchanged: bool,
                certificate_number: str) -> ReissueDecision:
        """Record a 补领; ``state_unchanged`` is judged over the person's records (e.g. no remarriage
        since a divorce), so the caller supplies it, with the number of the document it will print.

        A revoked registration is refused: it is no longer on record as a marriage (§1.6 requires
        the registration on record; §1.7 voids it), so it has no certificate to replace, and a
        record certificate (ZM) on it could not be printed (certificates.require_printable)."""
        if self.state is MarriageState.REVOKED:
            raise precondition("REGISTRATION_REVOKED", "该婚姻登记已被撤销，不予补发证书或出具婚姻登记记录证明",
                               state=str(self.state))
        decision = reissue_kind(state_unchanged)
        self.events.append(
            CertificateReissued(self.id, str(decision.outcome), certificate_number, office_code, issued_on))
        return decision
