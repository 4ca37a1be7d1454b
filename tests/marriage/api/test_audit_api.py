"""ListAuditRecords over gRPC: an auditor reads who registered a marriage, with masked parties;
a registrar may not read the trail (design.md §1, §5)."""
import grpc
import pytest
from civic.api.v1 import audit_pb2
from google.protobuf import json_format

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    new_request_id,
    office_code,
    reason_of,
    register_request,
    stub,
)


async def test_an_auditor_finds_a_registration_and_a_registrar_is_refused(marriage, secrets):
    request, trace = register_request(office=office_code()), new_request_id()  # trace: the call's x-request-id
    m = await stub(marriage).RegisterMarriage(
        request, metadata=secrets.caller_metadata(*REGISTRAR, subject="registrar-wang", request_id=trace))

    for role in ("auditor", "supervisor"):
        listed = await stub(marriage).ListAuditRecords(
            audit_pb2.ListAuditRecordsRequest(resource=m.name),
            metadata=secrets.caller_metadata(role, subject=f"{role}-li"))
        (record,) = listed.audit_records
        assert (record.actor, record.action, record.resource) == ("registrar-wang", "marriage.register", m.name)
        assert record.request_id == trace and record.HasField("time")
        after = json_format.MessageToDict(record.after)
        assert after["certificate_number"] == m.certificate_number
        shown = str(after)
        assert all(p.id_number not in shown for p in request.parties)  # masked, never the full number
        assert [p["id_masked"] for p in after["parties"]] == [p.id_number for p in m.parties]

    by_actor = await stub(marriage).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(actor="registrar-wang", action="marriage.register"),
        metadata=secrets.caller_metadata("auditor"))
    assert [r.resource for r in by_actor.audit_records] == [m.name]

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ListAuditRecords(audit_pb2.ListAuditRecordsRequest(resource=m.name),
                                              metadata=secrets.caller_metadata(*REGISTRAR))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert reason_of(err.value)


async def test_an_auditor_reads_the_trail_of_the_offices_in_its_jurisdiction(marriage, secrets):
    """Each row carries its record's office; an auditor of one office reads that office's rows, as
    every other list of the registry is limited (design.md §5)."""
    here, there = office_code(), office_code()
    registered = {}
    for office in (here, there):
        registered[office] = await stub(marriage).RegisterMarriage(
            register_request(office=office),
            metadata=secrets.caller_metadata(*REGISTRAR, subject="registrar-audit"))

    def auditor(jurisdiction: str):
        return secrets.caller_metadata("auditor", subject="auditor-zhou", jurisdiction=jurisdiction)

    mine = await stub(marriage).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(actor="registrar-audit"), metadata=auditor(here))
    assert [(r.resource, r.office_code) for r in mine.audit_records] == [(registered[here].name, here)]

    # Another office's record: not in its trail, even asked for by name.
    theirs = await stub(marriage).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(resource=registered[there].name), metadata=auditor(here))
    assert list(theirs.audit_records) == []
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ListAuditRecords(audit_pb2.ListAuditRecordsRequest(office_code=there),
                                              metadata=auditor(here))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"

    # The whole bureau's auditor reads both, and one office's when it asks.
    both = await stub(marriage).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(actor="registrar-audit"), metadata=auditor(""))
    assert {r.office_code for r in both.audit_records} == {here, there}
    one = await stub(marriage).ListAuditRecords(
        audit_pb2.ListAuditRecordsRequest(actor="registrar-audit", office_code=there), metadata=auditor(""))
    assert [r.resource for r in one.audit_records] == [registered[there].name]
