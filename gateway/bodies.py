"""Reading request bodies within a size limit, and writing JSON responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.problems import Problem, Violation
from gateway.transcoding import dumps, parse_json

JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")
FORM_TYPE = "application/x-www-form-urlencoded"


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "BODY_TOO_LARGE",
        f"请求内容超过上限（{limit} 字节）",
        [Violation("", f"请求体不能超过 {limit} 字节")],
    )


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def is_json(kind: str) -> bool:
    return kind in JSON_TYPES or kind.endswith("+json")


async def body_chunks(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body as it arrives; a 413 problem as soon as it exceeds `limit` (or says it will)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        if chunk:
            yield chunk


async def read_body(request: Request, limit: int) -> bytes:
    return b"".join([chunk async for chunk in body_chunks(request, limit)])


async def read_json(request: Request, limit: int, empty: Any = None) -> Any:
    """A JSON body (415 for another declared type, `empty` for no body at all)."""
    kind = media_type(request)
    raw = await read_body(request, limit)
    if not raw.strip():
        return empty
    if kind and not is_json(kind):
        raise unsupported_media_type(kind, "application/json")
    return parse_json(raw)


def unsupported_media_type(kind: str, expected: str) -> Problem:
    return Problem(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        f"不支持的内容类型 {kind}，应为 {expected}",
        [Violation("Content-Type", f"应为 {expected}")],
    )


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(value), status_code=status, headers=headers, media_type="application/json")
