import datetime

from civic.api.v1 import audit_pb2 as _audit_pb2
from civic.api.v1 import policy_pb2 as _policy_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DivisionLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIVISION_LEVEL_UNSPECIFIED: _ClassVar[DivisionLevel]
    DIVISION_LEVEL_PROVINCE: _ClassVar[DivisionLevel]
    DIVISION_LEVEL_PREFECTURE: _ClassVar[DivisionLevel]
    DIVISION_LEVEL_COUNTY: _ClassVar[DivisionLevel]
    DIVISION_LEVEL_TOWNSHIP: _ClassVar[DivisionLevel]
    DIVISION_LEVEL_VILLAGE: _ClassVar[DivisionLevel]

class DivisionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIVISION_STATE_UNSPECIFIED: _ClassVar[DivisionState]
    DIVISION_STATE_ACTIVE: _ClassVar[DivisionState]
    DIVISION_STATE_MERGED: _ClassVar[DivisionState]
    DIVISION_STATE_ABOLISHED: _ClassVar[DivisionState]

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANGE_KIND_UNSPECIFIED: _ClassVar[ChangeKind]
    CHANGE_KIND_CREATED: _ClassVar[ChangeKind]
    CHANGE_KIND_RENAMED: _ClassVar[ChangeKind]
    CHANGE_KIND_MERGED: _ClassVar[ChangeKind]
    CHANGE_KIND_ABOLISHED: _ClassVar[ChangeKind]
DIVISION_LEVEL_UNSPECIFIED: DivisionLevel
DIVISION_LEVEL_PROVINCE: DivisionLevel
DIVISION_LEVEL_PREFECTURE: DivisionLevel
DIVISION_LEVEL_COUNTY: DivisionLevel
DIVISION_LEVEL_TOWNSHIP: DivisionLevel
DIVISION_LEVEL_VILLAGE: DivisionLevel
DIVISION_STATE_UNSPECIFIED: DivisionState
DIVISION_STATE_ACTIVE: DivisionState
DIVISION_STATE_MERGED: DivisionState
DIVISION_STATE_ABOLISHED: DivisionState
CHANGE_KIND_UNSPECIFIED: ChangeKind
CHANGE_KIND_CREATED: ChangeKind
CHANGE_KIND_RENAMED: ChangeKind
CHANGE_KIND_MERGED: ChangeKind
CHANGE_KIND_ABOLISHED: ChangeKind

class DivisionChange(_message.Message):
    __slots__ = ("kind", "effective_date", "name", "successor_code", "reason")
    KIND_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    kind: ChangeKind
    effective_date: str
    name: str
    successor_code: str
    reason: str
    def __init__(self, kind: _Optional[_Union[ChangeKind, str]] = ..., effective_date: _Optional[str] = ..., name: _Optional[str] = ..., successor_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Division(_message.Message):
    __slots__ = ("name", "code", "display_name", "level", "parent_code", "state", "effective_date", "end_date", "successor_code", "source", "history", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_CODE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    code: str
    display_name: str
    level: DivisionLevel
    parent_code: str
    state: DivisionState
    effective_date: str
    end_date: str
    successor_code: str
    source: str
    history: _containers.RepeatedCompositeFieldContainer[DivisionChange]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., display_name: _Optional[str] = ..., level: _Optional[_Union[DivisionLevel, str]] = ..., parent_code: _Optional[str] = ..., state: _Optional[_Union[DivisionState, str]] = ..., effective_date: _Optional[str] = ..., end_date: _Optional[str] = ..., successor_code: _Optional[str] = ..., source: _Optional[str] = ..., history: _Optional[_Iterable[_Union[DivisionChange, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetDivisionRequest(_message.Message):
    __slots__ = ("name", "as_of")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    name: str
    as_of: str
    def __init__(self, name: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class ListDivisionsRequest(_message.Message):
    __slots__ = ("parent_code", "level", "as_of", "include_retired", "page_size", "page_token")
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent_code: str
    level: DivisionLevel
    as_of: str
    include_retired: bool
    page_size: int
    page_token: str
    def __init__(self, parent_code: _Optional[str] = ..., level: _Optional[_Union[DivisionLevel, str]] = ..., as_of: _Optional[str] = ..., include_retired: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDivisionsResponse(_message.Message):
    __slots__ = ("divisions", "next_page_token", "total_size")
    DIVISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    divisions: _containers.RepeatedCompositeFieldContainer[Division]
    next_page_token: str
    total_size: int
    def __init__(self, divisions: _Optional[_Iterable[_Union[Division, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class CreateDivisionRequest(_message.Message):
    __slots__ = ("request_id", "code", "display_name", "parent_code", "effective_date", "source", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    code: str
    display_name: str
    parent_code: str
    effective_date: str
    source: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., code: _Optional[str] = ..., display_name: _Optional[str] = ..., parent_code: _Optional[str] = ..., effective_date: _Optional[str] = ..., source: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RenameDivisionRequest(_message.Message):
    __slots__ = ("request_id", "name", "new_display_name", "effective_date", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    new_display_name: str
    effective_date: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., new_display_name: _Optional[str] = ..., effective_date: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MergeDivisionRequest(_message.Message):
    __slots__ = ("request_id", "name", "successor_code", "effective_date", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_CODE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    successor_code: str
    effective_date: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., successor_code: _Optional[str] = ..., effective_date: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AbolishDivisionRequest(_message.Message):
    __slots__ = ("request_id", "name", "effective_date", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    effective_date: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., effective_date: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
