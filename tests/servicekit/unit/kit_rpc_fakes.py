"""Stand-ins for grpc.aio's call details and servicer context, to drive the kit's interceptors
without a server (the integration tests run the same chain over a real one)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Sequence

import grpc
from google.rpc import status_pb2


@dataclass
class Details:
    method: str
    invocation_metadata: Sequence[tuple[str, str]] = ()


@dataclass
class Context:
    """Records what the interceptors do with the call: the status they abort with."""

    aborted: grpc.Status | None = None
    _code: grpc.StatusCode | None = None
    trailing: list = field(default_factory=list)

    def code(self) -> grpc.StatusCode | None:
        return self._code

    def set_code(self, code: grpc.StatusCode) -> None:
        self._code = code

    async def abort_with_status(self, status: grpc.Status) -> None:
        self.aborted = status
        self._code = status.code
        raise grpc.aio.AbortError()


async def run_chain(interceptors: Sequence[Any], details: Details, ctx: Context,
                    handler: Callable[[], Awaitable[Any]]) -> Any:
    """Run `handler` inside `interceptors` (outermost first), as the server would."""

    async def call_at(i: int) -> Any:
        if i == len(interceptors):
            return await handler()
        return await interceptors[i].around(details, ctx, lambda: call_at(i + 1))

    return await call_at(0)


def rich_status(status: grpc.Status) -> status_pb2.Status:
    """The google.rpc.Status a client reads from the `grpc-status-details-bin` trailer."""
    trailer = dict(status.trailing_metadata)["grpc-status-details-bin"]
    return status_pb2.Status.FromString(trailer)
