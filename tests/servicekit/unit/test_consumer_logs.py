"""A consumer's lines carry the request id of the call that caused the event (its Civic-Request-Id
header), so `jq 'select(.request_id == …)'` (docs/operations.md, Logs) finds them with the rest."""
from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
import structlog

from servicekit.consumer import ConsumerSpec, EventConsumer
from servicekit.events import H_REQUEST_ID, Event
from servicekit.metrics import ServiceMetrics
from servicekit.testing.logs import captured_logs

REQUEST_ID = "0193-req-from-the-gateway"


class _Msg:
    def __init__(self, delivered: int) -> None:
        self.metadata = SimpleNamespace(num_delivered=delivered)
        self.calls: list[str] = []

    async def nak(self, delay: float = 0) -> None:
        self.calls.append("nak")

    async def term(self) -> None:
        self.calls.append("term")


def _consumer(handler=None) -> EventConsumer:  # type: ignore[no-untyped-def]
    async def fails(session, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler failed")

    spec = ConsumerSpec("kit--test", "civic.kit.>", handler or fails)
    return EventConsumer(None, None, None, spec, ServiceMetrics("kit"))  # type: ignore[arg-type]


def _event() -> Event:
    return Event(id="evt-1", subject="civic.kit.thing_done", type="civic.kit.v1.ThingDone",
                 payload=b"", headers={H_REQUEST_ID: REQUEST_ID})


def _lines(stream) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(("delivered", "event_name", "action"),
                         [(1, "event_retry", "nak"), (5, "event_dead_lettered", "term")])
def test_retry_and_dead_letter_lines_carry_the_request_id(delivered: int, event_name: str,
                                                          action: str) -> None:
    consumer = _consumer()

    async def no_table(event, error, attempts):  # type: ignore[no-untyped-def]
        return None

    consumer._dead_letter = no_table  # type: ignore[method-assign]  # noqa: SLF001 - no database here
    msg = _Msg(delivered)
    with captured_logs() as stream:
        asyncio.run(consumer._retry_or_dead_letter(msg, _event(), RuntimeError("boom")))  # noqa: SLF001
        lines = [line for line in _lines(stream) if line["event"] == event_name]
    assert msg.calls == [action]
    assert len(lines) == 1 and lines[0]["request_id"] == REQUEST_ID, lines
    assert lines[0]["event_id"] == "evt-1"


def test_handler_lines_carry_the_request_id() -> None:
    """What a handler logs while it applies an event (consumer.acting_for) is bound to the event's
    request id, and to its own once it is done."""
    from servicekit import context
    from servicekit.consumer import acting_for

    log = structlog.stdlib.get_logger("kit.handler")
    with captured_logs() as stream:
        with acting_for(_event()) as ctx:
            log.info("thing_applied")
            assert ctx.request_id == REQUEST_ID == context.current().request_id
        log.info("after")
        lines = {line["event"]: line for line in _lines(stream)}
    assert lines["thing_applied"]["request_id"] == REQUEST_ID
    assert "request_id" not in lines["after"]
