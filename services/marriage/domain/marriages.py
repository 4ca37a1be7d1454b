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
    CourtAnnulmentRecorded,
    CourtDivorceRecorded,
    DomainEvent,
    MarriageEndedByDeath,
    MarriageRegistered,
    RegistrationRevoked,
)
from marriage.domain.parties import Party
from marriage.domain.retroactive import Cohabitation


class MarriageState(StrEnum):
    REGISTERED = "REGISTERED"
    DIVORCED = "DIVORCED"
    ENDED_BY_DEATH = "ENDED_BY_DEATH"
    REVOKED = "REVOKED"
    VOID = "VOID"  # a court declared it void or annulled it


# Records that never were a marriage in law: a revoked registration (identity fraud, §1.7) and a
# marriage a court declared void or annulled (void from the start, 民法典 1054). Marital status, the
# bigamy check's history and a reissue's "married since" pass over them.
NOT_A_MARRIAGE = frozenset({MarriageState.REVOKED, MarriageState.VOID})


class AnnulmentKind(StrEnum):
    VOID = "VOID"  # 宣告婚姻无效 (民法典 1051)
    ANNULLED = "ANNULLED"  # 撤销婚姻 (民法典 1052, 1053)


class AnnulmentGround(StrEnum):
    BIGAMY = "BIGAMY"
    PROHIBITED_KINSHIP = "PROHIBITED_KINSHIP"
    UNDER_LEGAL_AGE = "UNDER_LEGAL_AGE"
    COERCION = "COERCION"
    CONCEALED_ILLNESS = "CONCEALED_ILLNESS"


# 1051 makes a marriage void for bigamy, prohibited kinship or under age; 1052/1053 make it voidable
# (a court annuls it) for coercion or a serious illness concealed before registration.
GROUNDS_OF = {
    AnnulmentKind.VOID: (AnnulmentGround.BIGAMY, AnnulmentGround.PROHIBITED_KINSHIP,
                         AnnulmentGround.UNDER_LEGAL_AGE),
    AnnulmentKind.ANNULLED: (AnnulmentGround.COERCION, AnnulmentGround.CONCEALED_ILLNESS),
}
KIND_WORDS = {AnnulmentKind.VOID: "宣告婚姻无效", AnnulmentKind.ANNULLED: "撤销婚姻"}
GROUND_WORDS = {AnnulmentGround.BIGAMY: "重婚", AnnulmentGround.PROHIBITED_KINSHIP: "有禁止结婚的亲属关系",
                AnnulmentGround.UNDER_LEGAL_AGE: "未到法定婚龄", AnnulmentGround.COERCION: "因胁迫结婚",
                AnnulmentGround.CONCEALED_ILLNESS: "婚前隐瞒重大疾病"}


@dataclass(frozen=True)
class Annulment:
    """A court's judgment that the marriage is void or annulled, as the archive records it."""

    kind: AnnulmentKind
    ground: AnnulmentGround
    court: str
    document_number: str
    judgment_date: dt.date


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
    annulment: Annulment | None = None
    cohabitation: Cohabitation | None = None  # 补办结婚登记 (domain.retroactive)
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

    def require_not_annulled(self, refused: str) -> None:
        if self.state is MarriageState.VOID:
            judged = KIND_WORDS[self.annulment.kind] if self.annulment else "宣告无效或撤销"
            raise precondition("MARRIAGE_ANNULLED", f"该婚姻已被人民法院{judged}{refused}", state=str(self.state))

    def revoke(self, revoked_on: dt.date, authority: RevokingAuthority, document_ref: str) -> None:
        """Identity fraud (被结婚) found by a court, procuratorate or the police voids the registration."""
        if self.state is MarriageState.REVOKED:
            raise precondition("ALREADY_REVOKED", "该婚姻登记已被撤销")
        self.require_not_annulled("，不能再撤销婚姻登记")
        ref = _required(document_ref, "DOCUMENT_REF_REQUIRED",
                        "须录入司法建议书、检察建议书或公安认定文书编号", "document_reference")
        self.state, self.ended_on = MarriageState.REVOKED, revoked_on
        self.events.append(RegistrationRevoked(self.id, revoked_on, str(authority), ref))

    def record_annulment(self, judgment: Annulment, today: dt.date) -> bool:
        """A court's judgment that the marriage is void or annulled (rules.md §1.7: the archive is
        annotated). Void from the start (民法典 1054): the record stays, in state VOID, and no longer
        makes its parties married. A marriage that already ended (divorce, death) keeps its end date
        beside the judgment; a current one ends on the judgment date. ``True`` when it was current.

        A revoked registration is refused (it is already void, by the registry); so is a second
        judgment on a marriage already void."""
        if self.state is MarriageState.REVOKED:
            raise precondition("REGISTRATION_REVOKED", "该婚姻登记已被撤销，不能再录入法院宣告婚姻无效或撤销婚姻的判决",
                               state=str(self.state))
        self.require_not_annulled("，不能再次录入")
        if judgment.ground not in GROUNDS_OF[judgment.kind]:
            raise invalid("ANNULMENT_GROUND_MISMATCH",
                          f"{KIND_WORDS[judgment.kind]}的事由只能是"
                          + "、".join(GROUND_WORDS[g] for g in GROUNDS_OF[judgment.kind]), "ground")
        _required(judgment.court, "COURT_REQUIRED", "须录入作出判决的人民法院", "court")
        _required(judgment.document_number, "DOCUMENT_REF_REQUIRED", "须录入法院判决书编号", "document_number")
        if judgment.judgment_date > today:
            raise invalid("DATE_IN_FUTURE", "日期不能晚于今天", "judgment_date")
        self._require_not_before_registration(judgment.judgment_date, "judgment_date")
        was_current = self.state is MarriageState.REGISTERED
        if was_current:
            self.ended_on = judgment.judgment_date
        self.state, self.annulment = MarriageState.VOID, judgment
        self.events.append(CourtAnnulmentRecorded(self.id, str(judgment.kind), str(judgment.ground),
                                                  judgment.judgment_date, judgment.document_number.strip()))
        return was_current

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
        self.require_not_annulled("，不予补发证书或出具婚姻登记记录证明")  # void from the start, as revoked
        decision = reissue_kind(state_unchanged)
        self.events.append(
            CertificateReissued(self.id, str(decision.outcome), certificate_number, office_code, issued_on))
        return decision
