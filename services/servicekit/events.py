"""The event stream contract: stream `CIVIC`, subjects `civic.<svc>.<event>`, headers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

STREAM = "CIVIC"
SUBJECTS = ["civic.>"]
DUPLICATE_WINDOW_S = 10 * 60

H_MSG_ID = "Nats-Msg-Id"
H_TYPE = "Civic-Event-Type"
H_REQUEST_ID = "Civic-Request-Id"
H_ACTOR = "Civic-Actor"
H_TIME = "Civic-Occurred-At"
# The division code of the office the event's record belongs to (the office its audit row names):
# readers outside the bureau's whole jurisdiction see only their offices' events (the gateway's feed).
H_OFFICE = "Civic-Office"


def subject(service: str, event: str) -> str:
    return f"civic.{service}.{event}"


def stream_config(replicas: int = 1) -> StreamConfig:
    """File storage, kept indefinitely (it is also the province change feed), dedup by Nats-Msg-Id."""
    return StreamConfig(
        name=STREAM,
        subjects=SUBJECTS,
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        max_age=0,
        duplicate_window=DUPLICATE_WINDOW_S,
        num_replicas=replicas,
    )


async def ensure_stream(js: JetStreamContext, replicas: int = 1) -> bool:
    """Create the stream when missing; leave an existing one (ops may have tuned it) alone, but
    return False when it keeps fewer replicas than asked for (the caller warns)."""
    try:
        info = await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(stream_config(replicas))
        return True
    return (info.config.num_replicas or 1) >= replicas


@dataclass(frozen=True)
class Event:
    """An event as a consumer sees it."""

    id: str
    subject: str
    type: str
    payload: bytes
    headers: dict[str, str]
    stream_seq: int = 0

    @property
    def occurred_at(self) -> dt.datetime | None:
        raw = self.headers.get(H_TIME)
        return dt.datetime.fromisoformat(raw) if raw else None
