"""Who may apply for a reissue (补领, rules.md §1.6): a party of the record, with ID, in person or
through an agent (代理人) holding a notarized power of attorney — and by proxy only when the archive
matches the party's ID.

Plain rules on what the window was shown: the document numbers come in canonical form and are
compared by their keyed hashes (the record keeps no plain number to compare with)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from servicekit.errors import invalid, precondition

from marriage.domain.parties import IdType, checked_name


@dataclass(frozen=True)
class Agent:
    """The agent who applied for the party, and the notarized power of attorney shown (公证书编号)."""

    id_type: IdType
    id_number: str  # canonical
    name: str
    power_of_attorney: str


@dataclass(frozen=True)
class ReissueApplicant:
    """Which party of the record the reissue was for (its position on the record), and who applied."""

    position: int
    agent: Agent | None = None

    @property
    def by_proxy(self) -> bool:
        return self.agent is not None


def require_applicant(id_number: str) -> None:
    """The party's document is required: a reissue names whose certificate it replaces."""
    if not id_number.strip():
        raise invalid("APPLICANT_REQUIRED",
                      "须录入申请补领的当事人的证件号码（代理人代办的，录入被代理当事人的证件号码）",
                      "applicant_id_number")


def proxy_given(id_number: str, name: str, power_of_attorney: str) -> bool:
    """Whether the request names an agent at all (any of its fields typed)."""
    return any(value.strip() for value in (id_number, name, power_of_attorney))


def checked_agent(id_type: IdType, id_number: str, name: str, power_of_attorney: str,
                  applicant_number: str) -> Agent:
    """An agent applies only with the notarized power of attorney's reference, and is not the party
    itself (who would then be applying in person). Numbers are canonical."""
    reference = " ".join(power_of_attorney.split())
    if not reference:
        raise invalid("POWER_OF_ATTORNEY_REQUIRED",
                      "代理人代办补领的，须录入经公证的授权委托书的公证书编号；无公证委托书的，须由当事人本人办理",
                      "proxy.power_of_attorney")
    if id_number == applicant_number:
        raise invalid("AGENT_IS_APPLICANT", "代理人证件号码与当事人相同：当事人本人办理的，无需填写代理人",
                      "proxy.id_number")
    return Agent(id_type, id_number, checked_name(name, "proxy.name"), reference)


def applicant_position(applicant_hash: bytes, party_hashes: Sequence[bytes | None]) -> int:
    """The applicant's position among the record's parties. Refused when the document matches neither
    (an archive row without the party's number matches none: the record is corrected first, §1.8);
    the refusal names no party, so a stranger learns nothing of who they are."""
    for position, party in enumerate(party_hashes):
        if party is not None and party == applicant_hash:
            return position
    raise precondition("APPLICANT_NOT_A_PARTY",
                       "申请人证件与该婚姻登记档案记载的当事人均不一致，不予补领。补领须由当事人本人持本人证件办理，"
                       "或由代理人持经公证的授权委托书代为办理；证件信息与档案不一致的，请先办理档案更正")
