"""Per-request context (request id and verified caller), carried in contextvars."""
from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Caller:
    """A verified caller: a staff member or an exchange client, as the gateway signed it."""

    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    # Division-code prefix of the caller's office ("" = whole bureau / province-level client).
    jurisdiction: str = ""
    kind: str = "staff"

    def may_act_in(self, division_code: str) -> bool:
        return division_code.startswith(self.jurisdiction)


SYSTEM = Caller(subject="system", roles=frozenset({"system"}), kind="system")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    method: str = ""
    caller: Caller = SYSTEM


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("civic_request", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext(request_id="")


def bind(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting(request_id: str, method: str, caller: Caller = SYSTEM) -> Iterator[RequestContext]:
    """Work outside an RPC (seeds, sweeps, consumers, loaders) under its own request id and caller,
    so its audit rows and events say who and why."""
    ctx = RequestContext(request_id=request_id, method=method, caller=caller)
    token = bind(ctx)
    try:
        yield ctx
    finally:
        reset(token)
