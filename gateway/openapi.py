"""OpenAPI 3.1, derived from the route table and the descriptors (plus the gateway's own endpoints).

Schemas follow the proto3 JSON mapping: lowerCamelCase names, 64-bit integers as strings, enums by
name, Timestamp as an RFC 3339 string; messages and enums are components named by full proto name.
"""

from __future__ import annotations

from typing import Any

from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from servicekit.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

from gateway import gateway_paths
from gateway.accounts.roles import ROLES, SCOPES
from gateway.jsonshape import WRAPPED
from gateway.problems import TITLES
from gateway.routes import Route, RouteTable, resolve_field
from gateway.templates import openapi_path

F = FieldDescriptor
OPENAPI_VERSION = "3.1.0"
MAX_QUERY_DEPTH = 3
_INT_BOUNDS = {
    F.TYPE_INT32: ("int32", -(2**31), 2**31 - 1),
    F.TYPE_SINT32: ("int32", -(2**31), 2**31 - 1),
    F.TYPE_SFIXED32: ("int32", -(2**31), 2**31 - 1),
    F.TYPE_UINT32: ("int64", 0, 2**32 - 1),
    F.TYPE_FIXED32: ("int64", 0, 2**32 - 1),
}
_INT64 = {F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64, F.TYPE_UINT64, F.TYPE_FIXED64}
_SPECIAL_FLOATS = ["NaN", "Infinity", "-Infinity"]
# Every List method's paging fields (AIP-158; servicekit.paging), described once for all of them.
_PAGING = {
    "page_size": f"每页条数：默认 {DEFAULT_PAGE_SIZE}（不填或 0），最多 {MAX_PAGE_SIZE}（更大的值按 {MAX_PAGE_SIZE}）；"
    "负数返回 400 INVALID_PAGE_SIZE。翻页时可以改变。",
    "page_token": "上一页响应中的 nextPageToken，原样传回（不透明：勿解析、勿拼接）；不填为第一页。"
    "令牌记下上一页最后一条记录的位置，下一页从其后接着列出：翻页期间新增的记录不会使已列出的记录"
    "重复出现或被跳过（排在该位置之前的新记录，从第一页重新查询可见）。翻页时其他查询参数须与第一页"
    "相同，否则返回 400 INVALID_PAGE_TOKEN。",
}
_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {
        "type": "string",
        "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$",
        "description": "时长（秒），如 1.5s",
    },
    "google.protobuf.FieldMask": {"type": "string", "description": "以逗号分隔的字段名"},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
    },
}
PROBLEM_STATUSES = ("400", "401", "403", "404", "409", "429", "500", "503")
BODY_PROBLEM_STATUSES = ("413", "415")
# Used by the gateway's own endpoints (gateway_paths) and its router.
GATEWAY_PROBLEM_STATUSES = ("405", "410")


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def problem_responses(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/Problem{status}"} for status in statuses}


class _Schemas:
    """Component schemas, added as messages and enums are reached."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def message(self, message: Descriptor) -> dict[str, Any]:
        if message.full_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[message.full_name])
        if message.full_name in WRAPPED:
            return self.scalar(WRAPPED[message.full_name])
        if message.full_name not in self.components:
            self.components[message.full_name] = {}  # placeholder: recursive messages refer to it
            self.components[message.full_name] = {
                "type": "object",
                "title": message.name,
                "properties": {f.json_name: self.field(f) for f in message.fields},
                "additionalProperties": False,
            }
        return ref(message.full_name)

    def enum(self, enum: EnumDescriptor) -> dict[str, Any]:
        if enum.full_name not in self.components:
            self.components[enum.full_name] = {
                "type": "string",
                "title": enum.name,
                "enum": [v.name for v in enum.values],
            }
        return ref(enum.full_name)

    def field(self, field: FieldDescriptor) -> dict[str, Any]:
        if field.type == F.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
            schema: dict[str, Any] = {
                "type": "object",
                "additionalProperties": self.single(field.message_type.fields_by_name["value"]),
            }
        elif field.is_repeated:
            schema = {"type": "array", "items": self.single(field)}
        else:
            schema = self.single(field)
        if _output_only(field):
            schema["readOnly"] = True
        return schema

    def single(self, field: FieldDescriptor) -> dict[str, Any]:
        if field.type == F.TYPE_MESSAGE:
            return self.message(field.message_type)
        if field.type == F.TYPE_ENUM:
            return self.enum(field.enum_type)
        return self.scalar(field.type)

    @staticmethod
    def scalar(kind: int) -> dict[str, Any]:
        if kind == F.TYPE_STRING:
            return {"type": "string"}
        if kind == F.TYPE_BOOL:
            return {"type": "boolean"}
        if kind == F.TYPE_BYTES:
            return {"type": "string", "format": "byte", "contentEncoding": "base64"}
        if kind in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
            return {
                "anyOf": [{"type": "number"}, {"type": "string", "enum": _SPECIAL_FLOATS}],
                "format": "double" if kind == F.TYPE_DOUBLE else "float",
            }
        if kind in _INT64:
            return {"type": "string", "format": "int64", "pattern": "^-?[0-9]{1,20}$"}
        fmt, low, high = _INT_BOUNDS[kind]
        return {"type": "integer", "format": fmt, "minimum": low, "maximum": high}


def _output_only(field: FieldDescriptor) -> bool:
    behaviors = field.GetOptions().Extensions[field_behavior_pb2.field_behavior]
    return field_behavior_pb2.OUTPUT_ONLY in behaviors


def _json_path(message: Descriptor, path: tuple[str, ...]) -> str:
    return ".".join(f.json_name for f in resolve_field(message, path))


class OpenApiBuilder:
    def __init__(
        self, routes: RouteTable, feed_max_wait_s: float = 30.0, title: str = "Civic API", version: str = "v1"
    ) -> None:
        self._routes = routes
        self._feed_max_wait_s = feed_max_wait_s
        self._title = title
        self._version = version
        self._schemas = _Schemas()

    def build(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        operation_ids: dict[str, int] = {}
        tags: dict[str, str] = {}
        for route in sorted(self._routes, key=lambda r: (r.template.source, r.http_method)):
            path, operation = self._operation(route)
            seen = operation_ids.get(route.operation_id, 0)
            operation_ids[route.operation_id] = seen + 1
            if seen:  # additional bindings of the same RPC
                operation["operationId"] = f"{route.operation_id}_{seen + 1}"
            paths.setdefault(path, {})[route.http_method.lower()] = operation
            tags.setdefault(route.service.descriptor.name, route.service.doc())
        for path, item in gateway_paths.paths(self._feed_max_wait_s).items():
            paths.setdefault(path, {}).update(item)
        components_schemas = {**gateway_paths.SCHEMAS, **self._schemas.components}
        return {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": self._title,
                "version": self._version,
                "description": "民政业务系统对外接口：各业务服务的 JSON 接口由 gRPC 定义自动生成；"
                "错误以 application/problem+json（RFC 9457）返回。",
            },
            "servers": [{"url": "/"}],
            "tags": [{"name": name, "description": doc} for name, doc in sorted(tags.items())]
            + gateway_paths.TAGS,
            "paths": dict(sorted(paths.items())),
            "components": {
                "schemas": dict(sorted(components_schemas.items())),
                "responses": {
                    f"Problem{status}": {
                        "description": TITLES.get(int(status), status),
                        "content": {"application/problem+json": {"schema": ref("Problem")}},
                    }
                    for status in sorted({*PROBLEM_STATUSES, *BODY_PROBLEM_STATUSES, *GATEWAY_PROBLEM_STATUSES})
                },
                "securitySchemes": security_schemes(),
            },
        }

    def _operation(self, route: Route) -> tuple[str, dict[str, Any]]:
        request = route.method.input_type
        json_names = {v.field_path: _json_path(request, v.field_path) for v in route.template.variables}
        path, path_params = openapi_path(route.template, json_names)
        doc = route.service.doc(route.method)
        parameters = [
            self._path_parameter(request, p.name, p.whole_field, p.multi_segment, p.variable, json_names)
            for p in path_params
        ]
        if not route.body or route.body != "*" or route.client_streaming:
            parameters += self._query_parameters(route)
        operation: dict[str, Any] = {
            "operationId": route.operation_id,
            "summary": doc.splitlines()[0] if doc else route.method.name,
            "tags": [route.service.descriptor.name],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "成功",
                    "content": {"application/json": {"schema": self._response(route)}},
                },
                **problem_responses(*PROBLEM_STATUSES, *(BODY_PROBLEM_STATUSES if route.body else ())),
            },
            "security": [{"bearerAuth": []}, {"oauth2": sorted(route.policy.scopes)}],
            "x-civic-roles": sorted(route.policy.roles),
            "x-civic-scopes": sorted(route.policy.scopes),
            "x-civic-read-only": route.policy.read_only,
            "x-civic-grpc-method": route.full_method,
        }
        if doc:
            operation["description"] = doc
        if route.body:
            operation["requestBody"] = self._request_body(route, set(json_names))
        if route.method.input_type.fields_by_name.get("request_id") is not None:
            operation["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "幂等键：作为请求的 requestId（请求体未给出时）；重试同一请求不会重复执行，"
                    "返回首次的结果；同一键用于内容不同或另一调用方的请求时拒绝（400 REQUEST_ID_REUSED）",
                }
            )
        return path, operation

    def _path_parameter(
        self,
        request: Descriptor,
        name: str,
        whole: bool,
        multi: bool,
        variable: Any,
        json_names: dict[tuple[str, ...], str],
    ) -> dict[str, Any]:
        if variable is None:
            description = "路径段"
        elif whole:
            description = f"字段 {json_names[variable.field_path]}"
        else:
            description = f"资源名 {json_names[variable.field_path]} 中的一段"
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if not multi:
            schema["pattern"] = "^[^/]+$"
        field = resolve_field(request, variable.field_path)[-1] if whole and variable is not None else None
        if field is not None and field.type not in (F.TYPE_STRING, F.TYPE_MESSAGE):
            schema = self._schemas.single(field)  # a number or an enum: the whole segment is its value
        return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}

    def _query_parameters(self, route: Route) -> list[dict[str, Any]]:
        bound = route.bound_fields()
        params: list[dict[str, Any]] = []

        def walk(message: Descriptor, prefix: tuple[str, ...], json_prefix: str, depth: int) -> None:
            for field in message.fields:
                path = (*prefix, field.name)
                if path in bound or _output_only(field):
                    continue
                name = f"{json_prefix}{field.json_name}"
                is_map = field.type == F.TYPE_MESSAGE and field.message_type.GetOptions().map_entry
                nested = (
                    field.type == F.TYPE_MESSAGE
                    and field.message_type.full_name not in _WELL_KNOWN
                    and field.message_type.full_name not in WRAPPED
                )
                if is_map or (nested and field.is_repeated):
                    continue
                if nested:
                    if depth < MAX_QUERY_DEPTH:
                        walk(field.message_type, path, name + ".", depth + 1)
                    continue
                schema = self._schemas.field(field)
                schema.pop("readOnly", None)
                param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema}
                if not prefix and field.name in _PAGING:
                    param["description"] = _PAGING[field.name]
                if not prefix and field.name == "page_size":  # as servicekit.paging.page_size takes it
                    schema.update(minimum=0, default=DEFAULT_PAGE_SIZE)
                if field.is_repeated:
                    param.update(style="form", explode=True)
                params.append(param)

        walk(route.method.input_type, (), "", 1)
        return params

    def _request_body(self, route: Route, path_fields: set[tuple[str, ...]]) -> dict[str, Any]:
        request = route.method.input_type
        if route.body == "*":
            schema = self._body_schema(request, {p for p in path_fields if len(p) == 1})
        else:
            schema = self._schemas.field(request.fields_by_name[route.body])
        if not route.client_streaming:
            return {"required": False, "content": {"application/json": {"schema": schema}}}
        content: dict[str, Any] = {
            "application/json": {
                "schema": {"oneOf": [{"type": "array", "items": schema, "minItems": 1}, schema]}
            },
            "application/x-ndjson": {"schema": {"type": "string"}, "x-description": "每行一条 JSON 消息"},
        }
        single_bytes = [f for f in request.fields if f.type == F.TYPE_BYTES and not f.is_repeated]
        if len(single_bytes) == 1:
            content["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
        return {
            "required": True,
            "description": "流式上传：每条消息为一项；查询参数给出的字段用于每一条消息。"
            + (
                f" 其他内容类型按原始字节分块写入 {single_bytes[0].json_name}。"
                if len(single_bytes) == 1
                else ""
            ),
            "content": content,
        }

    def _body_schema(self, request: Descriptor, path_fields: set[tuple[str, ...]]) -> dict[str, Any]:
        """The request message without the fields the path gives (when there are any)."""
        full = self._schemas.message(request)
        if not path_fields:
            return full
        component = self._schemas.components[request.full_name]
        taken = {_json_path(request, p) for p in path_fields}
        name = f"{request.full_name}_Body"
        self._schemas.components[name] = {
            **component,
            "title": f"{request.name}（请求体）",
            "properties": {k: v for k, v in component["properties"].items() if k not in taken},
        }
        return ref(name)

    def _response(self, route: Route) -> dict[str, Any]:
        if route.response_body:
            return self._schemas.field(route.method.output_type.fields_by_name[route.response_body])
        return self._schemas.message(route.method.output_type)


def security_schemes() -> dict[str, Any]:
    return {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "POST /v1/auth/token 换取的访问令牌（15 分钟有效）",
        },
        "oauth2": {
            "type": "oauth2",
            "flows": {
                "password": {"tokenUrl": "/v1/auth/token", "scopes": {}},
                "clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": dict(SCOPES)},
            },
            "description": "工作人员：password；数据交换平台：client_credentials。角色："
            + "、".join(f"{k}（{v}）" for k, v in ROLES.items()),
        },
    }
