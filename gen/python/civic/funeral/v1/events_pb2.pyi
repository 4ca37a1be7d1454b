from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class DeathRecorded(_message.Message):
    __slots__ = ("event_id", "id_type", "id_number", "name", "death_date", "certificate_number", "office_code")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEATH_DATE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OFFICE_CODE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    id_type: str
    id_number: str
    name: str
    death_date: str
    certificate_number: str
    office_code: str
    def __init__(self, event_id: _Optional[str] = ..., id_type: _Optional[str] = ..., id_number: _Optional[str] = ..., name: _Optional[str] = ..., death_date: _Optional[str] = ..., certificate_number: _Optional[str] = ..., office_code: _Optional[str] = ...) -> None: ...
