"""The province change feed, read from the real JetStream stream CIVIC."""

from __future__ import annotations

import asyncio
import time
import uuid

import nats
import pytest
from civic.placenames.v1 import divisions_pb2, events_pb2
from servicekit.devstack.embedded import EmbeddedNats
from servicekit.events import H_MSG_ID, H_OFFICE, H_TIME, H_TYPE, STREAM, ensure_stream


@pytest.fixture
async def js(infra):
    nc = await nats.connect(infra.nats_url)
    stream = nc.jetstream()
    await ensure_stream(stream)
    yield stream
    await nc.close()


@pytest.fixture
def topic() -> str:
    """A subject of this test only (other tests and services write to the same stream)."""
    return f"civic.gwtest{uuid.uuid4().hex[:8]}.division_changed"


async def publish(js, topic: str, code: str, event_type: str = "civic.placenames.v1.DivisionChanged",
                  office: str | None = "") -> int:
    """A DivisionChanged of `code`, under the office `office` (default: the division's own code, as
    placenames writes it; None: no office header, as events written before it was added)."""
    event_id = str(uuid.uuid4())
    payload = events_pb2.DivisionChanged(
        event_id=event_id,
        code=code,
        display_name=f"区划{code}",
        level=divisions_pb2.DIVISION_LEVEL_TOWNSHIP,
        kind=divisions_pb2.CHANGE_KIND_CREATED,
    )
    headers = {H_MSG_ID: event_id, H_TYPE: event_type, H_TIME: "2024-05-20T09:30:00+08:00"}
    if office is not None:
        headers[H_OFFICE] = office or code
    ack = await js.publish(topic, payload.SerializeToString(), stream=STREAM, headers=headers)
    return ack.seq


async def last_sequence(js) -> int:
    return (await js.stream_info(STREAM)).state.last_seq


async def test_events_in_order_with_cursors(start_gateway, js, topic) -> None:
    gw = await start_gateway()
    start = await last_sequence(js)
    sequences = [await publish(js, topic, f"4212811{n:02d}") for n in range(5)]
    headers = await gw.client_headers("feed.read")
    page = await gw.client.get(
        "/v1/exchange/events", headers=headers, params={"after": start, "limit": 3, "subject": topic}
    )
    assert page.status_code == 200, page.text
    first = page.json()
    assert [e["cursor"] for e in first["events"]] == [str(s) for s in sequences[:3]]
    assert first["next"] == str(sequences[2])
    event = first["events"][0]
    assert event["type"] == "civic.placenames.v1.DivisionChanged" and event["subject"] == topic
    assert event["time"] == "2024-05-20T01:30:00Z" and event["id"]  # in UTC, whoever wrote it
    assert event["officeCode"] == "421281100"
    assert event["data"]["code"] == "421281100" and event["data"]["displayName"] == "区划421281100"
    assert event["data"]["kind"] == "CHANGE_KIND_CREATED" and event["data"]["successorCode"] == ""
    rest = (
        await gw.client.get(
            "/v1/exchange/events", headers=headers, params={"after": first["next"], "subject": topic}
        )
    ).json()
    assert [e["cursor"] for e in rest["events"]] == [str(s) for s in sequences[3:]]
    empty = (
        await gw.client.get(
            "/v1/exchange/events", headers=headers, params={"after": rest["next"], "subject": topic}
        )
    ).json()
    assert empty == {"events": [], "next": rest["next"]}


async def test_reading_the_whole_stream_sees_every_event_once(start_gateway, js, topic) -> None:
    gw = await start_gateway()
    headers = await gw.headers("supervisor")
    cursor = str(await last_sequence(js))
    seen: list[str] = []

    async def write() -> None:
        for n in range(30):
            await publish(js, topic, f"4212812{n:02d}")
            if n % 5 == 0:
                await asyncio.sleep(0.01)

    writer = asyncio.ensure_future(write())
    while len(seen) < 30:
        page = (
            await gw.client.get(
                "/v1/exchange/events",
                headers=headers,
                params={"after": cursor, "limit": 7, "wait": 2, "subject": topic},
            )
        ).json()
        seen += [e["data"]["code"] for e in page["events"]]
        cursor = page["next"]
    await writer
    assert seen == [f"4212812{n:02d}" for n in range(30)]


async def test_long_poll_returns_as_soon_as_an_event_arrives(start_gateway, js, topic) -> None:
    gw = await start_gateway()
    headers = await gw.client_headers("feed.read")
    after = await last_sequence(js)
    started = time.monotonic()
    waiting = asyncio.ensure_future(
        gw.client.get(
            "/v1/exchange/events", headers=headers, params={"after": after, "wait": 10, "subject": topic}
        )
    )
    await asyncio.sleep(0.5)
    assert not waiting.done()
    sequence = await publish(js, topic, "421281300")
    reply = await asyncio.wait_for(waiting, 5)
    assert [e["cursor"] for e in reply.json()["events"]] == [str(sequence)]
    assert time.monotonic() - started < 3
    started = time.monotonic()
    idle = await gw.client.get(
        "/v1/exchange/events", headers=headers, params={"after": sequence, "wait": 0.5, "subject": topic}
    )
    assert idle.json() == {"events": [], "next": str(sequence)}
    assert 0.4 < time.monotonic() - started < 3


async def test_an_unknown_event_type_still_has_its_place(start_gateway, js, topic) -> None:
    gw = await start_gateway()
    after = await last_sequence(js)
    await publish(js, topic, "421281400", event_type="civic.future.v9.SomethingNew")
    events = (
        await gw.client.get(
            "/v1/exchange/events",
            headers=await gw.client_headers("feed.read"),
            params={"after": after, "subject": topic},
        )
    ).json()["events"]
    assert events[0]["type"] == "civic.future.v9.SomethingNew" and events[0]["data"] is None


async def test_who_may_read_the_feed(start_gateway) -> None:
    gw = await start_gateway()
    assert (await gw.client.get("/v1/exchange/events")).status_code == 401
    for headers, status in (
        (await gw.headers("marriage_registrar"), 403),
        (await gw.client_headers("import.write"), 403),
        (await gw.headers("auditor"), 200),
        (await gw.client_headers("feed.read"), 200),
    ):
        assert (await gw.client.get("/v1/exchange/events", headers=headers)).status_code == status


@pytest.mark.parametrize(
    "params",
    [
        {"after": "-1"},
        {"limit": "0"},
        {"limit": "5000"},
        {"wait": "soon"},
        {"wait": "99"},
        {"subject": "other.things"},
        {"cursor": "1"},
    ],
)
async def test_bad_parameters_are_400(start_gateway, params) -> None:
    gw = await start_gateway()
    reply = await gw.client.get("/v1/exchange/events", headers=await gw.headers("supervisor"), params=params)
    assert reply.status_code == 400 and reply.json()["violations"][0]["field"] == next(iter(params))


async def test_a_cursor_past_the_end_of_the_stream_is_refused(start_gateway, js, topic) -> None:
    """A cursor the stream never gave (another environment's, a typo, a stream rebuilt from scratch)
    would otherwise answer "nothing new" until the stream caught up with it, and every event up to
    it would be skipped without a word."""
    gw = await start_gateway()
    last = await publish(js, topic, "421281500")
    headers = await gw.client_headers("feed.read")
    at_end = await gw.client.get("/v1/exchange/events", headers=headers, params={"after": last})
    assert at_end.status_code == 200 and at_end.json() == {"events": [], "next": str(last)}
    ahead = await gw.client.get("/v1/exchange/events", headers=headers, params={"after": last + 1000})
    assert ahead.status_code == 400, ahead.text
    assert ahead.json()["reason"] == "CURSOR_AHEAD_OF_STREAM"
    assert ahead.json()["violations"][0]["field"] == "after"


@pytest.fixture
def own_nats(tmp_path):
    """A JetStream server of this test only: it removes events from the start of its stream."""
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


async def test_a_cursor_older_than_the_oldest_kept_event_is_gone(start_gateway, own_nats) -> None:
    """When events before the cursor's successor are no longer kept (ops set a retention limit, or
    purged), reading on would silently skip them: 410 says the client must resynchronise."""
    nc = await nats.connect(own_nats.url)
    stream = nc.jetstream()
    await ensure_stream(stream)
    sequences = [await publish(stream, "civic.gwtest.division_changed", f"4212816{n:02d}") for n in range(5)]
    await stream.purge_stream(STREAM, seq=sequences[3])  # keeps the last two
    await nc.close()
    gw = await start_gateway(NATS_URL=own_nats.url)
    headers = await gw.client_headers("feed.read")

    async def cursors(after: int) -> list[str]:
        reply = await gw.client.get("/v1/exchange/events", headers=headers, params={"after": after})
        assert reply.status_code == 200, reply.text
        return [e["cursor"] for e in reply.json()["events"]]

    assert await cursors(0) == [str(s) for s in sequences[3:]]  # from the start: what is kept
    assert await cursors(sequences[2]) == [str(s) for s in sequences[3:]]  # nothing was missed
    gone = await gw.client.get("/v1/exchange/events", headers=headers, params={"after": sequences[1]})
    assert gone.status_code == 410, gone.text
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["reason"] == "CURSOR_EXPIRED" and gone.json()["metadata"] == {
        "firstAvailable": str(sequences[3])
    }


async def read(gw, headers, **params) -> dict:
    reply = await gw.client.get("/v1/exchange/events", headers=headers, params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_a_reader_sees_the_events_of_its_jurisdiction_and_its_cursor_passes_the_rest(
    start_gateway, js, topic
) -> None:
    """As with records and audit rows: the province (jurisdiction "") reads every office's events, a
    county supervisor its county's, a township's its township's; an event of no office (written
    before events named one) only whole-bureau readers. `next` passes over what is not shown."""
    gw = await start_gateway()
    start = await last_sequence(js)
    written = {
        "township": await publish(js, topic, "421281100"),
        "county": await publish(js, topic, "421281000", office="421281"),
        "neighbour": await publish(js, topic, "421282100"),
        "no office": await publish(js, topic, "421281200", office=None),
        "township again": await publish(js, topic, "421281101", office="421281100"),
    }
    last = written["township again"]
    readers = {
        "province": await gw.client_headers("feed.read"),
        "county": await gw.headers("supervisor"),
        "township": await gw.headers("supervisor", jurisdiction="421281100"),
    }
    seen = {}
    for reader, headers in readers.items():
        page = await read(gw, headers, after=start, subject=topic)
        seen[reader] = [e["cursor"] for e in page["events"]]
        assert page["next"] == str(last)  # every reader's cursor is past everything it was not shown
    assert seen["province"] == [str(s) for s in written.values()]
    assert seen["county"] == [str(written[k]) for k in ("township", "county", "township again")]
    assert seen["township"] == [str(written[k]) for k in ("township", "township again")]

    # A page ends at its limit: the cursor is the last event shown, what follows is read next time.
    first = await read(gw, readers["township"], after=start, subject=topic, limit=1)
    assert [e["cursor"] for e in first["events"]] == [str(written["township"])]
    assert first["next"] == str(written["township"])
    rest = await read(gw, readers["township"], after=first["next"], subject=topic, limit=1)
    assert [e["cursor"] for e in rest["events"]] == [str(written["township again"])] and rest["next"] == str(last)


async def test_a_long_poll_waits_past_events_that_are_not_the_readers(start_gateway, js, topic) -> None:
    gw = await start_gateway()
    headers = await gw.headers("supervisor", jurisdiction="421281100")
    after = await last_sequence(js)
    waiting = asyncio.ensure_future(read(gw, headers, after=after, wait=10, subject=topic))
    await asyncio.sleep(0.3)
    await publish(js, topic, "421282100")  # a neighbouring county's: not shown, the wait goes on
    await asyncio.sleep(0.5)
    assert not waiting.done()
    mine = await publish(js, topic, "421281100")
    page = await asyncio.wait_for(waiting, 5)
    assert [e["cursor"] for e in page["events"]] == [str(mine)] and page["next"] == str(mine)
    idle = await read(gw, headers, after=mine, wait=0.5, subject=topic)
    assert idle == {"events": [], "next": str(mine)}
    other = await publish(js, topic, "421282101")
    # Only others' events after the cursor: an empty page, and the cursor past them.
    assert await read(gw, headers, after=mine, wait=0.5, subject=topic) == {"events": [], "next": str(other)}
