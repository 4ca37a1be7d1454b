"""The no-spouse proof (无配偶证明) a party who is not a mainland resident presents (rules.md §1.3).

A mainland resident's marital status is checked in the national database and the signed
declaration suffices; a Hong Kong, Macao or Taiwan resident, an overseas Chinese or a foreigner is
not in it, so the registry checks a proof from outside and archives what it checked:

- 涉港澳台: a declaration of having no spouse, notarized where the party lives;
- 华侨 and 涉外: a proof issued by an embassy or consulate, or one issued by a notary or an
  authority and authenticated by a consulate — or, from a state party to the Apostille
  Convention (in force for China since 2023-11-07), carrying an apostille instead.

The kinds follow 婚姻登记工作规范 as rules.md §1.3 summarises it ([M]); how long a proof stays
valid is not in the rules, so no validity period is enforced beyond "issued by the registration day".
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from servicekit.errors import invalid

from marriage.domain.parties import (
    FOREIGN_CASE, HK_MACAO_TAIWAN_CASE, OVERSEAS_CHINESE_CASE, Party, party_case_kind,
)

MAX_ISSUER_LENGTH = 100
MAX_DOCUMENT_NUMBER_LENGTH = 50


class NoSpouseProofKind(StrEnum):
    NOTARIZED_DECLARATION = "NOTARIZED_DECLARATION"  # 经公证的无配偶声明
    CONSULAR_CERTIFICATE = "CONSULAR_CERTIFICATE"  # 使（领）馆出具的无配偶证明
    AUTHENTICATED_CERTIFICATE = "AUTHENTICATED_CERTIFICATE"  # 经使（领）馆认证的无配偶证明
    APOSTILLE_CERTIFICATE = "APOSTILLE_CERTIFICATE"  # 附海牙认证的无配偶证明


KIND_ZH = {
    NoSpouseProofKind.NOTARIZED_DECLARATION: "经公证的无配偶声明",
    NoSpouseProofKind.CONSULAR_CERTIFICATE: "使（领）馆出具的无配偶证明",
    NoSpouseProofKind.AUTHENTICATED_CERTIFICATE: "经使（领）馆认证的无配偶证明",
    NoSpouseProofKind.APOSTILLE_CERTIFICATE: "附海牙认证的无配偶证明",
}
_FROM_ABROAD = (NoSpouseProofKind.CONSULAR_CERTIFICATE, NoSpouseProofKind.AUTHENTICATED_CERTIFICATE,
                NoSpouseProofKind.APOSTILLE_CERTIFICATE)
# The proofs a registry accepts, by the kind of case the party makes (parties.party_case_kind).
ACCEPTED_KINDS: dict[str, tuple[NoSpouseProofKind, ...]] = {
    HK_MACAO_TAIWAN_CASE: (NoSpouseProofKind.NOTARIZED_DECLARATION,),
    OVERSEAS_CHINESE_CASE: _FROM_ABROAD,
    FOREIGN_CASE: _FROM_ABROAD,
}
_SEX_ZH = {"M": "男方", "F": "女方"}


@dataclass(frozen=True)
class NoSpouseProof:
    kind: NoSpouseProofKind
    issuer: str
    document_number: str
    issue_date: dt.date


def _text(raw: str, limit: int, reason: str, what: str, field_name: str) -> str:
    text = " ".join(raw.split())
    if not text:
        raise invalid(reason, f"须录入无配偶证明的{what}", field_name)
    if len(text) > limit:
        raise invalid(reason, f"无配偶证明的{what}不能超过{limit}个字符", field_name)
    return text


def make_proof(kind: str | None, issuer: str, document_number: str, issue_date: dt.date | None) -> NoSpouseProof:
    """A proof as entered, each part checked, or refused naming the field (under ``no_spouse_proof``)."""
    try:
        checked_kind = NoSpouseProofKind(kind or "")
    except ValueError:
        raise invalid("NO_SPOUSE_PROOF_KIND", "须选择无配偶证明的种类", "no_spouse_proof.kind") from None
    checked_issuer = _text(issuer, MAX_ISSUER_LENGTH, "NO_SPOUSE_PROOF_ISSUER", "出具机构",
                           "no_spouse_proof.issuer")
    number = _text(document_number, MAX_DOCUMENT_NUMBER_LENGTH, "NO_SPOUSE_PROOF_NUMBER", "编号",
                   "no_spouse_proof.document_number")
    if issue_date is None:
        raise invalid("DATE_REQUIRED", "须录入无配偶证明的出具日期（YYYY-MM-DD）", "no_spouse_proof.issue_date")
    return NoSpouseProof(checked_kind, checked_issuer, number, issue_date)


def check_proofs(parties: Sequence[Party], register_date: dt.date) -> None:
    """Refuse, naming the party, when a party who is not a mainland resident brings no proof or one
    of a kind the registry does not accept from them, when a mainland resident is given one (their
    status is the national database's: a proof typed in for them is a mistake on the form), or when
    a proof is dated after the registration day."""
    for index, party in enumerate(parties):
        who = f"{_SEX_ZH.get(party.sex, '当事人')}（{party.name}）"
        field = f"parties[{index}].no_spouse_proof"
        case_kind = party_case_kind(party)
        proof = party.no_spouse_proof
        if case_kind is None:
            if proof is not None:
                raise invalid("NO_SPOUSE_PROOF_NOT_APPLICABLE",
                              f"{who}为内地居民，婚姻状况以婚姻登记信息库为准，不录入无配偶证明", field)
            continue
        accepted = ACCEPTED_KINDS[case_kind]
        wanted = "或".join(KIND_ZH[k] for k in accepted)
        if proof is None:
            raise invalid("NO_SPOUSE_PROOF_REQUIRED", f"{who}属{case_kind}当事人，须提交{wanted}", field)
        if proof.kind not in accepted:
            raise invalid("NO_SPOUSE_PROOF_KIND",
                          f"{who}属{case_kind}当事人，应提交{wanted}，不能以{KIND_ZH[proof.kind]}代替", f"{field}.kind")
        if proof.issue_date > register_date:
            raise invalid("NO_SPOUSE_PROOF_DATE", f"{who}的无配偶证明出具日期晚于登记日", f"{field}.issue_date")
