"""OpenAPI of the gateway's own endpoints (sign-in, accounts, change feed, operations): these are not
gRPC methods, so they are described here, next to nothing else."""

from __future__ import annotations

from typing import Any

from gateway.problems import MAX_VIOLATIONS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problems(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/Problem{status}"} for status in statuses}


def _json(schema: dict[str, Any], description: str = "成功") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
# 培训考核合格日期 (rules.md §1.4): a registrar registers until 2 years after it; null = not recorded.
_ASSESSED_ON = {"type": ["string", "null"], "format": "date",
                "description": "婚姻登记员最近一次培训考核合格日期（YYYY-MM-DD）；此后两年内可办理登记；null 表示未登记"}
_BEARER = [{"bearerAuth": []}, {"oauth2": []}]
_ADMIN = {"security": _BEARER, "tags": ["Admin"], "x-civic-roles": ["admin"]}
_USERNAME = {
    "name": "username",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[^/:]+$"},
}
_CLIENT_ID = {
    "name": "clientId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[^/:]+$"},
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {
            "type": _STRING,
            "title": _STRING,
            "status": {"type": "integer"},
            "detail": _STRING,
            "reason": {"type": "string", "description": "稳定的英文错误码（UPPER_SNAKE）"},
            "violations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": _STRING, "description": _STRING},
                    "required": ["field", "description"],
                },
            },
            "violationsOmitted": {
                "type": "integer",
                "description": f"violations 最多列出 {MAX_VIOLATIONS} 条；其余的条数（没有省略时不出现）",
            },
            "requestId": _STRING,
            "domain": _STRING,
            "metadata": {"type": "object", "additionalProperties": _STRING},
        },
        "required": ["type", "title", "status", "detail", "reason", "violations", "requestId"],
    },
    "TokenRequest": {
        "type": "object",
        "properties": {
            "grant_type": {"type": "string", "enum": ["password", "client_credentials"]},
            "username": _STRING,
            "password": _STRING,
            "client_id": _STRING,
            "client_secret": _STRING,
            "scope": {"type": "string", "description": "以空格分隔的授权范围"},
        },
        "required": ["grant_type"],
    },
    "TokenResponse": {
        "type": "object",
        "properties": {
            "access_token": _STRING,
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_in": {"type": "integer"},
            "scope": _STRING,
        },
        "required": ["access_token", "token_type", "expires_in", "scope"],
    },
    "Me": {
        "type": "object",
        "properties": {
            "subject": _STRING,
            "kind": {"type": "string", "enum": ["staff", "client"]},
            "displayName": _STRING,
            "roles": _STRINGS,
            "scopes": _STRINGS,
            "jurisdiction": _STRING,
            "expireTime": {"type": "string", "format": "date-time"},
            "registrarQualification": _ref("RegistrarQualification"),
        },
        "required": ["subject", "kind", "displayName", "roles", "scopes", "jurisdiction", "expireTime"],
    },
    "RegistrarQualification": {
        "type": "object",
        "description": "婚姻登记员的培训考核状态（仅婚姻登记员）：按网关当日计算",
        "properties": {
            "state": {"type": "string", "enum": ["CURRENT", "LAPSING", "LAPSED", "UNRECORDED"]},
            "assessedOn": _ASSESSED_ON,
            "qualifiedUntil": {"type": ["string", "null"], "format": "date",
                               "description": "可办理登记的最后一日（合格日期后两年）"},
            "daysLeft": {"type": ["integer", "null"]},
        },
        "required": ["state", "assessedOn", "qualifiedUntil", "daysLeft"],
    },
    "Event": {
        "type": "object",
        "properties": {
            "cursor": {"type": "string", "description": "流序号；作为下次请求的 after"},
            "id": _STRING,
            "type": {"type": "string", "description": "事件消息的 proto 全名"},
            "subject": _STRING,
            "time": {"type": "string", "format": "date-time"},
            "officeCode": {"type": "string", "description": "事件所涉记录所属机关的区划代码（早期事件可能为空）"},
            "data": {"type": ["object", "null"], "description": "事件内容（proto3 JSON）"},
        },
        "required": ["cursor", "id", "type", "subject", "time", "officeCode", "data"],
    },
    "EventPage": {
        "type": "object",
        "properties": {
            "events": {"type": "array", "items": _ref("Event")},
            "next": {"type": "string", "description": "下次请求的 after：已读到的最后一个事件的游标（含管辖范围外未返回的事件）"},
        },
        "required": ["events", "next"],
    },
    "Account": {
        "type": "object",
        "properties": {
            "username": _STRING,
            "displayName": _STRING,
            "roles": _STRINGS,
            "jurisdiction": _STRING,
            "active": {"type": "boolean"},
            "failedAttempts": {"type": "integer"},
            "lockedUntil": _NULLABLE_TIME,
            "assessedOn": _ASSESSED_ON,
            "registrarQualification": _ref("RegistrarQualification"),
            "createTime": _NULLABLE_TIME,
            "updateTime": _NULLABLE_TIME,
        },
        "required": ["username", "displayName", "roles", "jurisdiction", "active"],
    },
    "NewAccount": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "username": _STRING,
            "password": {"type": "string", "minLength": 8},
            "roles": _STRINGS,
            "jurisdiction": _STRING,
            "displayName": _STRING,
            "assessedOn": _ASSESSED_ON,
        },
        "required": ["username", "password", "roles"],
    },
    "AccountChanges": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "displayName": _STRING,
            "roles": _STRINGS,
            "jurisdiction": _STRING,
            "active": {"type": "boolean"},
            "password": {"type": "string", "minLength": 8},
            "assessedOn": _ASSESSED_ON,
        },
    },
    "ExchangeClient": {
        "type": "object",
        "properties": {
            "clientId": _STRING,
            "displayName": _STRING,
            "scopes": _STRINGS,
            "jurisdiction": _STRING,
            "active": {"type": "boolean"},
            "createTime": _NULLABLE_TIME,
            "updateTime": _NULLABLE_TIME,
            "clientSecret": {"type": "string", "description": "仅在创建或重置密钥时返回一次"},
        },
        "required": ["clientId", "displayName", "scopes", "jurisdiction", "active"],
    },
    "ExchangeClientChanges": {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "description": "只修改所提供的字段。修改授权范围、辖区或启用状态时，该客户端已签发的令牌全部失效。",
        "properties": {
            "active": {"type": "boolean"},
            "scopes": {**_STRINGS, "minItems": 1, "description": "授权范围（feed.read、import.write）"},
            "jurisdiction": {"type": "string", "description": "区划代码前缀（2、4、6、9 或 12 位数字），空表示全局"},
            "displayName": _STRING,
        },
    },
    "NewExchangeClient": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "clientId": _STRING,
            "scopes": _STRINGS,
            "jurisdiction": _STRING,
            "displayName": _STRING,
        },
        "required": ["clientId", "scopes"],
    },
    "Health": {
        "type": "object",
        "properties": {
            "status": _STRING,
            "checks": {"type": "object", "additionalProperties": {"type": "boolean"}},
        },
    },
}

_TOKEN_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _ref("TokenRequest")},
        "application/json": {"schema": _ref("TokenRequest")},
    },
}


def paths(feed_max_wait_s: float) -> dict[str, dict[str, Any]]:
    return {**_PATHS, "/v1/exchange/events": _feed(feed_max_wait_s)}


def _feed(max_wait_s: float) -> dict[str, Any]:
    return {
        "get": {
            "operationId": "Exchange.ListEvents",
            "tags": ["Exchange"],
            "summary": "变更事件流（按游标增量读取）",
            "description": "按流序号递增返回调用方管辖范围内机关的事件；保存 next，下次以 after 传入即可不重不漏"
            "（管辖范围外的事件不返回，故 next 可能大于本页最后一个事件的 cursor，本页也可能为空而 next 前移）。"
            "wait>0 时若暂无新事件则最多等待该秒数（长轮询）。"
            "after 超出事件流末尾时返回 400（CURSOR_AHEAD_OF_STREAM）；after 之后的事件已不再保留时返回 410"
            "（CURSOR_EXPIRED，metadata.firstAvailable 为最早可读游标），须重新全量同步。",
            "security": [{"bearerAuth": []}, {"oauth2": ["feed.read"]}],
            "x-civic-roles": ["supervisor", "auditor"],
            "x-civic-scopes": ["feed.read"],
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                },
                {
                    "name": "wait",
                    "in": "query",
                    "schema": {"type": "number", "minimum": 0, "maximum": max_wait_s, "default": 0},
                },
                {
                    "name": "subject",
                    "in": "query",
                    "schema": {"type": "string", "pattern": r"^civic(\.[^.\s]+)*$"},
                    "description": "只读取该主题的事件，如 civic.marriage.>",
                },
            ],
            "responses": {"200": _json(_ref("EventPage")), **_problems("400", "401", "403", "410", "503")},
        }
    }


_PATHS: dict[str, dict[str, Any]] = {
    "/v1/auth/token": {
        "post": {
            "operationId": "Auth.Token",
            "tags": ["Auth"],
            "summary": "登录：换取访问令牌（OAuth 2.0 token endpoint）",
            "description": "password（工作人员）或 client_credentials（数据交换平台，亦可用 HTTP Basic "
            "认证）。连续失败会逐步延迟，达到上限后账号锁定。",
            "security": [],
            "requestBody": _TOKEN_BODY,
            "responses": {
                "200": _json(_ref("TokenResponse")),
                **_problems("400", "401", "403", "413", "415", "429"),
            },
        }
    },
    "/v1/auth/renew": {
        "post": {
            "operationId": "Auth.Renew",
            "tags": ["Auth"],
            "summary": "续期：以当前令牌换取新令牌（工作人员）",
            "description": "当前令牌随即注销；新令牌沿用原登录时间，登录满 session_max_s（默认 12 小时）后须重新输入密码。"
            "数据交换客户端不适用，请重新以客户端凭证换取令牌。",
            "security": _BEARER,
            "responses": {"200": _json(_ref("TokenResponse")), **_problems("400", "401", "403")},
        }
    },
    "/v1/auth/revoke": {
        "post": {
            "operationId": "Auth.Revoke",
            "tags": ["Auth"],
            "summary": "退出登录：注销当前令牌",
            "security": _BEARER,
            "responses": {"204": {"description": "已注销"}, **_problems("401")},
        }
    },
    "/v1/auth/me": {
        "get": {
            "operationId": "Auth.Me",
            "tags": ["Auth"],
            "summary": "当前登录者",
            "security": _BEARER,
            "responses": {"200": _json(_ref("Me")), **_problems("401")},
        }
    },
    "/v1/admin/users": {
        "get": {
            "operationId": "Admin.ListUsers",
            "summary": "账号列表（本辖区）",
            **_ADMIN,
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {"users": {"type": "array", "items": _ref("Account")}},
                        "required": ["users"],
                    }
                ),
                **_problems("401", "403"),
            },
        },
        "post": {
            "operationId": "Admin.CreateUser",
            "summary": "创建账号",
            **_ADMIN,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NewAccount")}},
            },
            "responses": {
                "201": _json(_ref("Account"), "已创建"),
                **_problems("400", "401", "403", "409", "413", "415"),
            },
        },
    },
    "/v1/admin/users/{username}": {
        "parameters": [_USERNAME],
        "get": {
            "operationId": "Admin.GetUser",
            "summary": "查看账号",
            **_ADMIN,
            "responses": {"200": _json(_ref("Account")), **_problems("401", "403", "404")},
        },
        "patch": {
            "operationId": "Admin.UpdateUser",
            "summary": "修改账号（角色、辖区、停用、重设密码、培训考核合格日期）",
            **_ADMIN,
            "description": "修改密码、角色、辖区、培训考核合格日期或停用时，该账号已签发的令牌全部失效。",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("AccountChanges")}},
            },
            "responses": {
                "200": _json(_ref("Account")),
                **_problems("400", "401", "403", "404", "413", "415"),
            },
        },
    },
    "/v1/admin/users/{username}:unlock": {
        "parameters": [_USERNAME],
        "post": {
            "operationId": "Admin.UnlockUser",
            "summary": "解除账号锁定",
            **_ADMIN,
            "responses": {"200": _json(_ref("Account")), **_problems("401", "403", "404")},
        },
    },
    "/v1/admin/clients": {
        "get": {
            "operationId": "Admin.ListClients",
            "summary": "数据交换客户端列表",
            **_ADMIN,
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {"clients": {"type": "array", "items": _ref("ExchangeClient")}},
                        "required": ["clients"],
                    }
                ),
                **_problems("401", "403"),
            },
        },
        "post": {
            "operationId": "Admin.CreateClient",
            "summary": "创建数据交换客户端（密钥仅返回一次）",
            **_ADMIN,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NewExchangeClient")}},
            },
            "responses": {
                "201": _json(_ref("ExchangeClient"), "已创建"),
                **_problems("400", "401", "403", "409", "413", "415"),
            },
        },
    },
    "/v1/admin/clients/{clientId}": {
        "parameters": [_CLIENT_ID],
        "patch": {
            "operationId": "Admin.UpdateClient",
            "summary": "修改数据交换客户端（启用、停用、授权范围、辖区、名称）",
            **_ADMIN,
            "description": "修改授权范围、辖区或启用状态时，该客户端已签发的令牌全部失效，须以客户端凭证重新换取。",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ExchangeClientChanges")}},
            },
            "responses": {
                "200": _json(_ref("ExchangeClient")),
                **_problems("400", "401", "403", "404", "413", "415"),
            },
        },
    },
    "/v1/admin/clients/{clientId}:rotateSecret": {
        "parameters": [_CLIENT_ID],
        "post": {
            "operationId": "Admin.RotateClientSecret",
            "summary": "重置数据交换客户端的密钥（新密钥仅返回一次）",
            **_ADMIN,
            "description": "签发新密钥（系统只保存其摘要）：原密钥立即不能再登录，该客户端已签发的令牌全部失效，"
            "登录失败造成的锁定一并解除。客户端标识、授权范围与辖区不变。",
            "responses": {
                "200": _json(
                    {"allOf": [_ref("ExchangeClient"), {"required": ["clientSecret"]}]}, "已重置"
                ),
                **_problems("401", "403", "404"),
            },
        },
    },
    "/healthz": {
        "get": {
            "operationId": "Ops.Health",
            "tags": ["Ops"],
            "summary": "进程存活",
            "security": [],
            "responses": {"200": _json(_ref("Health"))},
        }
    },
    "/readyz": {
        "get": {
            "operationId": "Ops.Ready",
            "tags": ["Ops"],
            "summary": "就绪（后端服务、数据库、NATS）",
            "security": [],
            "responses": {"200": _json(_ref("Health")), "503": _json(_ref("Health"), "未就绪")},
        }
    },
}

TAGS = [
    {"name": "Auth", "description": "登录、退出、当前登录者"},
    {"name": "Admin", "description": "账号管理（账号管理员）"},
    {"name": "Exchange", "description": "省级数据交换：变更事件流"},
    {"name": "Ops", "description": "运维：存活与就绪"},
]
