"""A crash between the commit and the publish loses nothing and duplicates nothing (design.md §4).

placenames runs as a real process (`python -m placenames serve`). With `CIVIC_FAULT` set, its relay
dies like SIGKILL (exit 137) at the named point: before publishing a committed outbox row, or after
the PubAck but before marking the row sent. Restarted without the fault, the relay publishes what
is left; JetStream drops the second publish of an already-published event by its Nats-Msg-Id. Either
way the stream holds the event exactly once.
"""
from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc, events_pb2
from nats.aio.client import Client as NATS

from servicekit.events import H_MSG_ID, H_REQUEST_ID, STREAM
from servicekit.testing.process import ServiceProcess

pytestmark = pytest.mark.timeout(120)


async def outbox_rows(database_url: str, request_id: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch(
            "SELECT id, published_at FROM placenames.outbox WHERE headers->>$1 = $2", H_REQUEST_ID, request_id)
    finally:
        await conn.close()


async def stream_copies(nc: NATS, after_seq: int, event_id: str) -> list:
    """The stream's messages after `after_seq` that carry this event id."""
    js = nc.jetstream()
    last = (await js.stream_info(STREAM)).state.last_seq
    found = []
    for seq in range(after_seq + 1, last + 1):
        msg = await js.get_msg(STREAM, seq)
        if (msg.headers or {}).get(H_MSG_ID) == event_id:
            found.append(msg)
    return found


async def wait_marked(database_url: str, request_id: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        rows = await outbox_rows(database_url, request_id)
        if rows and all(r["published_at"] is not None for r in rows):
            return
        assert time.monotonic() < deadline, "the restarted relay never marked the outbox row"
        await asyncio.sleep(0.1)


@pytest.fixture
async def placenames_process(infra, new_database, tmp_path):
    url = await new_database()
    process = ServiceProcess("placenames", infra.secrets.service_env(url, infra.nats_url), tmp_path)
    await asyncio.to_thread(process.migrate)
    yield process
    process.kill()


@pytest.mark.parametrize(("fault", "code", "published_before_restart"), [
    ("relay.before_publish", "110000", 0),
    ("relay.before_mark", "120000", 1),
])
async def test_crash_between_commit_and_publish_gives_the_event_exactly_once(
        placenames_process: ServiceProcess, nc: NATS, infra, fault: str, code: str,
        published_before_restart: int) -> None:
    service = placenames_process
    start_seq = (await nc.jetstream().stream_info(STREAM)).state.last_seq
    await service.start(fault=fault)

    # The change commits; the relay, woken by the commit, dies at the fault point. Whether the reply
    # gets out first is a race, so both outcomes of the call are fine.
    request_id = f"crash-{uuid.uuid4().hex}"
    async with grpc.aio.insecure_channel(service.address) as channel:
        try:
            created = await divisions_pb2_grpc.DivisionServiceStub(channel).CreateDivision(
                pb.CreateDivisionRequest(request_id=request_id, code=code, display_name="测试省",
                                         effective_date="2024-01-01", reason="崩溃测试"),
                metadata=infra.secrets.caller_metadata("placenames_officer", request_id=request_id), timeout=10)
            assert created.code == code
        except grpc.aio.AioRpcError as err:
            assert err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                  grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL), err
    assert await service.wait_exit() == 137, service.log()
    assert '"fault_injected"' in service.log() and fault in service.log()

    [row] = await outbox_rows(service.base_env["DATABASE_URL"], request_id)  # committed with the change
    assert row["published_at"] is None  # ... but never marked sent
    event_id = str(row["id"])
    assert len(await stream_copies(nc, start_seq, event_id)) == published_before_restart

    await service.start()  # no fault: the relay publishes what is left
    await wait_marked(service.base_env["DATABASE_URL"], request_id)
    [msg] = await stream_copies(nc, start_seq, event_id)
    assert msg.subject == "civic.placenames.division_changed"
    event = events_pb2.DivisionChanged.FromString(msg.data)
    assert event.event_id == event_id and event.code == code and event.kind == pb.CHANGE_KIND_CREATED
    assert msg.headers[H_REQUEST_ID] == request_id

    assert await service.terminate() == 0, service.log()  # SIGTERM: graceful stop
    assert len(await stream_copies(nc, start_seq, event_id)) == 1
