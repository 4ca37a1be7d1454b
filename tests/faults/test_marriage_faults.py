"""Nothing is lost (issue 7): NATS away for 10 s during a stream of registrations, and the marriage
service killed with SIGKILL mid-stream."""
from __future__ import annotations

import asyncio
import collections
import time

import asyncpg
import grpc
import pytest
from civic.marriage.v1 import marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from grpc_health.v1 import health_pb2

from servicekit.events import STREAM
from servicekit.server import NATS_HEALTH

from tests.faults.conftest import Outcomes, Probe, register_stream

pytestmark = pytest.mark.timeout(180)
SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


async def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.25)


async def stream_names(nats_url: str) -> collections.Counter:
    """How often each marriage appears in the stream's `marriage_registered` events."""
    from civic.marriage.v1 import events_pb2

    from servicekit.server import connect_nats

    nc = await connect_nats(nats_url, "fault-reader")
    js = nc.jetstream()
    info = await js.stream_info(STREAM)
    names: collections.Counter = collections.Counter()
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(STREAM, seq)
        if msg.subject == "civic.marriage.marriage_registered":
            names[events_pb2.MarriageRegistered.FromString(msg.data).marriage.name] += 1
    await nc.close()
    return names


async def test_nats_away_for_ten_seconds_loses_and_repeats_nothing(marriage_process, own_servers, infra):
    pg, nats_server = own_servers
    probe = Probe(pg.url, nats_server.url)
    await probe.start()
    stop, outcomes = asyncio.Event(), Outcomes()
    md = infra.secrets.caller_metadata("marriage_registrar", jurisdiction="421281")
    load = asyncio.create_task(register_stream(marriage_process, md, stop, outcomes))
    await asyncio.sleep(2)
    before_outage = len(outcomes.ok)
    await asyncio.to_thread(nats_server.stop)
    await asyncio.sleep(10)
    during_outage = len(outcomes.ok) - before_outage
    # Still ready (the pod stays in its Service: writes go on through the outbox); the "nats" health
    # name tells monitoring what is missing.
    assert await marriage_process.health() == SERVING
    assert await marriage_process.health(NATS_HEALTH) == NOT_SERVING
    await asyncio.to_thread(nats_server.start)  # same port, same stream data
    await asyncio.sleep(2)
    stop.set()
    await load
    confirmed = set(outcomes.ok)
    assert before_outage > 0 and during_outage > 0, "registrations must go on while NATS is away (outbox)"
    assert not outcomes.errors, (outcomes.errors, outcomes.details[:3])

    async def all_applied() -> bool:
        return confirmed <= set(await probe.effects())

    await wait_for(all_applied, 60, "every registration's event to reach the consumer")
    effects = await probe.effects()
    assert {name: n for name, n in effects.items() if n != 1} == {}, "an event was applied twice"
    in_stream = await stream_names(nats_server.url)
    assert confirmed <= set(in_stream) and max(in_stream.values()) == 1, "an event is missing or duplicated"
    await probe.close()


async def test_sigkill_mid_stream_leaves_whole_records_and_delivers_their_events(
        marriage_process, own_servers, infra):
    pg, nats_server = own_servers
    md = infra.secrets.caller_metadata("marriage_registrar", jurisdiction="421281")
    stop, outcomes = asyncio.Event(), Outcomes()
    load = asyncio.create_task(register_stream(marriage_process, md, stop, outcomes, workers=6, pause_s=0))
    await asyncio.sleep(2)
    killed_at = asyncio.get_running_loop().time()
    marriage_process.kill()  # SIGKILL
    await asyncio.sleep(1.5)
    stop.set()
    await load
    assert outcomes.ok, "nothing was registered before the kill"
    assert outcomes.errors and set(outcomes.errors) <= {"UNAVAILABLE", "CANCELLED", "INTERNAL"}, outcomes.errors
    first_error = min(t for t in outcomes.error_times if t >= killed_at)
    assert first_error - killed_at < 1.0, "callers must learn of the failure quickly"

    port = marriage_process.port
    await marriage_process.start(port=port)  # restart on the same address
    async with grpc.aio.insecure_channel(marriage_process.address) as channel:
        stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
        for name in outcomes.ok:  # every confirmed registration is there
            got = await stub.GetMarriage(pb.GetMarriageRequest(name=name), metadata=md, timeout=5)
            assert got.state == pb.MARRIAGE_STATE_REGISTERED and len(got.parties) == 2

    conn = await asyncpg.connect(pg.url)
    try:  # no half-written record, whatever the kill interrupted
        partial = await conn.fetchval(
            "SELECT count(*) FROM marriage.marriages m WHERE (SELECT count(*) FROM marriage.marriage_parties p "
            "WHERE p.marriage_id = m.id) <> 2 OR (SELECT count(*) FROM marriage.current_spouses c "
            "WHERE c.marriage_id = m.id) <> 2")
        assert partial == 0
        issued, last = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM marriage.marriages WHERE NOT historical), "
            "(SELECT coalesce(sum(last_serial), 0) FROM marriage.certificate_serials WHERE kind = 'J')")
        assert issued == last, "certificate serials have a gap or a reuse"
        committed = {f"marriages/{r['id']}" for r in await conn.fetch("SELECT id FROM marriage.marriages")}
    finally:
        await conn.close()
    assert set(outcomes.ok) <= committed

    async def all_published() -> bool:
        return committed <= set(await stream_names(nats_server.url))

    await wait_for(all_published, 30, "every committed registration's event on the stream")
    assert max((await stream_names(nats_server.url)).values()) == 1
    assert await marriage_process.terminate() == 0
