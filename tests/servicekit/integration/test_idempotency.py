"""`request_id` makes a retry do nothing twice, even when the retries race; audit rows are append-only
(design.md §3, §5)."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings
from servicekit import migrations

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def placenames(new_database, start_service):  # database first: dropped after the service stops
    """placenames in-process on a database of its own, so counts are this test's alone."""
    url = await new_database()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "placenames")
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, DATABASE_URL=url)
    service.database_url = url
    return service


async def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def reason_of(err: grpc.aio.AioRpcError) -> str:
    for detail in rpc_status.from_call(err).details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


async def test_concurrent_retries_create_one_division_with_identical_answers(placenames, secrets) -> None:
    stub = divisions_pb2_grpc.DivisionServiceStub(placenames.channel)
    md = secrets.caller_metadata("placenames_officer")
    request = pb.CreateDivisionRequest(request_id=f"rq-{uuid.uuid4().hex}", code="130000",
                                       display_name="河北省", effective_date="2024-01-01", reason="并发重试测试")

    answers = await asyncio.gather(*(stub.CreateDivision(request, metadata=md, timeout=15) for _ in range(8)))
    assert all(a == answers[0] for a in answers)
    assert answers[0].code == "130000" and answers[0].display_name == "河北省"

    url = placenames.database_url
    assert len(await fetch(url, "SELECT 1 FROM placenames.divisions WHERE code = '130000'")) == 1
    assert len(await fetch(url, "SELECT 1 FROM placenames.division_changes WHERE code = '130000'")) == 1
    assert len(await fetch(url, "SELECT 1 FROM placenames.outbox")) == 1
    assert len(await fetch(url, "SELECT 1 FROM placenames.audit_log")) == 1
    assert len(await fetch(url, "SELECT 1 FROM placenames.idempotency WHERE request_id = $1",
                           request.request_id)) == 1

    # A later retry of the same request returns the first answer and changes nothing.
    assert await stub.CreateDivision(request, metadata=md) == answers[0]
    assert len(await fetch(url, "SELECT 1 FROM placenames.outbox")) == 1

    # The same request_id on a changed body, or from another caller, is another request: refused
    # (answering with the first response would tell the client its change was made when it was not,
    # and would hand one caller's record to another).
    changed = pb.CreateDivisionRequest()
    changed.CopyFrom(request)
    changed.display_name = "别的名字"
    other_caller = secrets.caller_metadata("placenames_officer", subject="officer-elsewhere")
    for body, metadata in ((changed, md), (request, other_caller)):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.CreateDivision(body, metadata=metadata)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err.value) == "REQUEST_ID_REUSED"
    assert len(await fetch(url, "SELECT 1 FROM placenames.outbox")) == 1
    assert len(await fetch(url, "SELECT 1 FROM placenames.division_changes WHERE code = '130000'")) == 1

    # The same request_id for another operation is refused.
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.RenameDivision(pb.RenameDivisionRequest(
            request_id=request.request_id, name="divisions/130000", new_display_name="冀",
            effective_date="2024-02-01", reason="x"), metadata=md)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err.value) == "REQUEST_ID_REUSED"


async def test_without_request_id_each_call_is_its_own_change(placenames, secrets) -> None:
    stub = divisions_pb2_grpc.DivisionServiceStub(placenames.channel)
    md = secrets.caller_metadata("placenames_officer")
    await stub.CreateDivision(pb.CreateDivisionRequest(code="140000", display_name="山西省",
                                                       effective_date="2024-01-01", reason="x"), metadata=md)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateDivision(pb.CreateDivisionRequest(code="140000", display_name="山西省",
                                                           effective_date="2024-01-01", reason="x"), metadata=md)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS and reason_of(err.value) == "DIVISION_EXISTS"


async def test_audit_rows_cannot_be_updated_or_deleted(placenames, secrets) -> None:
    stub = divisions_pb2_grpc.DivisionServiceStub(placenames.channel)
    await stub.CreateDivision(pb.CreateDivisionRequest(
        request_id=f"rq-{uuid.uuid4().hex}", code="150000", display_name="内蒙古自治区",
        effective_date="2024-01-01", reason="国函〔1947〕"),
        metadata=secrets.caller_metadata("placenames_officer", subject="officer-7", request_id="rq-audit-1"))

    [row] = await fetch(placenames.database_url,
                        "SELECT id, actor, request_id, action, resource, reason FROM placenames.audit_log")
    assert (row["actor"], row["request_id"], row["action"], row["resource"]) == (
        "officer-7", "rq-audit-1", "division.create", "divisions/150000")

    conn = await asyncpg.connect(placenames.database_url)
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE placenames.audit_log SET reason = 'rewritten' WHERE id = $1", row["id"])
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM placenames.audit_log WHERE id = $1", row["id"])
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM placenames.audit_log")
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("TRUNCATE placenames.audit_log")
        # Appending stays possible.
        await conn.execute("INSERT INTO placenames.audit_log (id, actor, request_id, action, resource) "
                           "VALUES (gen_random_uuid(), 'x', 'y', 'z', 'divisions/150000')")
        [still] = await conn.fetch("SELECT reason FROM placenames.audit_log WHERE id = $1", row["id"])
        assert still["reason"] == row["reason"] != "rewritten"
        assert await conn.fetchval("SELECT count(*) FROM placenames.audit_log") == 2
    finally:
        await conn.close()
