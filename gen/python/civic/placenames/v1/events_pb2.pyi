from civic.placenames.v1 import divisions_pb2 as _divisions_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DivisionChanged(_message.Message):
    __slots__ = ("event_id", "code", "display_name", "parent_code", "level", "kind", "effective_date", "successor_code", "occur_time")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_CODE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    code: str
    display_name: str
    parent_code: str
    level: _divisions_pb2.DivisionLevel
    kind: _divisions_pb2.ChangeKind
    effective_date: str
    successor_code: str
    occur_time: str
    def __init__(self, event_id: _Optional[str] = ..., code: _Optional[str] = ..., display_name: _Optional[str] = ..., parent_code: _Optional[str] = ..., level: _Optional[_Union[_divisions_pb2.DivisionLevel, str]] = ..., kind: _Optional[_Union[_divisions_pb2.ChangeKind, str]] = ..., effective_date: _Optional[str] = ..., successor_code: _Optional[str] = ..., occur_time: _Optional[str] = ...) -> None: ...
