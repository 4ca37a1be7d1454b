"""Check a JSON value against a message descriptor before parsing it (proto3 JSON mapping), so that a
client learns every bad field at once — name, path and reason — instead of a parser's first error.
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import re
from typing import Any

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from gateway.problems import Violation

F = FieldDescriptor
_INT_TEXT = re.compile(r"^-?[0-9]+$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
_DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")
_SPECIAL_FLOATS = ("NaN", "Infinity", "-Infinity")
_INT_RANGES = {
    F.TYPE_INT32: (-(2**31), 2**31 - 1),
    F.TYPE_SINT32: (-(2**31), 2**31 - 1),
    F.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    F.TYPE_UINT32: (0, 2**32 - 1),
    F.TYPE_FIXED32: (0, 2**32 - 1),
    F.TYPE_INT64: (-(2**63), 2**63 - 1),
    F.TYPE_SINT64: (-(2**63), 2**63 - 1),
    F.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    F.TYPE_UINT64: (0, 2**64 - 1),
    F.TYPE_FIXED64: (0, 2**64 - 1),
}
WRAPPED = {
    "google.protobuf.DoubleValue": F.TYPE_DOUBLE,
    "google.protobuf.FloatValue": F.TYPE_FLOAT,
    "google.protobuf.Int64Value": F.TYPE_INT64,
    "google.protobuf.UInt64Value": F.TYPE_UINT64,
    "google.protobuf.Int32Value": F.TYPE_INT32,
    "google.protobuf.UInt32Value": F.TYPE_UINT32,
    "google.protobuf.BoolValue": F.TYPE_BOOL,
    "google.protobuf.StringValue": F.TYPE_STRING,
    "google.protobuf.BytesValue": F.TYPE_BYTES,
}
# Messages whose JSON form is a single string or number (so a query parameter can give them).
SCALAR_FORM = frozenset(
    {"google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask", *WRAPPED}
)

NOT_OBJECT = "应为 JSON 对象"
UNKNOWN_FIELD = "未知字段"


@functools.cache
def field_lookup(message: Descriptor) -> dict[str, FieldDescriptor]:
    """Both spellings of every field: proto name and lowerCamelCase JSON name (built once per
    message type; callers must not change the dict)."""
    names = {f.name: f for f in message.fields}
    names.update({f.json_name: f for f in message.fields})
    return names


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_message(message: Descriptor, value: Any, path: str = "") -> list[Violation]:
    special = _check_well_known(message, value, path)
    if special is not None:
        return special
    if not isinstance(value, dict):
        return [Violation(path, NOT_OBJECT)]
    fields = field_lookup(message)
    violations: list[Violation] = []
    seen: dict[str, str] = {}
    oneofs: dict[str, str] = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            violations.append(Violation(join(path, key), UNKNOWN_FIELD))
            continue
        where = join(path, field.json_name)
        if field.name in seen:
            violations.append(Violation(where, f"字段重复：{seen[field.name]} 与 {key} 是同一字段"))
            continue
        seen[field.name] = key
        if item is None:
            continue
        oneof = field.containing_oneof
        if oneof is not None and not oneof.name.startswith("_"):
            if oneof.name in oneofs:
                violations.append(Violation(where, f"与 {oneofs[oneof.name]} 只能填写其一"))
                continue
            oneofs[oneof.name] = field.json_name
        violations.extend(check_field(field, item, where))
    return violations


def check_field(field: FieldDescriptor, value: Any, path: str) -> list[Violation]:
    if _is_map(field):
        return _check_map(field, value, path)
    if field.is_repeated:
        if not isinstance(value, list):
            return [Violation(path, "应为数组")]
        return [v for index, item in enumerate(value) for v in _check_single(field, item, f"{path}[{index}]")]
    return _check_single(field, value, path)


def _check_single(field: FieldDescriptor, value: Any, path: str) -> list[Violation]:
    if value is None:
        if field.is_repeated:
            return [Violation(path, "数组元素不能为 null")]
        return []
    if field.type == F.TYPE_MESSAGE:
        return check_message(field.message_type, value, path)
    if field.type == F.TYPE_ENUM:
        return _check_enum(field.enum_type, value, path)
    problem = scalar_problem(field.type, value)
    return [Violation(path, problem)] if problem else []


def _check_map(field: FieldDescriptor, value: Any, path: str) -> list[Violation]:
    if not isinstance(value, dict):
        return [Violation(path, NOT_OBJECT)]
    key_field = field.message_type.fields_by_name["key"]
    value_field = field.message_type.fields_by_name["value"]
    violations = []
    for key, item in value.items():
        where = f"{path}[{key}]"
        if key_field.type == F.TYPE_BOOL and key not in ("true", "false"):
            violations.append(Violation(where, "键应为 true 或 false"))
        elif key_field.type in _INT_RANGES and scalar_problem(key_field.type, key):
            violations.append(Violation(where, "键应为整数"))
        if item is None:
            violations.append(Violation(where, "值不能为 null"))
        else:
            violations.extend(_check_single(value_field, item, where))
    return violations


def _check_enum(enum: EnumDescriptor, value: Any, path: str) -> list[Violation]:
    if isinstance(value, str) and value in enum.values_by_name:
        return []
    # A number only when the enum has it: the gateway and the services share one generated code, and
    # an unknown number would reach a service as a value it ignores (a list filter left unset).
    if isinstance(value, int) and not isinstance(value, bool) and value in enum.values_by_number:
        return []
    names = "、".join(enum.values_by_name)
    return [Violation(path, f"取值无效，应为以下之一：{names}")]


def scalar_problem(kind: int, value: Any) -> str | None:
    """Why `value` is not a proto3-JSON value of scalar type `kind` (None when it is)."""
    if kind == F.TYPE_STRING:
        return None if isinstance(value, str) else "应为字符串"
    if kind == F.TYPE_BOOL:
        return None if isinstance(value, bool) else "应为布尔值（true 或 false）"
    if kind == F.TYPE_BYTES:
        return None if isinstance(value, str) and _is_base64(value) else "应为 Base64 编码的字符串"
    if kind in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        return _float_problem(kind, value)
    return _int_problem(kind, value)


def _int_problem(kind: int, value: Any) -> str | None:
    if isinstance(value, bool):
        return "应为整数"
    if isinstance(value, float):
        if not value.is_integer():
            return "应为整数"
        value = int(value)
    elif isinstance(value, str):
        if not _INT_TEXT.match(value):
            return "应为整数"
        value = int(value)
    elif not isinstance(value, int):
        return "应为整数"
    low, high = _INT_RANGES[kind]
    return None if low <= value <= high else f"超出取值范围（{low} 至 {high}）"


def _float_problem(kind: int, value: Any) -> str | None:
    if isinstance(value, str):
        if value in _SPECIAL_FLOATS:
            return None
        try:
            value = float(value)
        except ValueError:
            return "应为数字"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "应为数字"
    if kind == F.TYPE_FLOAT and math.isfinite(value) and abs(value) > 3.4028234663852886e38:
        return "超出单精度浮点数的取值范围"
    return None


def _is_base64(text: str) -> bool:
    padded = text + "=" * (-len(text) % 4)
    try:
        base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _check_well_known(message: Descriptor, value: Any, path: str) -> list[Violation] | None:
    """Well-known types have their own JSON forms; None for ordinary messages."""
    name = message.full_name
    if name in WRAPPED:
        problem = scalar_problem(WRAPPED[name], value)
        return [Violation(path, problem)] if problem else []
    if name == "google.protobuf.Timestamp":
        ok = isinstance(value, str) and _TIMESTAMP.match(value)
        return [] if ok else [Violation(path, "应为 RFC 3339 时间，如 2024-05-20T09:30:00+08:00")]
    if name == "google.protobuf.Duration":
        ok = isinstance(value, str) and _DURATION.match(value)
        return [] if ok else [Violation(path, "应为以秒计的时长，如 1.5s")]
    if name == "google.protobuf.FieldMask":
        return [] if isinstance(value, str) else [Violation(path, "应为以逗号分隔的字段名")]
    if name == "google.protobuf.Struct":
        return [] if isinstance(value, dict) else [Violation(path, NOT_OBJECT)]
    if name == "google.protobuf.ListValue":
        return [] if isinstance(value, list) else [Violation(path, "应为数组")]
    if name == "google.protobuf.Value":
        return []
    if name == "google.protobuf.Any":
        ok = isinstance(value, dict) and isinstance(value.get("@type"), str)
        return [] if ok else [Violation(path, "应为带 @type 的 JSON 对象")]
    return None


def _is_map(field: FieldDescriptor) -> bool:
    return field.is_repeated and field.type == F.TYPE_MESSAGE and field.message_type.GetOptions().map_entry
