"""What makes a retry the same request: the caller and what was sent, as a digest kept beside the
first response in the idempotency record (``UnitOfWorkFactory.idempotent``). A request_id used again
by another caller or on another body is another request, and is refused rather than answered with
the first response."""
from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from google.protobuf.message import Message

from servicekit import context

M = TypeVar("M", bound=Message)


def _start() -> "hashlib._Hash":
    digest = hashlib.sha256()
    _add(digest, context.current().caller.subject.encode())
    return digest


def _add(digest: "hashlib._Hash", data: bytes) -> None:
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)


def request_fingerprint(request: Message) -> bytes:
    """The digest of a unary request from the current caller."""
    digest = _start()
    _add(digest, request.SerializeToString(deterministic=True))
    return digest.digest()


class StreamFingerprint(Generic[M]):
    """The digest of a client stream of file chunks: the first message's header fields and the
    concatenated `data_field` of every message (however the client cut the file into chunks), taken
    as the use case reads ``messages()`` — the stream is never held in memory. ``digest()`` reads
    what the use case left, so a retry is compared on its whole stream."""

    def __init__(self, first: M, rest: AsyncIterator[M], data_field: str) -> None:
        header = type(first)()
        header.CopyFrom(first)
        header.ClearField(data_field)
        self._digest = _start()
        _add(self._digest, header.SerializeToString(deterministic=True))
        self._data_field = data_field
        self._digest.update(getattr(first, data_field))
        self._rest = rest

    async def messages(self) -> AsyncIterator[M]:
        """The rest of the stream (after the first message), hashed as it is read."""
        async for message in self._rest:
            self._digest.update(getattr(message, self._data_field))
            yield message

    async def digest(self) -> bytes:
        async for _ in self.messages():
            pass
        return self._digest.digest()
