"""Domain events recorded by the marriage entities: plain data, mapped to protobuf by the app layer.

Identifiers of the event itself (UUIDv7), the actor and the request id are added by the outbox; these
classes carry only the facts of the change. Party keys are ``"<id type>:<number>"``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marriage.domain.parties import Party


@dataclass(frozen=True)
class MarriageRegistered:
    marriage_id: str
    certificate_number: str
    office_code: str
    register_date: dt.date
    parties: tuple[Party, Party]


@dataclass(frozen=True)
class DivorceApplied:
    application_id: str
    marriage_id: str
    office_code: str
    accepted_on: dt.date
    cooling_off_end: dt.date
    issue_deadline: dt.date


@dataclass(frozen=True)
class DivorceWithdrawn:
    application_id: str
    marriage_id: str
    withdrawn_on: dt.date
    withdrawn_by: str


@dataclass(frozen=True)
class DivorceLapsed:
    application_id: str
    marriage_id: str
    lapsed_on: dt.date


@dataclass(frozen=True)
class DivorceTerminated:
    application_id: str
    marriage_id: str
    terminated_on: dt.date


@dataclass(frozen=True)
class DivorceRegistered:
    application_id: str
    marriage_id: str
    certificate_number: str
    office_code: str
    registered_on: dt.date


@dataclass(frozen=True)
class DivorceRefused:
    application_id: str
    marriage_id: str
    refused_on: dt.date
    reason: str


@dataclass(frozen=True)
class CourtDivorceRecorded:
    marriage_id: str
    effective_on: dt.date
    document_ref: str


@dataclass(frozen=True)
class CourtAnnulmentRecorded:
    marriage_id: str
    kind: str  # VOID or ANNULLED
    ground: str
    judgment_date: dt.date
    document_ref: str


@dataclass(frozen=True)
class MarriageEndedByDeath:
    marriage_id: str
    deceased_key: str
    death_date: dt.date


@dataclass(frozen=True)
class RegistrationRevoked:
    marriage_id: str
    revoked_on: dt.date
    authority: str
    document_ref: str


@dataclass(frozen=True)
class RevocationCaseChanged:
    case_id: str
    marriage_id: str
    step: str  # OPENED, NOTIFIED, REVOKED, DECLINED, SERVED, FILED
    state: str
    on: dt.date


@dataclass(frozen=True)
class CertificateReissued:
    marriage_id: str
    outcome: str  # REISSUED_CERTIFICATE or RECORD_CERTIFICATE
    certificate_number: str
    office_code: str
    issued_on: dt.date


@dataclass(frozen=True)
class CorrectionProposed:
    correction_id: str
    record: str
    field: str
    proposed_by: str


@dataclass(frozen=True)
class CorrectionDecided:
    correction_id: str
    record: str
    state: str  # APPROVED or REJECTED
    decided_by: str


@dataclass(frozen=True)
class CounselingCaseOpened:
    case_id: str
    office_code: str
    received_on: dt.date


@dataclass(frozen=True)
class CounselingSessionHeld:
    case_id: str
    held_on: dt.date
    counselor: str


@dataclass(frozen=True)
class CounselingConcernRecorded:
    case_id: str
    kind: str
    noted_on: dt.date


@dataclass(frozen=True)
class CounselingCaseClosed:
    case_id: str
    closed_on: dt.date
    outcome: str


DomainEvent = (
    MarriageRegistered
    | DivorceApplied
    | DivorceWithdrawn
    | DivorceLapsed
    | DivorceTerminated
    | DivorceRegistered
    | DivorceRefused
    | CourtDivorceRecorded
    | CourtAnnulmentRecorded
    | MarriageEndedByDeath
    | RegistrationRevoked
    | RevocationCaseChanged
    | CertificateReissued
    | CorrectionProposed
    | CorrectionDecided
    | CounselingCaseOpened
    | CounselingSessionHeld
    | CounselingConcernRecorded
    | CounselingCaseClosed
)
