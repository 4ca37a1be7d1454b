"""What every part of the MarriageService servicer shares: the infrastructure, the calendar, and
how a mutating call runs (idempotent by request_id, in one unit of work)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from google.protobuf.message import Message
from servicekit.server import Infrastructure
from servicekit.uow import Fingerprint, UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.domain.calendar import WorkCalendar, bundled_calendar

M = TypeVar("M", bound=Message)


class ApiBase:
    def __init__(self, infra: Infrastructure, calendar: WorkCalendar | None = None) -> None:
        self.infra = infra
        self.calendar = calendar or bundled_calendar()

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A read-only transaction."""
        return self.infra.db.transaction()

    async def change(self, method: str, request: Message, response_type: type[M],
                     work: Callable[[UnitOfWork], Awaitable[M]], fingerprint: Fingerprint | None = None) -> M:
        """Run a use case once per `request.request_id`; a retry returns the first response, and the
        request_id on another request (body or caller) is refused. `fingerprint` replaces the
        request's own for a client stream (servicekit.fingerprints.StreamFingerprint)."""
        return await self.infra.uow.for_request(method, request, response_type, work, fingerprint)
