import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IdType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ID_TYPE_UNSPECIFIED: _ClassVar[IdType]
    ID_TYPE_RESIDENT_ID: _ClassVar[IdType]
    ID_TYPE_PASSPORT: _ClassVar[IdType]
    ID_TYPE_HK_MACAO_PERMIT: _ClassVar[IdType]
    ID_TYPE_TAIWAN_PERMIT: _ClassVar[IdType]

class Sex(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEX_UNSPECIFIED: _ClassVar[Sex]
    SEX_MALE: _ClassVar[Sex]
    SEX_FEMALE: _ClassVar[Sex]

class MarriageState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MARRIAGE_STATE_UNSPECIFIED: _ClassVar[MarriageState]
    MARRIAGE_STATE_REGISTERED: _ClassVar[MarriageState]
    MARRIAGE_STATE_DIVORCED: _ClassVar[MarriageState]
    MARRIAGE_STATE_ENDED_BY_DEATH: _ClassVar[MarriageState]
    MARRIAGE_STATE_REVOKED: _ClassVar[MarriageState]
    MARRIAGE_STATE_VOID: _ClassVar[MarriageState]

class EndReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    END_REASON_UNSPECIFIED: _ClassVar[EndReason]
    END_REASON_DIVORCE_REGISTERED: _ClassVar[EndReason]
    END_REASON_COURT_DIVORCE: _ClassVar[EndReason]
    END_REASON_DEATH: _ClassVar[EndReason]
    END_REASON_REVOKED: _ClassVar[EndReason]
    END_REASON_COURT_VOID: _ClassVar[EndReason]
    END_REASON_COURT_ANNULLED: _ClassVar[EndReason]

class AnnulmentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANNULMENT_KIND_UNSPECIFIED: _ClassVar[AnnulmentKind]
    ANNULMENT_KIND_VOID: _ClassVar[AnnulmentKind]
    ANNULMENT_KIND_ANNULLED: _ClassVar[AnnulmentKind]

class AnnulmentGround(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANNULMENT_GROUND_UNSPECIFIED: _ClassVar[AnnulmentGround]
    ANNULMENT_GROUND_BIGAMY: _ClassVar[AnnulmentGround]
    ANNULMENT_GROUND_PROHIBITED_KINSHIP: _ClassVar[AnnulmentGround]
    ANNULMENT_GROUND_UNDER_LEGAL_AGE: _ClassVar[AnnulmentGround]
    ANNULMENT_GROUND_COERCION: _ClassVar[AnnulmentGround]
    ANNULMENT_GROUND_CONCEALED_ILLNESS: _ClassVar[AnnulmentGround]

class NoSpouseProofKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NO_SPOUSE_PROOF_KIND_UNSPECIFIED: _ClassVar[NoSpouseProofKind]
    NO_SPOUSE_PROOF_KIND_NOTARIZED_DECLARATION: _ClassVar[NoSpouseProofKind]
    NO_SPOUSE_PROOF_KIND_CONSULAR_CERTIFICATE: _ClassVar[NoSpouseProofKind]
    NO_SPOUSE_PROOF_KIND_AUTHENTICATED_CERTIFICATE: _ClassVar[NoSpouseProofKind]
    NO_SPOUSE_PROOF_KIND_APOSTILLE_CERTIFICATE: _ClassVar[NoSpouseProofKind]

class MaritalStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MARITAL_STATUS_UNSPECIFIED: _ClassVar[MaritalStatus]
    MARITAL_STATUS_UNMARRIED: _ClassVar[MaritalStatus]
    MARITAL_STATUS_MARRIED: _ClassVar[MaritalStatus]
    MARITAL_STATUS_DIVORCED: _ClassVar[MaritalStatus]
    MARITAL_STATUS_WIDOWED: _ClassVar[MaritalStatus]

class CertificatesPresented(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATES_PRESENTED_UNSPECIFIED: _ClassVar[CertificatesPresented]
    CERTIFICATES_PRESENTED_BOTH: _ClassVar[CertificatesPresented]
    CERTIFICATES_PRESENTED_ONE_WITH_LOSS_DECLARATION: _ClassVar[CertificatesPresented]
    CERTIFICATES_PRESENTED_ARCHIVE_COPY_WITH_LOSS_DECLARATION: _ClassVar[CertificatesPresented]
    CERTIFICATES_PRESENTED_NOT_RECORDED: _ClassVar[CertificatesPresented]

class DivorceState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIVORCE_STATE_UNSPECIFIED: _ClassVar[DivorceState]
    DIVORCE_STATE_COOLING_OFF: _ClassVar[DivorceState]
    DIVORCE_STATE_AWAITING_ISSUE: _ClassVar[DivorceState]
    DIVORCE_STATE_WITHDRAWN: _ClassVar[DivorceState]
    DIVORCE_STATE_DEEMED_WITHDRAWN: _ClassVar[DivorceState]
    DIVORCE_STATE_DIVORCED: _ClassVar[DivorceState]
    DIVORCE_STATE_REFUSED: _ClassVar[DivorceState]
    DIVORCE_STATE_TERMINATED: _ClassVar[DivorceState]

class RevocationAuthority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_AUTHORITY_UNSPECIFIED: _ClassVar[RevocationAuthority]
    REVOCATION_AUTHORITY_COURT: _ClassVar[RevocationAuthority]
    REVOCATION_AUTHORITY_PROCURATORATE: _ClassVar[RevocationAuthority]
    REVOCATION_AUTHORITY_POLICE: _ClassVar[RevocationAuthority]

class RevocationCaseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_CASE_STATE_UNSPECIFIED: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_REVIEWING: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_NOTIFIED: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_REVOKED: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_DECLINED: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_SERVED: _ClassVar[RevocationCaseState]
    REVOCATION_CASE_STATE_FILED: _ClassVar[RevocationCaseState]

class RevocationNoticeMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_NOTICE_METHOD_UNSPECIFIED: _ClassVar[RevocationNoticeMethod]
    REVOCATION_NOTICE_METHOD_IN_PERSON: _ClassVar[RevocationNoticeMethod]
    REVOCATION_NOTICE_METHOD_MAIL: _ClassVar[RevocationNoticeMethod]
    REVOCATION_NOTICE_METHOD_PUBLIC_NOTICE: _ClassVar[RevocationNoticeMethod]

class RevocationOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_OUTCOME_UNSPECIFIED: _ClassVar[RevocationOutcome]
    REVOCATION_OUTCOME_REVOKE: _ClassVar[RevocationOutcome]
    REVOCATION_OUTCOME_DECLINE: _ClassVar[RevocationOutcome]

class ReissueOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REISSUE_OUTCOME_UNSPECIFIED: _ClassVar[ReissueOutcome]
    REISSUE_OUTCOME_CERTIFICATE: _ClassVar[ReissueOutcome]
    REISSUE_OUTCOME_RECORD_CERTIFICATE: _ClassVar[ReissueOutcome]

class AppointmentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPOINTMENT_STATE_UNSPECIFIED: _ClassVar[AppointmentState]
    APPOINTMENT_STATE_BOOKED: _ClassVar[AppointmentState]
    APPOINTMENT_STATE_CANCELLED: _ClassVar[AppointmentState]
    APPOINTMENT_STATE_SERVED: _ClassVar[AppointmentState]

class AppointmentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPOINTMENT_KIND_UNSPECIFIED: _ClassVar[AppointmentKind]
    APPOINTMENT_KIND_MARRIAGE: _ClassVar[AppointmentKind]
    APPOINTMENT_KIND_DIVORCE: _ClassVar[AppointmentKind]
    APPOINTMENT_KIND_REISSUE: _ClassVar[AppointmentKind]

class ImportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_FORMAT_UNSPECIFIED: _ClassVar[ImportFormat]
    IMPORT_FORMAT_CSV: _ClassVar[ImportFormat]
    IMPORT_FORMAT_XLSX: _ClassVar[ImportFormat]
    IMPORT_FORMAT_JSONL: _ClassVar[ImportFormat]

class CorrectionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CORRECTION_STATE_UNSPECIFIED: _ClassVar[CorrectionState]
    CORRECTION_STATE_PROPOSED: _ClassVar[CorrectionState]
    CORRECTION_STATE_APPROVED: _ClassVar[CorrectionState]
    CORRECTION_STATE_REJECTED: _ClassVar[CorrectionState]

class CounselingOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COUNSELING_OUTCOME_UNSPECIFIED: _ClassVar[CounselingOutcome]
    COUNSELING_OUTCOME_RECONCILED: _ClassVar[CounselingOutcome]
    COUNSELING_OUTCOME_PROCEEDED: _ClassVar[CounselingOutcome]
    COUNSELING_OUTCOME_REFERRED: _ClassVar[CounselingOutcome]

class CounselingConcernKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COUNSELING_CONCERN_KIND_UNSPECIFIED: _ClassVar[CounselingConcernKind]
    COUNSELING_CONCERN_KIND_DOMESTIC_VIOLENCE: _ClassVar[CounselingConcernKind]
    COUNSELING_CONCERN_KIND_TRAFFICKING_SUSPECTED: _ClassVar[CounselingConcernKind]

class VictimHelp(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VICTIM_HELP_UNSPECIFIED: _ClassVar[VictimHelp]
    VICTIM_HELP_POLICE: _ClassVar[VictimHelp]
    VICTIM_HELP_WOMENS_FEDERATION: _ClassVar[VictimHelp]
    VICTIM_HELP_PROTECTION_ORDER: _ClassVar[VictimHelp]
    VICTIM_HELP_SHELTER: _ClassVar[VictimHelp]
    VICTIM_HELP_LEGAL_AID: _ClassVar[VictimHelp]

class CertificateBlankKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATE_BLANK_KIND_UNSPECIFIED: _ClassVar[CertificateBlankKind]
    CERTIFICATE_BLANK_KIND_MARRIAGE: _ClassVar[CertificateBlankKind]
    CERTIFICATE_BLANK_KIND_DIVORCE: _ClassVar[CertificateBlankKind]

class CertificateBlankState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATE_BLANK_STATE_UNSPECIFIED: _ClassVar[CertificateBlankState]
    CERTIFICATE_BLANK_STATE_IN_STOCK: _ClassVar[CertificateBlankState]
    CERTIFICATE_BLANK_STATE_USED: _ClassVar[CertificateBlankState]
    CERTIFICATE_BLANK_STATE_VOIDED: _ClassVar[CertificateBlankState]
ID_TYPE_UNSPECIFIED: IdType
ID_TYPE_RESIDENT_ID: IdType
ID_TYPE_PASSPORT: IdType
ID_TYPE_HK_MACAO_PERMIT: IdType
ID_TYPE_TAIWAN_PERMIT: IdType
SEX_UNSPECIFIED: Sex
SEX_MALE: Sex
SEX_FEMALE: Sex
MARRIAGE_STATE_UNSPECIFIED: MarriageState
MARRIAGE_STATE_REGISTERED: MarriageState
MARRIAGE_STATE_DIVORCED: MarriageState
MARRIAGE_STATE_ENDED_BY_DEATH: MarriageState
MARRIAGE_STATE_REVOKED: MarriageState
MARRIAGE_STATE_VOID: MarriageState
END_REASON_UNSPECIFIED: EndReason
END_REASON_DIVORCE_REGISTERED: EndReason
END_REASON_COURT_DIVORCE: EndReason
END_REASON_DEATH: EndReason
END_REASON_REVOKED: EndReason
END_REASON_COURT_VOID: EndReason
END_REASON_COURT_ANNULLED: EndReason
ANNULMENT_KIND_UNSPECIFIED: AnnulmentKind
ANNULMENT_KIND_VOID: AnnulmentKind
ANNULMENT_KIND_ANNULLED: AnnulmentKind
ANNULMENT_GROUND_UNSPECIFIED: AnnulmentGround
ANNULMENT_GROUND_BIGAMY: AnnulmentGround
ANNULMENT_GROUND_PROHIBITED_KINSHIP: AnnulmentGround
ANNULMENT_GROUND_UNDER_LEGAL_AGE: AnnulmentGround
ANNULMENT_GROUND_COERCION: AnnulmentGround
ANNULMENT_GROUND_CONCEALED_ILLNESS: AnnulmentGround
NO_SPOUSE_PROOF_KIND_UNSPECIFIED: NoSpouseProofKind
NO_SPOUSE_PROOF_KIND_NOTARIZED_DECLARATION: NoSpouseProofKind
NO_SPOUSE_PROOF_KIND_CONSULAR_CERTIFICATE: NoSpouseProofKind
NO_SPOUSE_PROOF_KIND_AUTHENTICATED_CERTIFICATE: NoSpouseProofKind
NO_SPOUSE_PROOF_KIND_APOSTILLE_CERTIFICATE: NoSpouseProofKind
MARITAL_STATUS_UNSPECIFIED: MaritalStatus
MARITAL_STATUS_UNMARRIED: MaritalStatus
MARITAL_STATUS_MARRIED: MaritalStatus
MARITAL_STATUS_DIVORCED: MaritalStatus
MARITAL_STATUS_WIDOWED: MaritalStatus
CERTIFICATES_PRESENTED_UNSPECIFIED: CertificatesPresented
CERTIFICATES_PRESENTED_BOTH: CertificatesPresented
CERTIFICATES_PRESENTED_ONE_WITH_LOSS_DECLARATION: CertificatesPresented
CERTIFICATES_PRESENTED_ARCHIVE_COPY_WITH_LOSS_DECLARATION: CertificatesPresented
CERTIFICATES_PRESENTED_NOT_RECORDED: CertificatesPresented
DIVORCE_STATE_UNSPECIFIED: DivorceState
DIVORCE_STATE_COOLING_OFF: DivorceState
DIVORCE_STATE_AWAITING_ISSUE: DivorceState
DIVORCE_STATE_WITHDRAWN: DivorceState
DIVORCE_STATE_DEEMED_WITHDRAWN: DivorceState
DIVORCE_STATE_DIVORCED: DivorceState
DIVORCE_STATE_REFUSED: DivorceState
DIVORCE_STATE_TERMINATED: DivorceState
REVOCATION_AUTHORITY_UNSPECIFIED: RevocationAuthority
REVOCATION_AUTHORITY_COURT: RevocationAuthority
REVOCATION_AUTHORITY_PROCURATORATE: RevocationAuthority
REVOCATION_AUTHORITY_POLICE: RevocationAuthority
REVOCATION_CASE_STATE_UNSPECIFIED: RevocationCaseState
REVOCATION_CASE_STATE_REVIEWING: RevocationCaseState
REVOCATION_CASE_STATE_NOTIFIED: RevocationCaseState
REVOCATION_CASE_STATE_REVOKED: RevocationCaseState
REVOCATION_CASE_STATE_DECLINED: RevocationCaseState
REVOCATION_CASE_STATE_SERVED: RevocationCaseState
REVOCATION_CASE_STATE_FILED: RevocationCaseState
REVOCATION_NOTICE_METHOD_UNSPECIFIED: RevocationNoticeMethod
REVOCATION_NOTICE_METHOD_IN_PERSON: RevocationNoticeMethod
REVOCATION_NOTICE_METHOD_MAIL: RevocationNoticeMethod
REVOCATION_NOTICE_METHOD_PUBLIC_NOTICE: RevocationNoticeMethod
REVOCATION_OUTCOME_UNSPECIFIED: RevocationOutcome
REVOCATION_OUTCOME_REVOKE: RevocationOutcome
REVOCATION_OUTCOME_DECLINE: RevocationOutcome
REISSUE_OUTCOME_UNSPECIFIED: ReissueOutcome
REISSUE_OUTCOME_CERTIFICATE: ReissueOutcome
REISSUE_OUTCOME_RECORD_CERTIFICATE: ReissueOutcome
APPOINTMENT_STATE_UNSPECIFIED: AppointmentState
APPOINTMENT_STATE_BOOKED: AppointmentState
APPOINTMENT_STATE_CANCELLED: AppointmentState
APPOINTMENT_STATE_SERVED: AppointmentState
APPOINTMENT_KIND_UNSPECIFIED: AppointmentKind
APPOINTMENT_KIND_MARRIAGE: AppointmentKind
APPOINTMENT_KIND_DIVORCE: AppointmentKind
APPOINTMENT_KIND_REISSUE: AppointmentKind
IMPORT_FORMAT_UNSPECIFIED: ImportFormat
IMPORT_FORMAT_CSV: ImportFormat
IMPORT_FORMAT_XLSX: ImportFormat
IMPORT_FORMAT_JSONL: ImportFormat
CORRECTION_STATE_UNSPECIFIED: CorrectionState
CORRECTION_STATE_PROPOSED: CorrectionState
CORRECTION_STATE_APPROVED: CorrectionState
CORRECTION_STATE_REJECTED: CorrectionState
COUNSELING_OUTCOME_UNSPECIFIED: CounselingOutcome
COUNSELING_OUTCOME_RECONCILED: CounselingOutcome
COUNSELING_OUTCOME_PROCEEDED: CounselingOutcome
COUNSELING_OUTCOME_REFERRED: CounselingOutcome
COUNSELING_CONCERN_KIND_UNSPECIFIED: CounselingConcernKind
COUNSELING_CONCERN_KIND_DOMESTIC_VIOLENCE: CounselingConcernKind
COUNSELING_CONCERN_KIND_TRAFFICKING_SUSPECTED: CounselingConcernKind
VICTIM_HELP_UNSPECIFIED: VictimHelp
VICTIM_HELP_POLICE: VictimHelp
VICTIM_HELP_WOMENS_FEDERATION: VictimHelp
VICTIM_HELP_PROTECTION_ORDER: VictimHelp
VICTIM_HELP_SHELTER: VictimHelp
VICTIM_HELP_LEGAL_AID: VictimHelp
CERTIFICATE_BLANK_KIND_UNSPECIFIED: CertificateBlankKind
CERTIFICATE_BLANK_KIND_MARRIAGE: CertificateBlankKind
CERTIFICATE_BLANK_KIND_DIVORCE: CertificateBlankKind
CERTIFICATE_BLANK_STATE_UNSPECIFIED: CertificateBlankState
CERTIFICATE_BLANK_STATE_IN_STOCK: CertificateBlankState
CERTIFICATE_BLANK_STATE_USED: CertificateBlankState
CERTIFICATE_BLANK_STATE_VOIDED: CertificateBlankState

class Annulment(_message.Message):
    __slots__ = ("kind", "ground", "court", "document_number", "judgment_date")
    KIND_FIELD_NUMBER: _ClassVar[int]
    GROUND_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    JUDGMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    kind: AnnulmentKind
    ground: AnnulmentGround
    court: str
    document_number: str
    judgment_date: str
    def __init__(self, kind: _Optional[_Union[AnnulmentKind, str]] = ..., ground: _Optional[_Union[AnnulmentGround, str]] = ..., court: _Optional[str] = ..., document_number: _Optional[str] = ..., judgment_date: _Optional[str] = ...) -> None: ...

class Party(_message.Message):
    __slots__ = ("id_type", "id_number", "name", "nationality", "sex", "birth_date", "no_spouse_proof")
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    NO_SPOUSE_PROOF_FIELD_NUMBER: _ClassVar[int]
    id_type: IdType
    id_number: str
    name: str
    nationality: str
    sex: Sex
    birth_date: str
    no_spouse_proof: NoSpouseProof
    def __init__(self, id_type: _Optional[_Union[IdType, str]] = ..., id_number: _Optional[str] = ..., name: _Optional[str] = ..., nationality: _Optional[str] = ..., sex: _Optional[_Union[Sex, str]] = ..., birth_date: _Optional[str] = ..., no_spouse_proof: _Optional[_Union[NoSpouseProof, _Mapping]] = ...) -> None: ...

class NoSpouseProof(_message.Message):
    __slots__ = ("kind", "issuer", "document_number", "issue_date")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DATE_FIELD_NUMBER: _ClassVar[int]
    kind: NoSpouseProofKind
    issuer: str
    document_number: str
    issue_date: str
    def __init__(self, kind: _Optional[_Union[NoSpouseProofKind, str]] = ..., issuer: _Optional[str] = ..., document_number: _Optional[str] = ..., issue_date: _Optional[str] = ...) -> None: ...

class Declarations(_message.Message):
    __slots__ = ("no_spouse", "no_prohibited_kinship")
    NO_SPOUSE_FIELD_NUMBER: _ClassVar[int]
    NO_PROHIBITED_KINSHIP_FIELD_NUMBER: _ClassVar[int]
    no_spouse: bool
    no_prohibited_kinship: bool
    def __init__(self, no_spouse: _Optional[bool] = ..., no_prohibited_kinship: _Optional[bool] = ...) -> None: ...

class Marriage(_message.Message):
    __slots__ = ("name", "certificate_number", "state", "register_date", "parties", "office_code", "end_date", "end_reason", "end_reference", "historical", "defects", "reissue_count", "create_time", "update_time", "annulment", "cohabitation")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REGISTER_DATE_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    END_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_FIELD_NUMBER: _ClassVar[int]
    DEFECTS_FIELD_NUMBER: _ClassVar[int]
    REISSUE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ANNULMENT_FIELD_NUMBER: _ClassVar[int]
    COHABITATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    certificate_number: str
    state: MarriageState
    register_date: str
    parties: _containers.RepeatedCompositeFieldContainer[Party]
    office_code: str
    end_date: str
    end_reason: EndReason
    end_reference: str
    historical: bool
    defects: _containers.RepeatedScalarFieldContainer[str]
    reissue_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    annulment: Annulment
    cohabitation: Cohabitation
    def __init__(self, name: _Optional[str] = ..., certificate_number: _Optional[str] = ..., state: _Optional[_Union[MarriageState, str]] = ..., register_date: _Optional[str] = ..., parties: _Optional[_Iterable[_Union[Party, _Mapping]]] = ..., office_code: _Optional[str] = ..., end_date: _Optional[str] = ..., end_reason: _Optional[_Union[EndReason, str]] = ..., end_reference: _Optional[str] = ..., historical: _Optional[bool] = ..., defects: _Optional[_Iterable[str]] = ..., reissue_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., annulment: _Optional[_Union[Annulment, _Mapping]] = ..., cohabitation: _Optional[_Union[Cohabitation, _Mapping]] = ...) -> None: ...

class Cohabitation(_message.Message):
    __slots__ = ("start_date", "effective_date")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    effective_date: str
    def __init__(self, start_date: _Optional[str] = ..., effective_date: _Optional[str] = ...) -> None: ...

class RegisterMarriageRequest(_message.Message):
    __slots__ = ("request_id", "office_code", "parties", "declarations", "appointment", "cohabitation_start_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    DECLARATIONS_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    COHABITATION_START_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office_code: str
    parties: _containers.RepeatedCompositeFieldContainer[Party]
    declarations: Declarations
    appointment: str
    cohabitation_start_date: str
    def __init__(self, request_id: _Optional[str] = ..., office_code: _Optional[str] = ..., parties: _Optional[_Iterable[_Union[Party, _Mapping]]] = ..., declarations: _Optional[_Union[Declarations, _Mapping]] = ..., appointment: _Optional[str] = ..., cohabitation_start_date: _Optional[str] = ...) -> None: ...

class GetMarriageRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListMarriagesRequest(_message.Message):
    __slots__ = ("office_code", "state", "register_date_from", "register_date_to", "party_name", "page_size", "page_token")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REGISTER_DATE_FROM_FIELD_NUMBER: _ClassVar[int]
    REGISTER_DATE_TO_FIELD_NUMBER: _ClassVar[int]
    PARTY_NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    state: MarriageState
    register_date_from: str
    register_date_to: str
    party_name: str
    page_size: int
    page_token: str
    def __init__(self, office_code: _Optional[str] = ..., state: _Optional[_Union[MarriageState, str]] = ..., register_date_from: _Optional[str] = ..., register_date_to: _Optional[str] = ..., party_name: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMarriagesResponse(_message.Message):
    __slots__ = ("marriages", "next_page_token")
    MARRIAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    marriages: _containers.RepeatedCompositeFieldContainer[Marriage]
    next_page_token: str
    def __init__(self, marriages: _Optional[_Iterable[_Union[Marriage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetMaritalStatusRequest(_message.Message):
    __slots__ = ("id_type", "id_number")
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    id_type: IdType
    id_number: str
    def __init__(self, id_type: _Optional[_Union[IdType, str]] = ..., id_number: _Optional[str] = ...) -> None: ...

class GetMaritalStatusResponse(_message.Message):
    __slots__ = ("status", "marriage", "records")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    status: MaritalStatus
    marriage: Marriage
    records: _containers.RepeatedCompositeFieldContainer[Marriage]
    def __init__(self, status: _Optional[_Union[MaritalStatus, str]] = ..., marriage: _Optional[_Union[Marriage, _Mapping]] = ..., records: _Optional[_Iterable[_Union[Marriage, _Mapping]]] = ...) -> None: ...

class DivorceAgreement(_message.Message):
    __slots__ = ("voluntary", "children_arrangement", "property_division", "debt_handling")
    VOLUNTARY_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_ARRANGEMENT_FIELD_NUMBER: _ClassVar[int]
    PROPERTY_DIVISION_FIELD_NUMBER: _ClassVar[int]
    DEBT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    voluntary: bool
    children_arrangement: str
    property_division: str
    debt_handling: str
    def __init__(self, voluntary: _Optional[bool] = ..., children_arrangement: _Optional[str] = ..., property_division: _Optional[str] = ..., debt_handling: _Optional[str] = ...) -> None: ...

class DivorceDeclarations(_message.Message):
    __slots__ = ("full_civil_capacity",)
    FULL_CIVIL_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    full_civil_capacity: bool
    def __init__(self, full_civil_capacity: _Optional[bool] = ...) -> None: ...

class DivorceApplication(_message.Message):
    __slots__ = ("name", "marriage", "state", "office_code", "accept_date", "cooling_off_end_date", "issue_deadline_date", "close_date", "certificate_number", "agreement", "receipt_number", "parties", "declarations", "certificates_presented", "refusal_reason", "periods_provisional")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_DATE_FIELD_NUMBER: _ClassVar[int]
    COOLING_OFF_END_DATE_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    DECLARATIONS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_PRESENTED_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_REASON_FIELD_NUMBER: _ClassVar[int]
    PERIODS_PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    marriage: str
    state: DivorceState
    office_code: str
    accept_date: str
    cooling_off_end_date: str
    issue_deadline_date: str
    close_date: str
    certificate_number: str
    agreement: DivorceAgreement
    receipt_number: str
    parties: _containers.RepeatedCompositeFieldContainer[Party]
    declarations: DivorceDeclarations
    certificates_presented: CertificatesPresented
    refusal_reason: str
    periods_provisional: bool
    def __init__(self, name: _Optional[str] = ..., marriage: _Optional[str] = ..., state: _Optional[_Union[DivorceState, str]] = ..., office_code: _Optional[str] = ..., accept_date: _Optional[str] = ..., cooling_off_end_date: _Optional[str] = ..., issue_deadline_date: _Optional[str] = ..., close_date: _Optional[str] = ..., certificate_number: _Optional[str] = ..., agreement: _Optional[_Union[DivorceAgreement, _Mapping]] = ..., receipt_number: _Optional[str] = ..., parties: _Optional[_Iterable[_Union[Party, _Mapping]]] = ..., declarations: _Optional[_Union[DivorceDeclarations, _Mapping]] = ..., certificates_presented: _Optional[_Union[CertificatesPresented, str]] = ..., refusal_reason: _Optional[str] = ..., periods_provisional: _Optional[bool] = ...) -> None: ...

class ApplyDivorceRequest(_message.Message):
    __slots__ = ("request_id", "marriage", "agreement", "office_code", "declarations", "certificates_presented")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DECLARATIONS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_PRESENTED_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    marriage: str
    agreement: DivorceAgreement
    office_code: str
    declarations: DivorceDeclarations
    certificates_presented: CertificatesPresented
    def __init__(self, request_id: _Optional[str] = ..., marriage: _Optional[str] = ..., agreement: _Optional[_Union[DivorceAgreement, _Mapping]] = ..., office_code: _Optional[str] = ..., declarations: _Optional[_Union[DivorceDeclarations, _Mapping]] = ..., certificates_presented: _Optional[_Union[CertificatesPresented, str]] = ...) -> None: ...

class GetDivorceApplicationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListDivorceApplicationsRequest(_message.Message):
    __slots__ = ("office_code", "state", "cooling_off_end_from", "cooling_off_end_to", "page_size", "page_token")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COOLING_OFF_END_FROM_FIELD_NUMBER: _ClassVar[int]
    COOLING_OFF_END_TO_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    state: DivorceState
    cooling_off_end_from: str
    cooling_off_end_to: str
    page_size: int
    page_token: str
    def __init__(self, office_code: _Optional[str] = ..., state: _Optional[_Union[DivorceState, str]] = ..., cooling_off_end_from: _Optional[str] = ..., cooling_off_end_to: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDivorceApplicationsResponse(_message.Message):
    __slots__ = ("applications", "next_page_token")
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[DivorceApplication]
    next_page_token: str
    def __init__(self, applications: _Optional[_Iterable[_Union[DivorceApplication, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WithdrawDivorceRequest(_message.Message):
    __slots__ = ("request_id", "name", "id_type", "id_number")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    id_type: IdType
    id_number: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., id_type: _Optional[_Union[IdType, str]] = ..., id_number: _Optional[str] = ...) -> None: ...

class RegisterDivorceRequest(_message.Message):
    __slots__ = ("request_id", "name", "office_code", "both_present")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    BOTH_PRESENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    office_code: str
    both_present: bool
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., office_code: _Optional[str] = ..., both_present: _Optional[bool] = ...) -> None: ...

class RefuseDivorceRequest(_message.Message):
    __slots__ = ("request_id", "name", "office_code", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    office_code: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., office_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class PrintDivorceCertificateRequest(_message.Message):
    __slots__ = ("name", "purpose")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    name: str
    purpose: str
    def __init__(self, name: _Optional[str] = ..., purpose: _Optional[str] = ...) -> None: ...

class RecordCourtDivorceRequest(_message.Message):
    __slots__ = ("request_id", "marriage", "document_number", "court", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    marriage: str
    document_number: str
    court: str
    effective_date: str
    def __init__(self, request_id: _Optional[str] = ..., marriage: _Optional[str] = ..., document_number: _Optional[str] = ..., court: _Optional[str] = ..., effective_date: _Optional[str] = ...) -> None: ...

class RecordCourtAnnulmentRequest(_message.Message):
    __slots__ = ("request_id", "marriage", "kind", "ground", "court", "document_number", "judgment_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    GROUND_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    JUDGMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    marriage: str
    kind: AnnulmentKind
    ground: AnnulmentGround
    court: str
    document_number: str
    judgment_date: str
    def __init__(self, request_id: _Optional[str] = ..., marriage: _Optional[str] = ..., kind: _Optional[_Union[AnnulmentKind, str]] = ..., ground: _Optional[_Union[AnnulmentGround, str]] = ..., court: _Optional[str] = ..., document_number: _Optional[str] = ..., judgment_date: _Optional[str] = ...) -> None: ...

class RecordDeathRequest(_message.Message):
    __slots__ = ("request_id", "id_type", "id_number", "death_date", "death_certificate_number")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEATH_DATE_FIELD_NUMBER: _ClassVar[int]
    DEATH_CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    id_type: IdType
    id_number: str
    death_date: str
    death_certificate_number: str
    def __init__(self, request_id: _Optional[str] = ..., id_type: _Optional[_Union[IdType, str]] = ..., id_number: _Optional[str] = ..., death_date: _Optional[str] = ..., death_certificate_number: _Optional[str] = ...) -> None: ...

class RecordDeathResponse(_message.Message):
    __slots__ = ("marriage",)
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    marriage: Marriage
    def __init__(self, marriage: _Optional[_Union[Marriage, _Mapping]] = ...) -> None: ...

class RevokeRegistrationRequest(_message.Message):
    __slots__ = ("request_id", "name", "authority", "document_reference", "reason", "revocation_case", "decision_number")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_CASE_FIELD_NUMBER: _ClassVar[int]
    DECISION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    authority: RevocationAuthority
    document_reference: str
    reason: str
    revocation_case: str
    decision_number: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., authority: _Optional[_Union[RevocationAuthority, str]] = ..., document_reference: _Optional[str] = ..., reason: _Optional[str] = ..., revocation_case: _Optional[str] = ..., decision_number: _Optional[str] = ...) -> None: ...

class RevocationNotice(_message.Message):
    __slots__ = ("method", "notice_date", "objection_deadline_date")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    NOTICE_DATE_FIELD_NUMBER: _ClassVar[int]
    OBJECTION_DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    method: RevocationNoticeMethod
    notice_date: str
    objection_deadline_date: str
    def __init__(self, method: _Optional[_Union[RevocationNoticeMethod, str]] = ..., notice_date: _Optional[str] = ..., objection_deadline_date: _Optional[str] = ...) -> None: ...

class RevocationDecision(_message.Message):
    __slots__ = ("outcome", "decision_number", "decision_date", "declined_reason")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DECISION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DECISION_DATE_FIELD_NUMBER: _ClassVar[int]
    DECLINED_REASON_FIELD_NUMBER: _ClassVar[int]
    outcome: RevocationOutcome
    decision_number: str
    decision_date: str
    declined_reason: str
    def __init__(self, outcome: _Optional[_Union[RevocationOutcome, str]] = ..., decision_number: _Optional[str] = ..., decision_date: _Optional[str] = ..., declined_reason: _Optional[str] = ...) -> None: ...

class RevocationCase(_message.Message):
    __slots__ = ("name", "marriage", "source", "document_number", "received_date", "office_code", "state", "notice", "decision", "service_date", "filed_date", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    SERVICE_DATE_FIELD_NUMBER: _ClassVar[int]
    FILED_DATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    marriage: str
    source: RevocationAuthority
    document_number: str
    received_date: str
    office_code: str
    state: RevocationCaseState
    notice: RevocationNotice
    decision: RevocationDecision
    service_date: str
    filed_date: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., marriage: _Optional[str] = ..., source: _Optional[_Union[RevocationAuthority, str]] = ..., document_number: _Optional[str] = ..., received_date: _Optional[str] = ..., office_code: _Optional[str] = ..., state: _Optional[_Union[RevocationCaseState, str]] = ..., notice: _Optional[_Union[RevocationNotice, _Mapping]] = ..., decision: _Optional[_Union[RevocationDecision, _Mapping]] = ..., service_date: _Optional[str] = ..., filed_date: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class OpenRevocationCaseRequest(_message.Message):
    __slots__ = ("request_id", "revocation_case")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_CASE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    revocation_case: RevocationCase
    def __init__(self, request_id: _Optional[str] = ..., revocation_case: _Optional[_Union[RevocationCase, _Mapping]] = ...) -> None: ...

class RecordRevocationNoticeRequest(_message.Message):
    __slots__ = ("request_id", "name", "notice", "etag")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    notice: RevocationNotice
    etag: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., notice: _Optional[_Union[RevocationNotice, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class DecideRevocationRequest(_message.Message):
    __slots__ = ("request_id", "name", "decision", "etag", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    decision: RevocationDecision
    etag: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., decision: _Optional[_Union[RevocationDecision, _Mapping]] = ..., etag: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordRevocationServiceRequest(_message.Message):
    __slots__ = ("request_id", "name", "service_date", "etag")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    service_date: str
    etag: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., service_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class FileRevocationCaseRequest(_message.Message):
    __slots__ = ("request_id", "name", "filed_date", "etag")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILED_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    filed_date: str
    etag: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., filed_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class GetRevocationCaseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListRevocationCasesRequest(_message.Message):
    __slots__ = ("office_code", "state", "page_size", "page_token", "marriage")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    state: RevocationCaseState
    page_size: int
    page_token: str
    marriage: str
    def __init__(self, office_code: _Optional[str] = ..., state: _Optional[_Union[RevocationCaseState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., marriage: _Optional[str] = ...) -> None: ...

class ListRevocationCasesResponse(_message.Message):
    __slots__ = ("revocation_cases", "next_page_token")
    REVOCATION_CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    revocation_cases: _containers.RepeatedCompositeFieldContainer[RevocationCase]
    next_page_token: str
    def __init__(self, revocation_cases: _Optional[_Iterable[_Union[RevocationCase, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PrintCertificateRequest(_message.Message):
    __slots__ = ("name", "purpose", "document_number")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    name: str
    purpose: str
    document_number: str
    def __init__(self, name: _Optional[str] = ..., purpose: _Optional[str] = ..., document_number: _Optional[str] = ...) -> None: ...

class ReissueCertificateRequest(_message.Message):
    __slots__ = ("request_id", "name", "office_code", "ground", "applicant_id_type", "applicant_id_number", "proxy")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    GROUND_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PROXY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    office_code: str
    ground: str
    applicant_id_type: IdType
    applicant_id_number: str
    proxy: ReissueProxy
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., office_code: _Optional[str] = ..., ground: _Optional[str] = ..., applicant_id_type: _Optional[_Union[IdType, str]] = ..., applicant_id_number: _Optional[str] = ..., proxy: _Optional[_Union[ReissueProxy, _Mapping]] = ...) -> None: ...

class ReissueProxy(_message.Message):
    __slots__ = ("id_type", "id_number", "name", "power_of_attorney")
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    POWER_OF_ATTORNEY_FIELD_NUMBER: _ClassVar[int]
    id_type: IdType
    id_number: str
    name: str
    power_of_attorney: str
    def __init__(self, id_type: _Optional[_Union[IdType, str]] = ..., id_number: _Optional[str] = ..., name: _Optional[str] = ..., power_of_attorney: _Optional[str] = ...) -> None: ...

class ReissueCertificateResponse(_message.Message):
    __slots__ = ("outcome", "document_number", "marriage", "note")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    outcome: ReissueOutcome
    document_number: str
    marriage: Marriage
    note: str
    def __init__(self, outcome: _Optional[_Union[ReissueOutcome, str]] = ..., document_number: _Optional[str] = ..., marriage: _Optional[_Union[Marriage, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class Office(_message.Message):
    __slots__ = ("name", "office_code", "display_name", "opens_at", "closes_at", "daily_capacity", "foreign_cases", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    DAILY_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    FOREIGN_CASES_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    office_code: str
    display_name: str
    opens_at: str
    closes_at: str
    daily_capacity: int
    foreign_cases: bool
    etag: str
    def __init__(self, name: _Optional[str] = ..., office_code: _Optional[str] = ..., display_name: _Optional[str] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., daily_capacity: _Optional[int] = ..., foreign_cases: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...

class UpsertOfficeRequest(_message.Message):
    __slots__ = ("request_id", "office")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office: Office
    def __init__(self, request_id: _Optional[str] = ..., office: _Optional[_Union[Office, _Mapping]] = ...) -> None: ...

class ListOfficesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOfficesResponse(_message.Message):
    __slots__ = ("offices", "next_page_token")
    OFFICES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    offices: _containers.RepeatedCompositeFieldContainer[Office]
    next_page_token: str
    def __init__(self, offices: _Optional[_Iterable[_Union[Office, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SpecialDate(_message.Message):
    __slots__ = ("office_code", "date", "label", "opens_at", "closes_at", "capacity", "built_in", "added")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    BUILT_IN_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    date: str
    label: str
    opens_at: str
    closes_at: str
    capacity: int
    built_in: bool
    added: bool
    def __init__(self, office_code: _Optional[str] = ..., date: _Optional[str] = ..., label: _Optional[str] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., capacity: _Optional[int] = ..., built_in: _Optional[bool] = ..., added: _Optional[bool] = ...) -> None: ...

class ListSpecialDatesRequest(_message.Message):
    __slots__ = ("office_code", "from_date", "to_date", "page_size", "page_token")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    from_date: str
    to_date: str
    page_size: int
    page_token: str
    def __init__(self, office_code: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSpecialDatesResponse(_message.Message):
    __slots__ = ("special_dates", "from_date", "to_date", "next_page_token")
    SPECIAL_DATES_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    special_dates: _containers.RepeatedCompositeFieldContainer[SpecialDate]
    from_date: str
    to_date: str
    next_page_token: str
    def __init__(self, special_dates: _Optional[_Iterable[_Union[SpecialDate, _Mapping]]] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AddSpecialDateRequest(_message.Message):
    __slots__ = ("request_id", "office_code", "special_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office_code: str
    special_date: SpecialDate
    def __init__(self, request_id: _Optional[str] = ..., office_code: _Optional[str] = ..., special_date: _Optional[_Union[SpecialDate, _Mapping]] = ...) -> None: ...

class GetWorkCalendarRequest(_message.Message):
    __slots__ = ("year", "office_code")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    year: int
    office_code: str
    def __init__(self, year: _Optional[int] = ..., office_code: _Optional[str] = ...) -> None: ...

class CalendarDay(_message.Message):
    __slots__ = ("date", "name", "added")
    DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    date: str
    name: str
    added: bool
    def __init__(self, date: _Optional[str] = ..., name: _Optional[str] = ..., added: _Optional[bool] = ...) -> None: ...

class DivorcePeriods(_message.Message):
    __slots__ = ("accept_date", "cooling_off_end_date", "issue_deadline_date", "provisional")
    ACCEPT_DATE_FIELD_NUMBER: _ClassVar[int]
    COOLING_OFF_END_DATE_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    accept_date: str
    cooling_off_end_date: str
    issue_deadline_date: str
    provisional: bool
    def __init__(self, accept_date: _Optional[str] = ..., cooling_off_end_date: _Optional[str] = ..., issue_deadline_date: _Optional[str] = ..., provisional: _Optional[bool] = ...) -> None: ...

class WorkCalendar(_message.Message):
    __slots__ = ("year", "notice_loaded", "notice_source", "holidays", "make_up_workdays", "rush_dates", "office_code", "divorce_periods_today")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    NOTICE_LOADED_FIELD_NUMBER: _ClassVar[int]
    NOTICE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    MAKE_UP_WORKDAYS_FIELD_NUMBER: _ClassVar[int]
    RUSH_DATES_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_PERIODS_TODAY_FIELD_NUMBER: _ClassVar[int]
    year: int
    notice_loaded: bool
    notice_source: str
    holidays: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    make_up_workdays: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    rush_dates: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    office_code: str
    divorce_periods_today: DivorcePeriods
    def __init__(self, year: _Optional[int] = ..., notice_loaded: _Optional[bool] = ..., notice_source: _Optional[str] = ..., holidays: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., make_up_workdays: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., rush_dates: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., office_code: _Optional[str] = ..., divorce_periods_today: _Optional[_Union[DivorcePeriods, _Mapping]] = ...) -> None: ...

class Appointment(_message.Message):
    __slots__ = ("name", "office_code", "date", "kind", "state", "contact_name", "contact_phone", "queue_number")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PHONE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    name: str
    office_code: str
    date: str
    kind: AppointmentKind
    state: AppointmentState
    contact_name: str
    contact_phone: str
    queue_number: int
    def __init__(self, name: _Optional[str] = ..., office_code: _Optional[str] = ..., date: _Optional[str] = ..., kind: _Optional[_Union[AppointmentKind, str]] = ..., state: _Optional[_Union[AppointmentState, str]] = ..., contact_name: _Optional[str] = ..., contact_phone: _Optional[str] = ..., queue_number: _Optional[int] = ...) -> None: ...

class CreateAppointmentRequest(_message.Message):
    __slots__ = ("request_id", "appointment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    appointment: Appointment
    def __init__(self, request_id: _Optional[str] = ..., appointment: _Optional[_Union[Appointment, _Mapping]] = ...) -> None: ...

class CancelAppointmentRequest(_message.Message):
    __slots__ = ("request_id", "name")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ListAppointmentsRequest(_message.Message):
    __slots__ = ("office_code", "date", "page_size", "page_token")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    date: str
    page_size: int
    page_token: str
    def __init__(self, office_code: _Optional[str] = ..., date: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAppointmentsResponse(_message.Message):
    __slots__ = ("appointments", "next_page_token", "capacity", "booked", "opens_at", "closes_at", "day_label")
    APPOINTMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    BOOKED_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    DAY_LABEL_FIELD_NUMBER: _ClassVar[int]
    appointments: _containers.RepeatedCompositeFieldContainer[Appointment]
    next_page_token: str
    capacity: int
    booked: int
    opens_at: str
    closes_at: str
    day_label: str
    def __init__(self, appointments: _Optional[_Iterable[_Union[Appointment, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., capacity: _Optional[int] = ..., booked: _Optional[int] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., day_label: _Optional[str] = ...) -> None: ...

class ImportHistoricalRecordsRequest(_message.Message):
    __slots__ = ("request_id", "format", "encoding", "source_name", "data")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    format: ImportFormat
    encoding: str
    source_name: str
    data: bytes
    def __init__(self, request_id: _Optional[str] = ..., format: _Optional[_Union[ImportFormat, str]] = ..., encoding: _Optional[str] = ..., source_name: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class DefectCount(_message.Message):
    __slots__ = ("code", "count")
    CODE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    code: str
    count: int
    def __init__(self, code: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class ImportReport(_message.Message):
    __slots__ = ("name", "rows_read", "rows_imported", "rows_with_defects", "defects", "rows_unreadable")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROWS_READ_FIELD_NUMBER: _ClassVar[int]
    ROWS_IMPORTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_WITH_DEFECTS_FIELD_NUMBER: _ClassVar[int]
    DEFECTS_FIELD_NUMBER: _ClassVar[int]
    ROWS_UNREADABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    rows_read: int
    rows_imported: int
    rows_with_defects: int
    defects: _containers.RepeatedCompositeFieldContainer[DefectCount]
    rows_unreadable: int
    def __init__(self, name: _Optional[str] = ..., rows_read: _Optional[int] = ..., rows_imported: _Optional[int] = ..., rows_with_defects: _Optional[int] = ..., defects: _Optional[_Iterable[_Union[DefectCount, _Mapping]]] = ..., rows_unreadable: _Optional[int] = ...) -> None: ...

class Defect(_message.Message):
    __slots__ = ("name", "row_number", "code", "field", "message", "marriage", "resolved")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMPORT_FIELD_NUMBER: _ClassVar[int]
    ROW_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    name: str
    row_number: int
    code: str
    field: str
    message: str
    marriage: str
    resolved: bool
    def __init__(self, name: _Optional[str] = ..., row_number: _Optional[int] = ..., code: _Optional[str] = ..., field: _Optional[str] = ..., message: _Optional[str] = ..., marriage: _Optional[str] = ..., resolved: _Optional[bool] = ..., **kwargs) -> None: ...

class ListDefectsRequest(_message.Message):
    __slots__ = ("code", "include_resolved", "page_size", "page_token")
    IMPORT_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    code: str
    include_resolved: bool
    page_size: int
    page_token: str
    def __init__(self, code: _Optional[str] = ..., include_resolved: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., **kwargs) -> None: ...

class ListDefectsResponse(_message.Message):
    __slots__ = ("defects", "next_page_token", "total_size")
    DEFECTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    defects: _containers.RepeatedCompositeFieldContainer[Defect]
    next_page_token: str
    total_size: int
    def __init__(self, defects: _Optional[_Iterable[_Union[Defect, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class Correction(_message.Message):
    __slots__ = ("name", "marriage", "field", "original_value", "corrected_value", "reason", "evidence_reference", "state", "proposed_by", "decided_by", "defect")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_VALUE_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_VALUE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DEFECT_FIELD_NUMBER: _ClassVar[int]
    name: str
    marriage: str
    field: str
    original_value: str
    corrected_value: str
    reason: str
    evidence_reference: str
    state: CorrectionState
    proposed_by: str
    decided_by: str
    defect: str
    def __init__(self, name: _Optional[str] = ..., marriage: _Optional[str] = ..., field: _Optional[str] = ..., original_value: _Optional[str] = ..., corrected_value: _Optional[str] = ..., reason: _Optional[str] = ..., evidence_reference: _Optional[str] = ..., state: _Optional[_Union[CorrectionState, str]] = ..., proposed_by: _Optional[str] = ..., decided_by: _Optional[str] = ..., defect: _Optional[str] = ...) -> None: ...

class ProposeCorrectionRequest(_message.Message):
    __slots__ = ("request_id", "correction")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CORRECTION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    correction: Correction
    def __init__(self, request_id: _Optional[str] = ..., correction: _Optional[_Union[Correction, _Mapping]] = ...) -> None: ...

class ApproveCorrectionRequest(_message.Message):
    __slots__ = ("request_id", "name")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class RejectCorrectionRequest(_message.Message):
    __slots__ = ("request_id", "name", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListCorrectionsRequest(_message.Message):
    __slots__ = ("state", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: CorrectionState
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[CorrectionState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCorrectionsResponse(_message.Message):
    __slots__ = ("corrections", "next_page_token")
    CORRECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    corrections: _containers.RepeatedCompositeFieldContainer[Correction]
    next_page_token: str
    def __init__(self, corrections: _Optional[_Iterable[_Union[Correction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CounselingSession(_message.Message):
    __slots__ = ("date", "counselor", "summary")
    DATE_FIELD_NUMBER: _ClassVar[int]
    COUNSELOR_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    date: str
    counselor: str
    summary: str
    def __init__(self, date: _Optional[str] = ..., counselor: _Optional[str] = ..., summary: _Optional[str] = ...) -> None: ...

class PoliceReport(_message.Message):
    __slots__ = ("report_time", "reference")
    REPORT_TIME_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    report_time: str
    reference: str
    def __init__(self, report_time: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class CounselingConcern(_message.Message):
    __slots__ = ("kind", "date", "action", "help", "police_report")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    POLICE_REPORT_FIELD_NUMBER: _ClassVar[int]
    kind: CounselingConcernKind
    date: str
    action: str
    help: _containers.RepeatedScalarFieldContainer[VictimHelp]
    police_report: PoliceReport
    def __init__(self, kind: _Optional[_Union[CounselingConcernKind, str]] = ..., date: _Optional[str] = ..., action: _Optional[str] = ..., help: _Optional[_Iterable[_Union[VictimHelp, str]]] = ..., police_report: _Optional[_Union[PoliceReport, _Mapping]] = ...) -> None: ...

class CounselingCase(_message.Message):
    __slots__ = ("name", "office_code", "received_date", "divorce_application", "sessions", "outcome", "close_date", "topic", "concerns")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_APPLICATION_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    CONCERNS_FIELD_NUMBER: _ClassVar[int]
    name: str
    office_code: str
    received_date: str
    divorce_application: str
    sessions: _containers.RepeatedCompositeFieldContainer[CounselingSession]
    outcome: CounselingOutcome
    close_date: str
    topic: str
    concerns: _containers.RepeatedCompositeFieldContainer[CounselingConcern]
    def __init__(self, name: _Optional[str] = ..., office_code: _Optional[str] = ..., received_date: _Optional[str] = ..., divorce_application: _Optional[str] = ..., sessions: _Optional[_Iterable[_Union[CounselingSession, _Mapping]]] = ..., outcome: _Optional[_Union[CounselingOutcome, str]] = ..., close_date: _Optional[str] = ..., topic: _Optional[str] = ..., concerns: _Optional[_Iterable[_Union[CounselingConcern, _Mapping]]] = ...) -> None: ...

class OpenCounselingCaseRequest(_message.Message):
    __slots__ = ("request_id", "counseling_case")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_CASE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    counseling_case: CounselingCase
    def __init__(self, request_id: _Optional[str] = ..., counseling_case: _Optional[_Union[CounselingCase, _Mapping]] = ...) -> None: ...

class AddCounselingSessionRequest(_message.Message):
    __slots__ = ("request_id", "name", "session")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    session: CounselingSession
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., session: _Optional[_Union[CounselingSession, _Mapping]] = ...) -> None: ...

class CloseCounselingCaseRequest(_message.Message):
    __slots__ = ("request_id", "name", "outcome", "close_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    outcome: CounselingOutcome
    close_date: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., outcome: _Optional[_Union[CounselingOutcome, str]] = ..., close_date: _Optional[str] = ...) -> None: ...

class RecordCounselingConcernRequest(_message.Message):
    __slots__ = ("request_id", "name", "concern")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONCERN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    concern: CounselingConcern
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., concern: _Optional[_Union[CounselingConcern, _Mapping]] = ...) -> None: ...

class ListCounselingCasesRequest(_message.Message):
    __slots__ = ("office_code", "open_only", "page_size", "page_token", "with_concern", "concern_kind")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WITH_CONCERN_FIELD_NUMBER: _ClassVar[int]
    CONCERN_KIND_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    open_only: bool
    page_size: int
    page_token: str
    with_concern: bool
    concern_kind: CounselingConcernKind
    def __init__(self, office_code: _Optional[str] = ..., open_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., with_concern: _Optional[bool] = ..., concern_kind: _Optional[_Union[CounselingConcernKind, str]] = ...) -> None: ...

class ListCounselingCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[CounselingCase]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[CounselingCase, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetStatisticsRequest(_message.Message):
    __slots__ = ("office_code", "from_date", "to_date")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    from_date: str
    to_date: str
    def __init__(self, office_code: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ...) -> None: ...

class Statistics(_message.Message):
    __slots__ = ("office_code", "from_date", "to_date", "marriages_registered", "divorces_registered", "court_divorces", "certificates_reissued", "record_certificates", "divorce_applications", "divorce_withdrawn", "divorce_deemed_withdrawn", "counseling_received", "counseling_reconciled", "historical_imported", "corrections_approved", "registration_compliance_rate", "archive_rate", "counseling_domestic_violence", "counseling_trafficking_suspected", "divorce_refused", "court_annulments", "marriages_retroactive")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    MARRIAGES_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    DIVORCES_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    COURT_DIVORCES_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_REISSUED_FIELD_NUMBER: _ClassVar[int]
    RECORD_CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_DEEMED_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_RECONCILED_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_IMPORTED_FIELD_NUMBER: _ClassVar[int]
    CORRECTIONS_APPROVED_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_COMPLIANCE_RATE_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_DOMESTIC_VIOLENCE_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_TRAFFICKING_SUSPECTED_FIELD_NUMBER: _ClassVar[int]
    DIVORCE_REFUSED_FIELD_NUMBER: _ClassVar[int]
    COURT_ANNULMENTS_FIELD_NUMBER: _ClassVar[int]
    MARRIAGES_RETROACTIVE_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    from_date: str
    to_date: str
    marriages_registered: int
    divorces_registered: int
    court_divorces: int
    certificates_reissued: int
    record_certificates: int
    divorce_applications: int
    divorce_withdrawn: int
    divorce_deemed_withdrawn: int
    counseling_received: int
    counseling_reconciled: int
    historical_imported: int
    corrections_approved: int
    registration_compliance_rate: float
    archive_rate: float
    counseling_domestic_violence: int
    counseling_trafficking_suspected: int
    divorce_refused: int
    court_annulments: int
    marriages_retroactive: int
    def __init__(self, office_code: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., marriages_registered: _Optional[int] = ..., divorces_registered: _Optional[int] = ..., court_divorces: _Optional[int] = ..., certificates_reissued: _Optional[int] = ..., record_certificates: _Optional[int] = ..., divorce_applications: _Optional[int] = ..., divorce_withdrawn: _Optional[int] = ..., divorce_deemed_withdrawn: _Optional[int] = ..., counseling_received: _Optional[int] = ..., counseling_reconciled: _Optional[int] = ..., historical_imported: _Optional[int] = ..., corrections_approved: _Optional[int] = ..., registration_compliance_rate: _Optional[float] = ..., archive_rate: _Optional[float] = ..., counseling_domestic_violence: _Optional[int] = ..., counseling_trafficking_suspected: _Optional[int] = ..., divorce_refused: _Optional[int] = ..., court_annulments: _Optional[int] = ..., marriages_retroactive: _Optional[int] = ...) -> None: ...

class VerifyRecordRequest(_message.Message):
    __slots__ = ("name", "document_number")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    name: str
    document_number: str
    def __init__(self, name: _Optional[str] = ..., document_number: _Optional[str] = ...) -> None: ...

class RecordVerification(_message.Message):
    __slots__ = ("name", "document_number", "record_kind", "state", "state_label", "date", "parties", "office_code", "verification_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECORD_KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_LABEL_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    document_number: str
    record_kind: str
    state: str
    state_label: str
    date: str
    parties: _containers.RepeatedCompositeFieldContainer[Party]
    office_code: str
    verification_count: int
    def __init__(self, name: _Optional[str] = ..., document_number: _Optional[str] = ..., record_kind: _Optional[str] = ..., state: _Optional[str] = ..., state_label: _Optional[str] = ..., date: _Optional[str] = ..., parties: _Optional[_Iterable[_Union[Party, _Mapping]]] = ..., office_code: _Optional[str] = ..., verification_count: _Optional[int] = ...) -> None: ...

class CertificateBlank(_message.Message):
    __slots__ = ("kind", "serial", "office_code", "state", "document_number", "marriage", "received_date", "used_date", "voided_date", "void_reason")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    USED_DATE_FIELD_NUMBER: _ClassVar[int]
    VOIDED_DATE_FIELD_NUMBER: _ClassVar[int]
    VOID_REASON_FIELD_NUMBER: _ClassVar[int]
    kind: CertificateBlankKind
    serial: str
    office_code: str
    state: CertificateBlankState
    document_number: str
    marriage: str
    received_date: str
    used_date: str
    voided_date: str
    void_reason: str
    def __init__(self, kind: _Optional[_Union[CertificateBlankKind, str]] = ..., serial: _Optional[str] = ..., office_code: _Optional[str] = ..., state: _Optional[_Union[CertificateBlankState, str]] = ..., document_number: _Optional[str] = ..., marriage: _Optional[str] = ..., received_date: _Optional[str] = ..., used_date: _Optional[str] = ..., voided_date: _Optional[str] = ..., void_reason: _Optional[str] = ...) -> None: ...

class CertificateBlankStock(_message.Message):
    __slots__ = ("kind", "in_stock", "used", "voided")
    KIND_FIELD_NUMBER: _ClassVar[int]
    IN_STOCK_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    kind: CertificateBlankKind
    in_stock: int
    used: int
    voided: int
    def __init__(self, kind: _Optional[_Union[CertificateBlankKind, str]] = ..., in_stock: _Optional[int] = ..., used: _Optional[int] = ..., voided: _Optional[int] = ...) -> None: ...

class ReceiveCertificateBlanksRequest(_message.Message):
    __slots__ = ("request_id", "office_code", "kind", "first_serial", "last_serial", "received_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FIRST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    LAST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office_code: str
    kind: CertificateBlankKind
    first_serial: str
    last_serial: str
    received_date: str
    def __init__(self, request_id: _Optional[str] = ..., office_code: _Optional[str] = ..., kind: _Optional[_Union[CertificateBlankKind, str]] = ..., first_serial: _Optional[str] = ..., last_serial: _Optional[str] = ..., received_date: _Optional[str] = ...) -> None: ...

class ReceiveCertificateBlanksResponse(_message.Message):
    __slots__ = ("office_code", "kind", "first_serial", "last_serial", "count", "received_date", "stock")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FIRST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    LAST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    STOCK_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    kind: CertificateBlankKind
    first_serial: str
    last_serial: str
    count: int
    received_date: str
    stock: CertificateBlankStock
    def __init__(self, office_code: _Optional[str] = ..., kind: _Optional[_Union[CertificateBlankKind, str]] = ..., first_serial: _Optional[str] = ..., last_serial: _Optional[str] = ..., count: _Optional[int] = ..., received_date: _Optional[str] = ..., stock: _Optional[_Union[CertificateBlankStock, _Mapping]] = ...) -> None: ...

class UseCertificateBlankRequest(_message.Message):
    __slots__ = ("request_id", "office_code", "kind", "serial", "document_number", "marriage")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office_code: str
    kind: CertificateBlankKind
    serial: str
    document_number: str
    marriage: str
    def __init__(self, request_id: _Optional[str] = ..., office_code: _Optional[str] = ..., kind: _Optional[_Union[CertificateBlankKind, str]] = ..., serial: _Optional[str] = ..., document_number: _Optional[str] = ..., marriage: _Optional[str] = ...) -> None: ...

class VoidCertificateBlankRequest(_message.Message):
    __slots__ = ("request_id", "office_code", "kind", "serial", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    office_code: str
    kind: CertificateBlankKind
    serial: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., office_code: _Optional[str] = ..., kind: _Optional[_Union[CertificateBlankKind, str]] = ..., serial: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListCertificateBlanksRequest(_message.Message):
    __slots__ = ("office_code", "kind", "state", "page_size", "page_token")
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    office_code: str
    kind: CertificateBlankKind
    state: CertificateBlankState
    page_size: int
    page_token: str
    def __init__(self, office_code: _Optional[str] = ..., kind: _Optional[_Union[CertificateBlankKind, str]] = ..., state: _Optional[_Union[CertificateBlankState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCertificateBlanksResponse(_message.Message):
    __slots__ = ("blanks", "next_page_token", "stock")
    BLANKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STOCK_FIELD_NUMBER: _ClassVar[int]
    blanks: _containers.RepeatedCompositeFieldContainer[CertificateBlank]
    next_page_token: str
    stock: _containers.RepeatedCompositeFieldContainer[CertificateBlankStock]
    def __init__(self, blanks: _Optional[_Iterable[_Union[CertificateBlank, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., stock: _Optional[_Iterable[_Union[CertificateBlankStock, _Mapping]]] = ...) -> None: ...
