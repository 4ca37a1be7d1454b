"""JSON-lines logs (structlog) with resident ID numbers masked in every field of every line."""
from __future__ import annotations

import logging
import sys
import traceback
from typing import Any, TextIO

import asyncpg
import structlog

from servicekit.pii import mask_text

_SMALLEST_ID_NUMBER = 10**14  # an ID kept as a number has at least 15 digits
WITHHELD = "<detail withheld>"


def _database_details(exc: BaseException | None) -> list[str]:
    """The DETAIL texts of the PostgreSQL errors in ``exc``'s chain. PostgreSQL quotes values there
    ("Failing row contains (…, 张三, …)", "Key (id_number)=(…) already exists"), and asyncpg puts
    them into the error's text, which SQLAlchemy's wrapping errors repeat."""
    found: list[str] = []
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        detail = getattr(current, "detail", None)
        if isinstance(current, asyncpg.PostgresError) and isinstance(detail, str) and detail:
            found.append(detail)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError
        todo += [current.__cause__, current.__context__, orig if isinstance(orig, BaseException) else None]
    return found


def _withhold(text: str, details: list[str]) -> str:
    for detail in sorted(details, key=len, reverse=True):
        text = text.replace(detail, WITHHELD)
    return text


def error_text(exc: BaseException) -> str:
    """``repr(exc)`` for a log line or a dead letter, without what a database error quotes of rows."""
    return _withhold(repr(exc), _database_details(exc))


def format_exception(exc_info: Any) -> str:
    """The traceback of a logged exception, without what a database error quotes of rows. (Frames
    show source lines only, never local variables.)"""
    text = "".join(traceback.format_exception(*exc_info)).removesuffix("\n")
    return _withhold(text, _database_details(exc_info[1]))


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {_mask_value(k) if isinstance(k, str) else k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_mask_value(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        if -_SMALLEST_ID_NUMBER < value < _SMALLEST_ID_NUMBER:  # fewer than 15 digits: no ID
            return value
        masked = mask_text(str(value))  # an 18/15-digit ID kept as a number is still an ID
        return value if masked == str(value) else masked
    if isinstance(value, (float, bool)) or value is None:
        return value
    if isinstance(value, BaseException):
        return mask_text(_withhold(str(value), _database_details(value)))
    return mask_text(str(value))


def mask_pii(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: masks ID numbers in keys' values at any depth (also in tracebacks)."""
    return _mask_value(event_dict)


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.ExceptionRenderer(format_exception),
    ]


def configure_logging(service: str, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route structlog and the standard library (grpc, uvicorn, alembic) through one JSON renderer."""
    stream = stream or sys.stdout
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, mask_pii, renderer],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
