"""Typed errors raised by domain and application code.

Each error carries a stable UPPER_SNAKE ``reason`` (the contract with clients), a message for
window staff (Chinese) and, for bad input, field violations. The gRPC error interceptor maps the
``kind`` to a status code; domain code never touches grpc.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorKind(Enum):
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    ABORTED = "ABORTED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    UNAVAILABLE = "UNAVAILABLE"  # a dependency out of reach: retry later


@dataclass(frozen=True)
class Violation:
    field: str
    description: str


@dataclass
class DomainError(Exception):
    reason: str
    message: str
    kind: ErrorKind = ErrorKind.FAILED_PRECONDITION
    violations: list[Violation] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, f"{self.reason}: {self.message}")

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


def invalid(reason: str, message: str, field_name: str | None = None, **metadata: str) -> DomainError:
    """A bad-input error; with ``field_name`` it carries one field violation."""
    violations = [Violation(field_name, message)] if field_name else []
    return DomainError(reason, message, ErrorKind.INVALID_ARGUMENT, violations, dict(metadata))


def not_found(reason: str, message: str, **metadata: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.NOT_FOUND, [], dict(metadata))


def already_exists(reason: str, message: str, **metadata: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.ALREADY_EXISTS, [], dict(metadata))


def precondition(reason: str, message: str, **metadata: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.FAILED_PRECONDITION, [], dict(metadata))


def aborted(reason: str, message: str, **metadata: str) -> DomainError:
    """The change was made against a version of the record that is no longer current (an etag that
    no longer matches): read it again, then decide (HTTP 409)."""
    return DomainError(reason, message, ErrorKind.ABORTED, metadata=dict(metadata))


def permission_denied(reason: str, message: str, **metadata: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.PERMISSION_DENIED, [], dict(metadata))


def unauthenticated(reason: str, message: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.UNAUTHENTICATED)


def exhausted(reason: str, message: str, **metadata: str) -> DomainError:
    return DomainError(reason, message, ErrorKind.RESOURCE_EXHAUSTED, [], dict(metadata))
