"""HTTP ↔ protobuf for one route: path variables, query parameters and the body → the request
message; the response message → proto3 JSON (lowerCamelCase, unset scalars shown)."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterable
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway import jsonshape
from gateway.problems import Violation, bad_request
from gateway.routes import Route

F = FieldDescriptor
REQUEST_ID_FIELD = "request_id"
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_REQUEST_ID = 200

# protobuf renamed the option in 5.26 (including_default_value_fields → …_with_no_presence).
_PRINT_DEFAULTS = (
    "always_print_fields_with_no_presence"
    if "always_print_fields_with_no_presence" in inspect.signature(json_format.MessageToDict).parameters
    else "including_default_value_fields"
)


def to_json_dict(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(message, **{_PRINT_DEFAULTS: True})


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def response_json(route: Route, message: Message) -> bytes:
    rendered = to_json_dict(message)
    if route.response_body:
        rendered = rendered.get(route.method.output_type.fields_by_name[route.response_body].json_name)
    return dumps(rendered)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


# What the json module says where a document breaks (JSONDecodeError.msg), in Chinese.
_JSON_ERRORS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为双引号括起的字段名",
    "Expecting ':' delimiter": "此处应为冒号 :",
    "Expecting ',' delimiter": "此处应为逗号 ,",
    "Unterminated string starting at": "字符串没有结束的引号",
    "Invalid control character at": "字符串中有未转义的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\u" + "X" * 4 + " escape": "无效的 \\u 转义",  # the json module's words: \\u and four hex digits
    "Extra data": "JSON 文档结束后还有多余内容",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


def parse_json(raw: bytes, where: str = "") -> Any:
    """Strict JSON (UTF-8, no NaN, no duplicate keys, no unpaired surrogate escapes) or a 400 problem
    saying where it broke."""
    try:
        document = json.loads(
            raw.decode("utf-8"), parse_constant=_no_constants, object_pairs_hook=_unique_keys
        )
    except UnicodeDecodeError as exc:
        raise bad_request(
            "MALFORMED_JSON",
            "请求体不是有效的 UTF-8 文本",
            [Violation(where, f"第 {exc.start} 个字节处编码无效")],
        ) from exc
    except json.JSONDecodeError as exc:
        raise bad_request(
            "MALFORMED_JSON",
            "请求体不是有效的 JSON",
            [Violation(where, f"第 {exc.lineno} 行第 {exc.colno} 列：{_JSON_ERRORS.get(exc.msg, exc.msg)}")],
        ) from exc
    except ValueError as exc:
        raise bad_request("MALFORMED_JSON", "请求体不是有效的 JSON", [Violation(where, str(exc))]) from exc
    except RecursionError as exc:
        raise bad_request("MALFORMED_JSON", "请求体嵌套过深", [Violation(where, "嵌套层数过多")]) from exc
    broken = _unpaired_surrogates(document, where)
    if broken:
        raise bad_request(
            "MALFORMED_JSON",
            "请求体含有无效的 Unicode 字符",
            [Violation(path, "含有不成对的 UTF-16 代理项（如 \\ud800），不是有效的 Unicode 字符") for path in broken],
        )
    return document


def _has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _unpaired_surrogates(value: Any, path: str, found: list[str] | None = None) -> list[str]:
    """Where a string (key or value) holds a lone surrogate: JSON can spell one as an escape, but it
    is no character (protobuf refuses it, and a problem naming such a key could not be written)."""
    found = [] if found is None else found
    if isinstance(value, str):
        if _has_surrogate(value):
            found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            bad_key = _has_surrogate(key)
            where = jsonshape.join(path, key.encode("utf-8", "backslashreplace").decode() if bad_key else key)
            if bad_key:
                found.append(where)
            _unpaired_surrogates(item, where, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _unpaired_surrogates(item, f"{path}[{index}]", found)
    return found


def build_request(
    route: Route,
    path_values: dict[tuple[str, ...], str],
    query: Iterable[tuple[str, str]],
    body: Any,
    idempotency_key: str = "",
    where: str = "",
) -> Message:
    """The request message, or a 400 problem listing every bad field."""
    message = route.request_class()
    try:
        violations = _apply_body(route, message, body, where)
    except RecursionError:  # a self-nesting message type, nested beyond reason
        violations = [Violation(where, "嵌套层数过多")]
    violations += _apply_params(route, message, path_values, query)
    if violations:
        raise bad_request("INVALID_ARGUMENT", "请求中有字段无效", violations)
    if idempotency_key:
        apply_idempotency_key(message, idempotency_key)
    return message


def check_idempotency_key(key: str) -> str:
    if len(key) > MAX_REQUEST_ID or not key.isprintable():
        raise bad_request(
            "INVALID_IDEMPOTENCY_KEY",
            f"Idempotency-Key 须为不超过 {MAX_REQUEST_ID} 个可打印字符",
            [Violation("Idempotency-Key", "格式无效")],
        )
    return key


def apply_idempotency_key(message: Message, key: str) -> None:
    """`Idempotency-Key` fills the request's `request_id` when the request has one and left it empty."""
    field = message.DESCRIPTOR.fields_by_name.get(REQUEST_ID_FIELD)
    if (
        field is not None
        and field.type == F.TYPE_STRING
        and not field.is_repeated
        and not getattr(message, REQUEST_ID_FIELD)
    ):
        setattr(message, REQUEST_ID_FIELD, key)


def _apply_body(route: Route, message: Message, body: Any, where: str) -> list[Violation]:
    if not route.body:
        return []
    if route.body == "*":
        violations = _prefixed(jsonshape.check_message(message.DESCRIPTOR, body), where)
        document = body
    else:
        field = route.body_field
        assert field is not None
        # Paths are relative to the request message (as services report them): thing.title.
        violations = _prefixed(jsonshape.check_field(field, body, field.json_name), where)
        document = {field.json_name: body}
    if violations:
        return violations
    return _parse_into(document, message, where)


def _prefixed(violations: list[Violation], where: str) -> list[Violation]:
    if not where:
        return violations
    return [
        Violation(
            jsonshape.join(where, v.field) if not v.field.startswith("[") else where + v.field, v.description
        )
        for v in violations
    ]


def _parse_into(document: Any, message: Message, where: str) -> list[Violation]:
    """json_format does the actual parse; what it still rejects (after our checks) is reported."""
    try:
        json_format.ParseDict(document, message)
    except json_format.ParseError as exc:
        return [Violation(where, f"无法解析：{exc}")]
    return []


def _apply_params(
    route: Route, message: Message, path_values: dict[tuple[str, ...], str], query: Iterable[tuple[str, str]]
) -> list[Violation]:
    violations: list[Violation] = []
    for field_path, text in path_values.items():
        violations += _set_param(
            message, _chain(message.DESCRIPTOR, field_path), [text], ".".join(field_path)
        )
    grouped: dict[tuple[str, ...], tuple[str, list[str]]] = {}
    for name, text in query:
        try:
            chain = _resolve_query_name(message.DESCRIPTOR, name)
        except LookupError:
            violations.append(Violation(name, "未知的查询参数"))
            continue
        canonical = tuple(f.name for f in chain)
        grouped.setdefault(canonical, (name, []))[1].append(text)
    bound = route.bound_fields()
    for canonical, (name, texts) in grouped.items():
        # With body "*" every field not in the path comes from the body — except for client-streaming
        # RPCs, where query parameters give fields common to every message of the stream.
        whole_body = route.body == "*" and not route.client_streaming
        if whole_body or any(canonical[:n] in bound for n in range(1, len(canonical) + 1)):
            violations.append(Violation(name, "该字段由路径或请求体给出，不能作为查询参数"))
            continue
        violations += _set_param(message, _chain(message.DESCRIPTOR, canonical), texts, name)
    return violations


def _chain(message: Descriptor, path: tuple[str, ...]) -> list[FieldDescriptor]:
    chain, current = [], message
    for name in path:
        field = current.fields_by_name[name]
        chain.append(field)
        current = field.message_type
    return chain


def _resolve_query_name(message: Descriptor, name: str) -> list[FieldDescriptor]:
    chain: list[FieldDescriptor] = []
    current: Descriptor | None = message
    for part in name.split("."):
        if current is None or current.full_name in jsonshape.SCALAR_FORM:
            raise LookupError(name)
        field = jsonshape.field_lookup(current).get(part)
        if field is None:
            raise LookupError(name)
        if chain and chain[-1].is_repeated:
            raise LookupError(name)
        chain.append(field)
        current = field.message_type if field.type == F.TYPE_MESSAGE else None
    return chain


def _set_param(
    message: Message, chain: list[FieldDescriptor], texts: list[str], name: str
) -> list[Violation]:
    leaf = chain[-1]
    if leaf.type == F.TYPE_MESSAGE and leaf.message_type.full_name not in jsonshape.SCALAR_FORM:
        return [Violation(name, "该字段是对象，须用“字段.子字段”形式给出各子字段")]
    if not leaf.is_repeated and len(texts) > 1:
        return [Violation(name, "该参数只能给出一次")]
    values = [_from_text(leaf, text) for text in texts]
    value: Any = values if leaf.is_repeated else values[0]
    problems = jsonshape.check_field(leaf, value, name)
    if problems:
        return problems
    parent = message
    for field in chain[:-1]:
        parent = getattr(parent, field.name)
    return _parse_into({leaf.json_name: value}, parent, name)


def _from_text(field: FieldDescriptor, text: str) -> Any:
    """A query or path string → the JSON value the proto3 mapping expects for the field."""
    kind = field.type
    if kind == F.TYPE_MESSAGE:
        kind = jsonshape.WRAPPED.get(field.message_type.full_name, F.TYPE_STRING)
    if kind == F.TYPE_BOOL:
        return {"true": True, "1": True, "false": False, "0": False}.get(text.lower(), text)
    if kind in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        try:
            return text if text in ("NaN", "Infinity", "-Infinity") else float(text)
        except ValueError:
            return text
    if kind == F.TYPE_ENUM and text.lstrip("-").isdigit():
        return int(text)
    return text


def json_field_path(message: Descriptor, proto_path: str) -> str:
    """`parties[0].id_number` (how services name fields) → `parties[0].idNumber` (how clients do)."""
    parts = []
    current: Descriptor | None = message
    for segment in proto_path.split("."):
        name, bracket, rest = segment.partition("[")
        field = jsonshape.field_lookup(current).get(name) if current is not None else None
        if field is None:
            parts.append(segment)
            current = None
            continue
        parts.append(field.json_name + (bracket + rest if bracket else ""))
        current = field.message_type if field.type == F.TYPE_MESSAGE else None
        if current is not None and current.GetOptions().map_entry:
            current = current.fields_by_name["value"].message_type
    return ".".join(parts)


def problem_renamer(route: Route):  # noqa: ANN201 - Callable[[str], str]
    return lambda path: json_field_path(route.method.input_type, path)
