"""The province change feed: `GET /v1/exchange/events?after=<cursor>&limit=<n>&wait=<seconds>`.

Read straight from the JetStream stream `CIVIC` (it keeps every event): the cursor is the stream
sequence, so a client that stores the last cursor it processed resumes exactly where it stopped and
sees every event once, in stream order. Each read uses a short-lived ephemeral consumer starting
after the cursor (no acknowledgements, nothing kept on the server once it is deleted).

A reader sees the events of the offices within its jurisdiction (design.md §5), as it reads their
records and audit rows: each event names its record's office (header `Civic-Office`); an event
naming none (written before events carried it) is shown only to whole-bureau readers (jurisdiction
""). `next` is the last event read, shown or not, so a reader never scans the same events twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from servicekit.context import Caller
from servicekit.events import H_MSG_ID, H_OFFICE, H_TIME, H_TYPE, STREAM
from servicekit.logging import error_text, get_logger
from servicekit.server import connect_nats
from starlette.requests import Request
from starlette.responses import Response

from gateway.accounts.roles import FEED_ROLES, FEED_SCOPE
from gateway.authn import Authenticator
from gateway.bodies import json_response
from gateway.problems import Problem, Violation, bad_request, forbidden
from gateway.transcoding import to_json_dict

log = get_logger(__name__)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
REPLY_TIMEOUT_S = 5.0
CONSUMER_IDLE_S = 60.0
# Events one read looks at (shown or not) before it answers with what it found: a reader whose
# offices write little does not hold a request open over the whole stream.
MAX_SCAN = 10 * MAX_LIMIT
_SUBJECT = re.compile(r"^civic(\.([A-Za-z0-9_\-]+|\*))*(\.>)?$")


@dataclass(frozen=True)
class FeedQuery:
    after: int
    limit: int
    wait_s: float
    subject: str
    reader: Caller = Caller(subject="")

    def shows(self, msg: Msg) -> bool:
        """Whether the reader may see this event: the services' own rule for a record of its office
        (an event of no office: a whole-bureau reader's only)."""
        return self.reader.may_act_in((msg.headers or {}).get(H_OFFICE, ""))


@dataclass(frozen=True)
class FeedPage:
    events: list[dict[str, Any]]
    next: int  # the cursor of the last event read, shown or not


class EventFeed:
    def __init__(self, nats_url: str) -> None:
        self._url = nats_url
        self._nc: NATS | None = None
        self._connecting: asyncio.Task | None = None

    async def start(self, wait_s: float = 5.0) -> None:
        """Connect, waiting up to `wait_s`; then keep trying in the background (the API answers
        while NATS is still coming up, and readiness says so)."""
        self._connecting = asyncio.ensure_future(self._connect())
        await asyncio.wait({self._connecting}, timeout=wait_s)

    async def _connect(self) -> None:
        while self._nc is None:
            try:
                self._nc = await connect_nats(self._url, "gateway")
            except Exception as exc:  # noqa: BLE001 - keep trying; readiness reports it meanwhile
                log.warning("nats_connect_failed", error=error_text(exc))

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def ready(self) -> bool:
        return self.connected

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()

    async def read(self, query: FeedQuery) -> FeedPage:
        nc = self._nc
        if nc is None or not nc.is_connected:
            raise Problem(503, "FEED_UNAVAILABLE", "事件流暂时不可用，请稍后重试")
        try:
            shown, last = await self._fetch(nc, query)
            return FeedPage([render(msg) for msg in shown], last)
        except (TimeoutError, NatsError) as exc:
            log.warning("feed_read_failed", error=error_text(exc))
            raise Problem(503, "FEED_UNAVAILABLE", "事件流暂时不可用，请稍后重试") from exc

    async def _fetch(self, nc: NATS, query: FeedQuery) -> tuple[list[Msg], int]:
        js = nc.jetstream()
        name = f"gateway-feed-{uuid.uuid4().hex}"
        try:
            state = (await js.stream_info(STREAM)).state
            check_cursor(query.after, state.first_seq, state.last_seq)
            await js.add_consumer(
                STREAM,
                ConsumerConfig(
                    name=name,
                    deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                    opt_start_seq=query.after + 1,
                    ack_policy=AckPolicy.NONE,
                    filter_subject=query.subject,
                    inactive_threshold=CONSUMER_IDLE_S,
                    mem_storage=True,
                    num_replicas=1,
                ),
            )
        except NotFoundError:
            return [], query.after  # no stream yet: no events yet
        inbox = nc.new_inbox()
        sub = await nc.subscribe(inbox)
        try:
            pull = _Puller(nc, sub, inbox, f"$JS.API.CONSUMER.MSG.NEXT.{STREAM}.{name}")
            return await _scan(pull, query)
        finally:
            await sub.unsubscribe()
            try:
                await js.delete_consumer(STREAM, name)
            except Exception:  # noqa: BLE001 - it expires on its own after CONSUMER_IDLE_S
                pass


async def _scan(pull: _Puller, query: FeedQuery) -> tuple[list[Msg], int]:
    """The reader's next `limit` events after the cursor, and the cursor of the last event read.

    Reads what is there now; when none of it is the reader's and `wait` allows, waits for the next
    event (long poll), until one is the reader's, MAX_SCAN events were read, or the wait is over."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + query.wait_s
    shown: list[Msg] = []
    last, scanned = query.after, 0
    while scanned < MAX_SCAN:
        batch = await pull.next(min(query.limit, MAX_SCAN - scanned))
        if not batch:
            remaining = deadline - loop.time()
            if shown or remaining <= 0:
                break
            # Long poll: wait for one event, then take what else is there at once.
            batch = await pull.next(1, wait_s=remaining)
            if not batch:
                break
        for msg in batch:
            scanned += 1
            last = msg.metadata.sequence.stream
            if query.shows(msg):
                shown.append(msg)
                if len(shown) == query.limit:
                    return shown, last
    return shown, last


def check_cursor(after: int, first_seq: int, last_seq: int) -> None:
    """Resuming after `after` must neither skip events nor wait for ones the stream never had.

    A cursor past the last sequence was never given out by this stream (400); one whose next event
    is no longer kept — removed by a retention limit or a purge — would skip what was removed (410:
    the client resynchronises, e.g. from after=0). after=0 reads from the oldest event kept."""
    if after > last_seq:
        raise bad_request(
            "CURSOR_AHEAD_OF_STREAM",
            f"游标 {after} 超出事件流末尾（最新游标为 {last_seq}）",
            [Violation("after", f"应不大于 {last_seq}")],
        )
    if after and after + 1 < first_seq:
        raise Problem(
            410,
            "CURSOR_EXPIRED",
            f"游标 {after} 之后的部分事件已不再保留（最早可读游标为 {first_seq}），请重新全量同步",
            [Violation("after", f"应不小于 {first_seq - 1}，或为 0 从最早保留的事件读起")],
            metadata={"firstAvailable": str(first_seq)},
        )


@dataclass
class _Puller:
    nc: NATS
    sub: Any
    inbox: str
    api_subject: str

    async def next(self, batch: int, wait_s: float = 0.0) -> list[Msg]:
        """One pull request: without a wait, what is there now; with one, up to `wait_s` for more."""
        request: dict[str, Any] = {"batch": batch}
        if wait_s > 0:
            request["expires"] = int(wait_s * 1e9)
        else:
            request["no_wait"] = True
        await self.nc.publish(self.api_subject, json.dumps(request).encode(), reply=self.inbox)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s + REPLY_TIMEOUT_S
        found: list[Msg] = []
        while len(found) < batch:
            msg = await self.sub.next_msg(timeout=max(0.01, deadline - loop.time()))
            status = (msg.headers or {}).get("Status")
            if status == "100":  # idle heartbeat
                continue
            if status:  # 404 no messages, 408 request expired, 409 …: this request is done
                break
            found.append(msg)
        return found


def render(msg: Msg) -> dict[str, Any]:
    headers = msg.headers or {}
    meta = msg.metadata
    event_type = headers.get(H_TYPE, "")
    return {
        "cursor": str(meta.sequence.stream),
        "id": headers.get(H_MSG_ID, ""),
        "type": event_type,
        "subject": msg.subject,
        "time": _utc(headers.get(H_TIME, ""), meta.timestamp),
        "officeCode": headers.get(H_OFFICE, ""),
        "data": decode(event_type, msg.data),
    }


def _utc(stamped: str, stored: dt.datetime) -> str:
    """When the event happened (its header; else when the stream stored it), in RFC 3339 UTC as proto3
    JSON writes a Timestamp: one form whichever service and time zone wrote the event."""
    try:
        occurred = dt.datetime.fromisoformat(stamped) if stamped else stored
    except ValueError:
        occurred = stored
    if occurred.tzinfo is None:
        occurred = stored
    return occurred.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def decode(event_type: str, payload: bytes) -> dict[str, Any] | None:
    """The payload as proto3 JSON, by the message type its header names (None if unknown here)."""
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(event_type)
        return to_json_dict(message_factory.GetMessageClass(descriptor).FromString(payload))
    except (KeyError, DecodeError, TypeError):
        return None


class FeedApi:
    def __init__(self, feed: EventFeed, auth: Authenticator, max_wait_s: float) -> None:
        self._feed = feed
        self._auth = auth
        self._max_wait_s = max_wait_s

    async def events(self, request: Request) -> Response:
        principal = self._auth.require(request)
        caller = principal.caller
        if FEED_SCOPE not in caller.scopes and not caller.roles & FEED_ROLES:
            raise forbidden(detail="需要 feed.read 授权范围或主管、审计员角色")
        query = self._query(request, caller)
        page = await self._feed.read(query)
        return json_response({"events": page.events, "next": str(page.next)})

    def _query(self, request: Request, reader: Caller) -> FeedQuery:
        params = request.query_params
        violations = [
            Violation(k, "未知的查询参数") for k in params if k not in ("after", "limit", "wait", "subject")
        ]
        violations += [
            Violation(k, "该参数只能给出一次")
            for k in ("after", "limit", "wait", "subject")
            if len(params.getlist(k)) > 1
        ]
        after = _integer(params.get("after", "0"), 0, 2**63 - 1, "after", violations)
        limit = _integer(params.get("limit", str(DEFAULT_LIMIT)), 1, MAX_LIMIT, "limit", violations)
        wait_s = _number(params.get("wait", "0"), 0.0, self._max_wait_s, "wait", violations)
        subject = params.get("subject", "")
        if subject and not _SUBJECT.match(subject):
            violations.append(Violation("subject", "应为 civic. 开头的主题，可含通配符 * 与 >"))
        if violations:
            raise bad_request("INVALID_ARGUMENT", "查询参数无效", violations)
        return FeedQuery(after, limit, wait_s, subject or "civic.>", reader)


def _integer(text: str, low: int, high: int, name: str, violations: list[Violation]) -> int:
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    violations.append(Violation(name, f"应为 {low} 至 {high} 之间的整数"))
    return low


def _number(text: str, low: float, high: float, name: str, violations: list[Violation]) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if low <= value <= high:
        return value
    violations.append(Violation(name, f"应为 {low:g} 至 {high:g} 之间的秒数"))
    return low
