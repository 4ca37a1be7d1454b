"""Request fields → command values: resource names, dates, times and enums, with field-named errors."""
from __future__ import annotations

import datetime as dt
import uuid

from civic.marriage.v1 import resources_pb2 as pb
from servicekit.clock import BUREAU_TZ
from servicekit.errors import invalid

from marriage.app.marriages import PartyInput, ProofInput
from marriage.domain.counseling import ConcernKind, CounselingOutcome, VictimHelp
from marriage.domain.divorce import CertificatesPresented, DivorceState
from marriage.domain.marriages import AnnulmentGround, AnnulmentKind, RevokingAuthority
from marriage.domain.parties import IdType
from marriage.domain.revocation import NoticeMethod, RevocationCaseState, RevocationOutcome

PB_ID_TYPE = {pb.ID_TYPE_RESIDENT_ID: IdType.RESIDENT_ID, pb.ID_TYPE_PASSPORT: IdType.PASSPORT,
              pb.ID_TYPE_HK_MACAO_PERMIT: IdType.HK_MACAO_PERMIT, pb.ID_TYPE_TAIWAN_PERMIT: IdType.TAIWAN_PERMIT}
PB_SEX = {pb.SEX_MALE: "M", pb.SEX_FEMALE: "F"}
PB_MARRIAGE_STATE = {pb.MARRIAGE_STATE_REGISTERED: "REGISTERED", pb.MARRIAGE_STATE_DIVORCED: "DIVORCED",
                     pb.MARRIAGE_STATE_ENDED_BY_DEATH: "ENDED_BY_DEATH", pb.MARRIAGE_STATE_REVOKED: "REVOKED",
                     pb.MARRIAGE_STATE_VOID: "VOID"}
PB_DIVORCE_STATE = {pb.DivorceState.Value(f"DIVORCE_STATE_{s}"): s for s in DivorceState}
PB_CERTIFICATES = {pb.CertificatesPresented.Value(f"CERTIFICATES_PRESENTED_{c}"): c
                   for c in CertificatesPresented}
PB_AUTHORITY = {pb.REVOCATION_AUTHORITY_COURT: RevokingAuthority.COURT,
                pb.REVOCATION_AUTHORITY_PROCURATORATE: RevokingAuthority.PROCURATORATE,
                pb.REVOCATION_AUTHORITY_POLICE: RevokingAuthority.POLICE}
PB_ANNULMENT_KIND = {pb.AnnulmentKind.Value(f"ANNULMENT_KIND_{k}"): k for k in AnnulmentKind}
PB_ANNULMENT_GROUND = {pb.AnnulmentGround.Value(f"ANNULMENT_GROUND_{g}"): g for g in AnnulmentGround}
PB_REVOCATION_STATE = {pb.RevocationCaseState.Value(f"REVOCATION_CASE_STATE_{s}"): s for s in RevocationCaseState}
PB_NOTICE_METHOD = {pb.RevocationNoticeMethod.Value(f"REVOCATION_NOTICE_METHOD_{m}"): m for m in NoticeMethod}
PB_REVOCATION_OUTCOME = {pb.RevocationOutcome.Value(f"REVOCATION_OUTCOME_{o}"): o for o in RevocationOutcome}
PB_KIND = {pb.APPOINTMENT_KIND_MARRIAGE: "MARRIAGE", pb.APPOINTMENT_KIND_DIVORCE: "DIVORCE",
           pb.APPOINTMENT_KIND_REISSUE: "REISSUE"}
PB_OUTCOME = {pb.COUNSELING_OUTCOME_RECONCILED: CounselingOutcome.RECONCILED,
              pb.COUNSELING_OUTCOME_PROCEEDED: CounselingOutcome.PROCEEDED,
              pb.COUNSELING_OUTCOME_REFERRED: CounselingOutcome.REFERRED}
PB_CONCERN_KIND = {pb.CounselingConcernKind.Value(f"COUNSELING_CONCERN_KIND_{k}"): k for k in ConcernKind}
PB_VICTIM_HELP = {pb.VictimHelp.Value(f"VICTIM_HELP_{h}"): h for h in VictimHelp}


def resource_id(name: str, collection: str, field_name: str = "name") -> str:
    """`<collection>/{uuid}` → the id."""
    prefix = f"{collection}/"
    try:
        if not name.startswith(prefix):
            raise ValueError(name)
        return str(uuid.UUID(name[len(prefix):]))
    except ValueError:
        raise invalid("INVALID_NAME", f"资源名应为 {collection}/{{id}}", field_name) from None


def optional_resource_id(name: str, collection: str, field_name: str) -> str | None:
    return resource_id(name, collection, field_name) if name else None


def parse_date(value: str, field_name: str, default: dt.date | None = None) -> dt.date:
    if not value:
        if default is None:
            raise invalid("DATE_REQUIRED", "须录入日期（YYYY-MM-DD）", field_name)
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid("INVALID_DATE", f"日期 {value} 格式应为 YYYY-MM-DD", field_name) from None


def optional_date(value: str, field_name: str) -> dt.date | None:
    return parse_date(value, field_name) if value else None


def parse_date_time(value: str, field_name: str) -> dt.datetime:
    """An ISO date and time; without an offset, Beijing time (the bureau's clock)."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise invalid("INVALID_DATE_TIME", f"日期时间 {value} 格式应为 YYYY-MM-DDTHH:MM", field_name) from None
    return at if at.tzinfo else at.replace(tzinfo=BUREAU_TZ)


def parse_time(value: str, field_name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise invalid("INVALID_TIME", f"时间 {value} 格式应为 HH:MM", field_name) from None


def optional_time(value: str, field_name: str) -> dt.time | None:
    return parse_time(value, field_name) if value else None


def id_type(value: int) -> IdType:
    """Unspecified means the resident ID, what almost every party holds."""
    return PB_ID_TYPE.get(value, IdType.RESIDENT_ID)


def _proof_input(index: int, p: pb.Party) -> ProofInput | None:
    if not p.HasField("no_spouse_proof"):
        return None
    proof = p.no_spouse_proof
    kind = pb.NoSpouseProofKind.Name(proof.kind).removeprefix("NO_SPOUSE_PROOF_KIND_") if proof.kind else None
    return ProofInput(kind, proof.issuer, proof.document_number,
                      optional_date(proof.issue_date, f"parties[{index}].no_spouse_proof.issue_date"))


def party_input(index: int, p: pb.Party) -> PartyInput:
    return PartyInput(id_type(p.id_type), p.id_number, p.name, p.nationality, PB_SEX.get(p.sex),
                      optional_date(p.birth_date, f"parties[{index}].birth_date"), _proof_input(index, p))


def required_enum(mapping: dict, value: int, reason: str, message: str, field_name: str):
    if value not in mapping:
        raise invalid(reason, message, field_name)
    return mapping[value]
