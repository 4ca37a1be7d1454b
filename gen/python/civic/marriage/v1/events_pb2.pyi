from civic.marriage.v1 import resources_pb2 as _resources_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MarriageRegistered(_message.Message):
    __slots__ = ("event_id", "marriage")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    marriage: _resources_pb2.Marriage
    def __init__(self, event_id: _Optional[str] = ..., marriage: _Optional[_Union[_resources_pb2.Marriage, _Mapping]] = ...) -> None: ...

class MarriageEnded(_message.Message):
    __slots__ = ("event_id", "marriage")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    marriage: _resources_pb2.Marriage
    def __init__(self, event_id: _Optional[str] = ..., marriage: _Optional[_Union[_resources_pb2.Marriage, _Mapping]] = ...) -> None: ...

class RegistrationRevoked(_message.Message):
    __slots__ = ("event_id", "marriage", "authority", "document_reference", "revocation_case", "decision_number")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_CASE_FIELD_NUMBER: _ClassVar[int]
    DECISION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    marriage: _resources_pb2.Marriage
    authority: _resources_pb2.RevocationAuthority
    document_reference: str
    revocation_case: str
    decision_number: str
    def __init__(self, event_id: _Optional[str] = ..., marriage: _Optional[_Union[_resources_pb2.Marriage, _Mapping]] = ..., authority: _Optional[_Union[_resources_pb2.RevocationAuthority, str]] = ..., document_reference: _Optional[str] = ..., revocation_case: _Optional[str] = ..., decision_number: _Optional[str] = ...) -> None: ...

class RevocationCaseChanged(_message.Message):
    __slots__ = ("event_id", "revocation_case")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_CASE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    revocation_case: _resources_pb2.RevocationCase
    def __init__(self, event_id: _Optional[str] = ..., revocation_case: _Optional[_Union[_resources_pb2.RevocationCase, _Mapping]] = ...) -> None: ...

class CertificateReissued(_message.Message):
    __slots__ = ("event_id", "marriage", "outcome", "document_number", "by_proxy")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    MARRIAGE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    BY_PROXY_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    marriage: str
    outcome: _resources_pb2.ReissueOutcome
    document_number: str
    by_proxy: bool
    def __init__(self, event_id: _Optional[str] = ..., marriage: _Optional[str] = ..., outcome: _Optional[_Union[_resources_pb2.ReissueOutcome, str]] = ..., document_number: _Optional[str] = ..., by_proxy: _Optional[bool] = ...) -> None: ...

class DivorceApplicationChanged(_message.Message):
    __slots__ = ("event_id", "application")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    application: _resources_pb2.DivorceApplication
    def __init__(self, event_id: _Optional[str] = ..., application: _Optional[_Union[_resources_pb2.DivorceApplication, _Mapping]] = ...) -> None: ...

class AppointmentChanged(_message.Message):
    __slots__ = ("event_id", "appointment")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    appointment: _resources_pb2.Appointment
    def __init__(self, event_id: _Optional[str] = ..., appointment: _Optional[_Union[_resources_pb2.Appointment, _Mapping]] = ...) -> None: ...

class HistoricalImportCompleted(_message.Message):
    __slots__ = ("event_id", "report")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    report: _resources_pb2.ImportReport
    def __init__(self, event_id: _Optional[str] = ..., report: _Optional[_Union[_resources_pb2.ImportReport, _Mapping]] = ...) -> None: ...

class CorrectionChanged(_message.Message):
    __slots__ = ("event_id", "correction")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CORRECTION_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    correction: _resources_pb2.Correction
    def __init__(self, event_id: _Optional[str] = ..., correction: _Optional[_Union[_resources_pb2.Correction, _Mapping]] = ...) -> None: ...

class CounselingCaseChanged(_message.Message):
    __slots__ = ("event_id", "counseling_case")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNSELING_CASE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    counseling_case: _resources_pb2.CounselingCase
    def __init__(self, event_id: _Optional[str] = ..., counseling_case: _Optional[_Union[_resources_pb2.CounselingCase, _Mapping]] = ...) -> None: ...

class OfficeChanged(_message.Message):
    __slots__ = ("event_id", "office")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    office: _resources_pb2.Office
    def __init__(self, event_id: _Optional[str] = ..., office: _Optional[_Union[_resources_pb2.Office, _Mapping]] = ...) -> None: ...

class CertificateBlanksReceived(_message.Message):
    __slots__ = ("event_id", "office_code", "kind", "first_serial", "last_serial", "count", "received_date")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FIRST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    LAST_SERIAL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    office_code: str
    kind: _resources_pb2.CertificateBlankKind
    first_serial: str
    last_serial: str
    count: int
    received_date: str
    def __init__(self, event_id: _Optional[str] = ..., office_code: _Optional[str] = ..., kind: _Optional[_Union[_resources_pb2.CertificateBlankKind, str]] = ..., first_serial: _Optional[str] = ..., last_serial: _Optional[str] = ..., count: _Optional[int] = ..., received_date: _Optional[str] = ...) -> None: ...

class CertificateBlankChanged(_message.Message):
    __slots__ = ("event_id", "blank")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    BLANK_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    blank: _resources_pb2.CertificateBlank
    def __init__(self, event_id: _Optional[str] = ..., blank: _Optional[_Union[_resources_pb2.CertificateBlank, _Mapping]] = ...) -> None: ...
