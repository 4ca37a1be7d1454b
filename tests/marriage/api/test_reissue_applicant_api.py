"""补领 names who applies (rules.md §1.6): a party of the record with ID, in person or through an
agent holding a notarized power of attorney. What was issued records which party it was for and
the proxy; a stranger's document is refused with nothing written and no number taken."""
from __future__ import annotations

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.pii import mask_id

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    audit_rows,
    office_code,
    outbox_events,
    person_id,
    reason_of,
    register_request,
    reissue_request,
    rows,
    stub,
)

POA = "(2024)鄂赤壁证字第000123号"


def md(secrets):
    return secrets.caller_metadata(*REGISTRAR)


async def couple(service, secrets, office: str) -> tuple[pb.Marriage, str, str]:
    man, woman = person_id("M"), person_id("F")
    m = await stub(service).RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                             metadata=md(secrets))
    return m, man, woman


async def issued_rows(service, m: pb.Marriage) -> list:
    return await rows(service, "SELECT number, party_position, by_proxy, agent_id_type, agent_id_hash, agent_id_enc, "
                               "agent_id_masked, agent_name, power_of_attorney FROM certificates "
                               "WHERE marriage_id = :m ORDER BY number", m=m.name.split("/")[1])


async def reissued_events(service, m: pb.Marriage) -> list:
    return [e for e in await outbox_events(service, "certificate_reissued", events_pb2.CertificateReissued)
            if e.marriage == m.name]


async def refused(service, secrets, request) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub(service).ReissueCertificate(request, metadata=md(secrets))
    return caught.value


async def nothing_written(service, secrets, m: pb.Marriage) -> None:
    got = await stub(service).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert got.reissue_count == 0
    assert await issued_rows(service, m) == []
    assert await audit_rows(service, m.name, "marriage.reissue") == []
    assert await reissued_events(service, m) == []


async def test_either_party_applies_in_person_and_which_one_is_recorded(marriage, secrets):
    office = office_code()
    m, man, woman = await couple(marriage, secrets, office)
    by_him = await stub(marriage).ReissueCertificate(reissue_request(m.name, man, office), metadata=md(secrets))
    by_her = await stub(marriage).ReissueCertificate(reissue_request(m.name, woman, office), metadata=md(secrets))
    assert [by_him.document_number, by_her.document_number] == [f"BJ{office}-2024-00000{n}" for n in (1, 2)]
    assert [(r.number, r.party_position, r.by_proxy, r.agent_id_hash, r.agent_name, r.power_of_attorney)
            for r in await issued_rows(marriage, m)] == [
        (by_him.document_number, 0, False, None, None, None), (by_her.document_number, 1, False, None, None, None)]
    audits = await audit_rows(marriage, m.name, "marriage.reissue")
    assert [(a.after["applicant"], a.after["by_proxy"], "agent" in a.after) for a in audits] == [
        ({"position": 0, "id_masked": mask_id(man)}, False, False),
        ({"position": 1, "id_masked": mask_id(woman)}, False, False)]
    assert man not in str([a.after for a in audits]) and woman not in str([a.after for a in audits])
    assert [e.by_proxy for e in await reissued_events(marriage, m)] == [False, False]


async def test_a_stranger_is_refused_nothing_written_and_no_number_taken(marriage, secrets):
    office = office_code()
    m, man, woman = await couple(marriage, secrets, office)
    err = await refused(marriage, secrets, reissue_request(m.name, person_id("F"), office))
    assert (err.code(), reason_of(err)) == (grpc.StatusCode.FAILED_PRECONDITION, "APPLICANT_NOT_A_PARTY")
    for told in (man, woman, mask_id(man), mask_id(woman), "张伟", "李娜"):  # names no party
        assert told not in err.details()
    # A stranger presenting a proxy document for the party is no better: the archive must match.
    stranger_for_her = reissue_request(m.name, person_id("M"), office, proxy=pb.ReissueProxy(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person_id("M"), name="王五", power_of_attorney=POA))
    assert reason_of(await refused(marriage, secrets, stranger_for_her)) == "APPLICANT_NOT_A_PARTY"
    await nothing_written(marriage, secrets, m)
    done = await stub(marriage).ReissueCertificate(reissue_request(m.name, woman, office), metadata=md(secrets))
    assert done.document_number == f"BJ{office}-2024-000001"  # the refusals took no serial


async def test_the_applicant_is_required(marriage, secrets):
    office = office_code()
    m, *_ = await couple(marriage, secrets, office)
    request = reissue_request(m.name, "", office)
    err = await refused(marriage, secrets, request)
    assert (err.code(), reason_of(err)) == (grpc.StatusCode.INVALID_ARGUMENT, "APPLICANT_REQUIRED")
    request.ClearField("applicant_id_type")
    assert reason_of(await refused(marriage, secrets, request)) == "APPLICANT_REQUIRED"
    await nothing_written(marriage, secrets, m)


async def test_a_proxy_without_the_notarized_power_of_attorney_is_refused(marriage, secrets):
    office = office_code()
    m, man, _ = await couple(marriage, secrets, office)
    agent = pb.ReissueProxy(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person_id("M"), name="王五")
    err = await refused(marriage, secrets, reissue_request(m.name, man, office, proxy=agent))
    assert (err.code(), reason_of(err)) == (grpc.StatusCode.INVALID_ARGUMENT, "POWER_OF_ATTORNEY_REQUIRED")
    await nothing_written(marriage, secrets, m)


async def test_a_proxy_with_the_power_of_attorney_is_recorded_masked_where_it_is_shown(marriage, secrets):
    office = office_code()
    m, _, woman = await couple(marriage, secrets, office)
    agent_id = person_id("M")
    proxy = pb.ReissueProxy(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=agent_id, name="王小五",
                            power_of_attorney=f" {POA} ")
    done = await stub(marriage).ReissueCertificate(reissue_request(m.name, woman, office, proxy=proxy),
                                                   metadata=md(secrets))
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE
    (row,) = await issued_rows(marriage, m)
    cipher = marriage.infra.cipher
    assert (row.party_position, row.by_proxy, row.agent_id_type, row.agent_id_masked, row.agent_name,
            row.power_of_attorney) == (1, True, "RESIDENT_ID", mask_id(agent_id), "王小五", POA)
    assert row.agent_id_hash == cipher.digest(agent_id) and cipher.decrypt(row.agent_id_enc) == agent_id
    assert agent_id.encode() not in row.agent_id_enc
    (audit,) = await audit_rows(marriage, m.name, "marriage.reissue")
    assert audit.after["applicant"] == {"position": 1, "id_masked": mask_id(woman)}
    assert (audit.after["by_proxy"], audit.after["agent"], audit.after["power_of_attorney"]) == (
        True, {"id_type": "RESIDENT_ID", "id_masked": mask_id(agent_id), "name": "王**"}, POA)
    assert agent_id not in str(audit.after) and woman not in str(audit.after)
    (event,) = await reissued_events(marriage, m)
    assert event.by_proxy and agent_id not in str(event) and "王小五" not in str(event)


async def test_a_retried_reissue_issues_once_and_a_changed_proxy_is_another_request(marriage, secrets):
    office = office_code()
    m, man, _ = await couple(marriage, secrets, office)
    request = reissue_request(m.name, man, office, proxy=pb.ReissueProxy(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person_id("F"), name="赵六", power_of_attorney=POA))
    first = await stub(marriage).ReissueCertificate(request, metadata=md(secrets))
    assert await stub(marriage).ReissueCertificate(request, metadata=md(secrets)) == first
    altered = pb.ReissueCertificateRequest()
    altered.CopyFrom(request)
    altered.proxy.power_of_attorney = "(2024)鄂赤壁证字第000999号"
    err = await refused(marriage, secrets, altered)
    assert (err.code(), reason_of(err)) == (grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_REUSED")
    assert [r.number for r in await issued_rows(marriage, m)] == [first.document_number]
    assert len(await audit_rows(marriage, m.name, "marriage.reissue")) == 1
    assert len(await reissued_events(marriage, m)) == 1
