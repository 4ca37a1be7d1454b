"""DivisionService over real gRPC, PostgreSQL and JetStream."""
import asyncio
import re

import grpc
import pytest
from civic.api.v1 import audit_pb2
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc, events_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from placenames.seed import seed_rows
from servicekit.testing.plugin import unique

OFFICER = ("placenames_officer",)


def stub(service):
    return divisions_pb2_grpc.DivisionServiceStub(service.channel)


def reason_of(err: grpc.aio.AioRpcError) -> str:
    status = rpc_status.from_call(err)
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


async def test_children_of_chibi_are_its_townships_and_streets(placenames, secrets):
    md = secrets.caller_metadata("marriage_registrar")
    resp = await stub(placenames).ListDivisions(
        pb.ListDivisionsRequest(parent_code="421281", page_size=100), metadata=md)
    names = {d.display_name for d in resp.divisions}
    assert len(resp.divisions) == 19 and resp.total_size == 19
    assert {"蒲圻街道", "赤马港街道", "陆水湖街道", "新店镇", "黄盖湖镇", "余家桥乡"} <= names
    assert all(d.level == pb.DIVISION_LEVEL_TOWNSHIP and len(d.code) == 12 for d in resp.divisions)


async def test_paging_walks_every_village_once(placenames, secrets):
    md = secrets.caller_metadata("placenames_officer")
    seen, token = [], ""
    while True:
        resp = await stub(placenames).ListDivisions(pb.ListDivisionsRequest(
            level=pb.DIVISION_LEVEL_VILLAGE, page_size=40, page_token=token), metadata=md)
        seen += [d.code for d in resp.divisions]
        token = resp.next_page_token
        if not token:
            break
    seeded = {row.code for row in seed_rows() if len(row.code) == 12 and not row.code.endswith("000")}
    assert len(seeded) == 185
    assert len(seen) == len(set(seen))  # no village on two pages
    assert seeded <= set(seen)  # other tests of the run may have added villages of their own


async def test_rename_keeps_history_and_as_of_shows_old_name(placenames, secrets):
    md = secrets.caller_metadata(*OFFICER)
    s = stub(placenames)
    created = await s.CreateDivision(pb.CreateDivisionRequest(
        request_id=unique(), code="421281109099", display_name="试点村", parent_code="421281109000",
        effective_date="2024-01-01", reason="鄂政函〔2023〕1号"), metadata=md)
    assert created.name == "divisions/421281109099"
    renamed = await s.RenameDivision(pb.RenameDivisionRequest(
        request_id=unique(), name=created.name, new_display_name="新名村", effective_date="2024-02-01",
        reason="赤政函〔2024〕2号"), metadata=md)
    assert renamed.display_name == "新名村"
    old = await s.GetDivision(pb.GetDivisionRequest(name=created.name, as_of="2024-01-15"), metadata=md)
    assert old.display_name == "试点村"
    assert [h.kind for h in old.history] == [pb.CHANGE_KIND_CREATED, pb.CHANGE_KIND_RENAMED]


async def test_retired_code_is_never_reused(placenames, secrets):
    md = secrets.caller_metadata(*OFFICER)
    s = stub(placenames)
    code = "421281108098"
    await s.CreateDivision(pb.CreateDivisionRequest(request_id=unique(), code=code, display_name="甲村",
                                                    effective_date="2024-01-01", reason="批复"), metadata=md)
    merged = await s.MergeDivision(pb.MergeDivisionRequest(
        request_id=unique(), name=f"divisions/{code}", successor_code="421281108001",
        effective_date="2024-06-01", reason="村级合并批复"), metadata=md)
    assert merged.state == pb.DIVISION_STATE_MERGED and merged.successor_code == "421281108001"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.CreateDivision(pb.CreateDivisionRequest(request_id=unique(), code=code, display_name="乙村",
                                                        effective_date="2025-01-01", reason="批复"), metadata=md)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS and reason_of(err.value) == "CODE_RETIRED"
    listed = await s.ListDivisions(pb.ListDivisionsRequest(parent_code="421281108000", as_of="2024-07-01",
                                                           page_size=500), metadata=md)
    assert code not in {d.code for d in listed.divisions}
    before = await s.ListDivisions(pb.ListDivisionsRequest(parent_code="421281108000", as_of="2024-03-01",
                                                           page_size=500), metadata=md)
    assert code in {d.code for d in before.divisions}


async def test_bad_input_and_permissions_are_refused_with_reasons(placenames, secrets):
    s = stub(placenames)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.GetDivision(pb.GetDivisionRequest(name="divisions/12345"),
                            metadata=secrets.caller_metadata(*OFFICER))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert reason_of(err.value) == "INVALID_DIVISION_CODE"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.AbolishDivision(pb.AbolishDivisionRequest(name="divisions/421281", reason="x"),
                                metadata=secrets.caller_metadata("marriage_registrar"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.GetDivision(pb.GetDivisionRequest(name="divisions/421281"))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_change_is_published_once_and_retry_changes_nothing(placenames, secrets):
    md = secrets.caller_metadata(*OFFICER)
    s = stub(placenames)
    js = placenames.infra.js
    sub = await js.subscribe("civic.placenames.division_changed", ordered_consumer=True,
                             deliver_policy="new")
    request = pb.CreateDivisionRequest(request_id=unique("rq-"), code="421281107097", display_name="丙村",
                                       effective_date="2024-01-01", reason="批复")
    first = await s.CreateDivision(request, metadata=md)
    again = await s.CreateDivision(request, metadata=md)
    assert again == first
    msg = await sub.next_msg(timeout=5)
    event = events_pb2.DivisionChanged.FromString(msg.data)
    assert event.code == "421281107097" and event.kind == pb.CHANGE_KIND_CREATED
    assert msg.headers["Nats-Msg-Id"] == event.event_id
    with pytest.raises(asyncio.TimeoutError):
        await sub.next_msg(timeout=1)
    await sub.unsubscribe()


async def test_officers_change_only_divisions_in_their_jurisdiction(placenames, secrets):
    s = stub(placenames)
    neighbour = secrets.caller_metadata(*OFFICER, jurisdiction="421202")  # 咸安区's officer
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.RenameDivision(pb.RenameDivisionRequest(
            request_id=unique(), name="divisions/421281001000", new_display_name="改名", effective_date="2025-01-01",
            reason="越权"), metadata=neighbour)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED and reason_of(err.value) == "OUT_OF_JURISDICTION"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s.CreateDivision(pb.CreateDivisionRequest(
            request_id=unique(), code="421281001099", display_name="越权村", reason="越权"), metadata=neighbour)
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    # Reading the registry is not limited: every office needs the whole list of division names.
    got = await s.GetDivision(pb.GetDivisionRequest(name="divisions/421281001000"), metadata=neighbour)
    assert got.display_name == "蒲圻街道"
    own = secrets.caller_metadata(*OFFICER, jurisdiction="421281")
    created = await s.CreateDivision(pb.CreateDivisionRequest(
        request_id=unique(), code="421281001098", display_name="本辖区村", effective_date="2024-01-01",
        reason="赤政函〔2024〕5号"), metadata=own)
    assert created.code == "421281001098"


async def test_an_auditor_reads_a_renames_audit_row_and_an_officer_may_not(placenames, secrets):
    await stub(placenames).RenameDivision(pb.RenameDivisionRequest(
        request_id=unique("rq-"), name="divisions/421281001000", new_display_name="蒲圻新街道",
        effective_date="2024-02-01", reason="审计测试"),
        metadata=secrets.caller_metadata(*OFFICER, subject="officer-zhao"))
    listed = await stub(placenames).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(resource="divisions/421281001000", action="division.rename"),
        metadata=secrets.caller_metadata("auditor"))
    newest = listed.audit_records[0]
    assert (newest.actor, newest.reason, newest.after["name"]) == ("officer-zhao", "审计测试", "蒲圻新街道")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(placenames).ListAuditRecords(audit_pb2.ListAuditRecordsRequest(),
                                                metadata=secrets.caller_metadata(*OFFICER))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_the_events_occur_time_is_rfc3339_utc_as_the_feed_writes_times(placenames, secrets):
    """DivisionChanged.occurTime is a string: it read '…+00:00' where every other time of the change
    feed (its own `time`, the proto3 JSON Timestamps) reads '…Z'."""
    js = placenames.infra.js
    sub = await js.subscribe("civic.placenames.division_changed", ordered_consumer=True, deliver_policy="new")
    await stub(placenames).CreateDivision(pb.CreateDivisionRequest(
        request_id=unique("rq-"), code="421281107096", display_name="丁村", effective_date="2024-01-01",
        reason="批复"), metadata=secrets.caller_metadata(*OFFICER))
    event = events_pb2.DivisionChanged.FromString((await sub.next_msg(timeout=5)).data)
    await sub.unsubscribe()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z", event.occur_time), event.occur_time
