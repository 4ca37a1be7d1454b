"""RecordCourtAnnulment over gRPC: a court's judgment of a void (宣告婚姻无效) or annulled (撤销婚姻)
marriage annotates the archive (rules.md §1.7) — the record is VOID, its parties are free as if it
had never been registered (民法典 1054), an open divorce application on it is terminated, an ended
marriage keeps its ending beside the judgment; audited, announced as marriage_ended, idempotent."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    TODAY,
    acceptance,
    agreement,
    audit_rows,
    marriage_ended_events,
    office_code,
    person_id,
    reason_of,
    register_request,
    reissue_request,
    stub,
    violations_of,
)

JUDGED = dt.date(2024, 3, 20)
LATER = dt.date(2024, 4, 1)


def md(secrets, *roles, jurisdiction: str = ""):
    return secrets.caller_metadata(*(roles or REGISTRAR), jurisdiction=jurisdiction)


def annulment_request(name: str, kind=pb.ANNULMENT_KIND_VOID, ground=pb.ANNULMENT_GROUND_BIGAMY,
                      judgment_date: str = JUDGED.isoformat(), **overrides) -> pb.RecordCourtAnnulmentRequest:
    fields = {"request_id": unique("an-"), "marriage": name, "kind": kind, "ground": ground,
              "court": "赤壁市人民法院", "document_number": "(2024)鄂1281民初45号", "judgment_date": judgment_date}
    return pb.RecordCourtAnnulmentRequest(**{**fields, **overrides})


async def status_of(service, secrets, number: str) -> pb.GetMaritalStatusResponse:
    return await stub(service).GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=number), metadata=md(secrets, "marriage_counselor"))


async def married(service, secrets, office: str = "421281") -> tuple[pb.Marriage, str, str]:
    man, woman = person_id("M"), person_id("F")
    m = await stub(service).RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                             metadata=md(secrets))
    return m, man, woman


async def refusal(call) -> tuple[grpc.StatusCode, str, list[str]]:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return err.value.code(), reason_of(err.value), violations_of(err.value)


async def test_a_void_marriage_frees_both_parties_as_if_never_registered(marriage, secrets, fake_clock):
    m, man, woman = await married(marriage, secrets)
    fake_clock.set(LATER)
    request = annulment_request(m.name)
    done = await stub(marriage).RecordCourtAnnulment(request, metadata=md(secrets))
    assert (done.state, done.end_reason, done.end_date) == (pb.MARRIAGE_STATE_VOID, pb.END_REASON_COURT_VOID,
                                                            JUDGED.isoformat())
    assert done.annulment == pb.Annulment(kind=pb.ANNULMENT_KIND_VOID, ground=pb.ANNULMENT_GROUND_BIGAMY,
                                          court="赤壁市人民法院", document_number="(2024)鄂1281民初45号",
                                          judgment_date=JUDGED.isoformat())
    assert done.end_reference == "赤壁市人民法院 (2024)鄂1281民初45号"
    for number in (man, woman):
        got = await status_of(marriage, secrets, number)
        assert got.status == pb.MARITAL_STATUS_UNMARRIED and not got.HasField("marriage")
        assert [(r.name, r.state) for r in got.records] == [(m.name, pb.MARRIAGE_STATE_VOID)]
    # Either may marry again: the void marriage holds neither of them.
    again = await stub(marriage).RegisterMarriage(register_request(man=man), metadata=md(secrets))
    assert again.state == pb.MARRIAGE_STATE_REGISTERED
    other = await stub(marriage).RegisterMarriage(register_request(woman=woman), metadata=md(secrets))
    assert other.state == pb.MARRIAGE_STATE_REGISTERED
    (audit,) = await audit_rows(marriage, m.name, "marriage.court_annulment")
    assert audit.before["state"] == "REGISTERED" and audit.after["state"] == "VOID"
    assert audit.after["annulment"] == {"kind": "VOID", "ground": "BIGAMY", "court": "赤壁市人民法院",
                                        "document_number": "(2024)鄂1281民初45号",
                                        "judgment_date": JUDGED.isoformat()}
    (event,) = await marriage_ended_events(marriage, m.name)
    assert (event.marriage.state, event.marriage.end_reason) == (pb.MARRIAGE_STATE_VOID, pb.END_REASON_COURT_VOID)
    assert event.marriage.annulment.ground == pb.ANNULMENT_GROUND_BIGAMY
    # A retry of the same request: the first answer, nothing done twice.
    retried = await stub(marriage).RecordCourtAnnulment(request, metadata=md(secrets))
    assert retried == done
    assert len(await audit_rows(marriage, m.name, "marriage.court_annulment")) == 1
    assert len(await marriage_ended_events(marriage, m.name)) == 1


async def test_an_annulled_marriage_terminates_its_open_divorce_application(marriage, secrets, fake_clock):
    office = office_code()
    m, _, _ = await married(marriage, secrets, office)
    fake_clock.set(dt.date(2024, 3, 4))
    app = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(), request_id=unique("ap-"), marriage=m.name, agreement=agreement(), office_code=office),
        metadata=md(secrets))
    fake_clock.set(LATER)
    done = await stub(marriage).RecordCourtAnnulment(annulment_request(
        m.name, kind=pb.ANNULMENT_KIND_ANNULLED, ground=pb.ANNULMENT_GROUND_COERCION), metadata=md(secrets))
    assert (done.state, done.end_reason) == (pb.MARRIAGE_STATE_VOID, pb.END_REASON_COURT_ANNULLED)
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                     metadata=md(secrets))
    assert (got.state, got.close_date) == (pb.DIVORCE_STATE_TERMINATED, LATER.isoformat())


async def test_an_ended_marriage_keeps_its_ending_with_the_judgment_beside_it(marriage, secrets, fake_clock):
    m, man, woman = await married(marriage, secrets)
    fake_clock.set(dt.date(2024, 3, 10))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=m.name, court="赤壁市人民法院", document_number="(2024)鄂1281民初9号",
        effective_date="2024-03-10"), metadata=md(secrets))
    assert (await status_of(marriage, secrets, woman)).status == pb.MARITAL_STATUS_DIVORCED
    fake_clock.set(LATER)
    done = await stub(marriage).RecordCourtAnnulment(annulment_request(
        m.name, kind=pb.ANNULMENT_KIND_ANNULLED, ground=pb.ANNULMENT_GROUND_CONCEALED_ILLNESS),
        metadata=md(secrets))
    assert (done.state, done.end_reason, done.end_date) == (pb.MARRIAGE_STATE_VOID, pb.END_REASON_COURT_DIVORCE,
                                                            "2024-03-10")
    assert done.end_reference == "赤壁市人民法院 (2024)鄂1281民初9号"
    assert done.annulment.ground == pb.ANNULMENT_GROUND_CONCEALED_ILLNESS
    # Void from the start: neither was ever married by it, so neither is divorced by it.
    assert (await status_of(marriage, secrets, woman)).status == pb.MARITAL_STATUS_UNMARRIED
    assert (await status_of(marriage, secrets, man)).status == pb.MARITAL_STATUS_UNMARRIED
    ended = await marriage_ended_events(marriage, m.name)  # the divorce's, then the judgment's
    assert [e.marriage.state for e in ended] == [pb.MARRIAGE_STATE_DIVORCED, pb.MARRIAGE_STATE_VOID]


async def test_a_judgment_is_refused_with_its_reason(marriage, secrets, fake_clock):
    m, man, _ = await married(marriage, secrets)
    fake_clock.set(LATER)
    s = stub(marriage)
    assert await refusal(s.RecordCourtAnnulment(annulment_request(
        m.name, kind=pb.ANNULMENT_KIND_VOID, ground=pb.ANNULMENT_GROUND_COERCION), metadata=md(secrets))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "ANNULMENT_GROUND_MISMATCH", ["ground"])
    assert await refusal(s.RecordCourtAnnulment(annulment_request(
        m.name, kind=pb.ANNULMENT_KIND_ANNULLED, ground=pb.ANNULMENT_GROUND_UNDER_LEGAL_AGE), metadata=md(secrets))) \
        == (grpc.StatusCode.INVALID_ARGUMENT, "ANNULMENT_GROUND_MISMATCH", ["ground"])
    assert (await refusal(s.RecordCourtAnnulment(annulment_request(
        m.name, kind=pb.ANNULMENT_KIND_UNSPECIFIED), metadata=md(secrets))))[1:] == ("ANNULMENT_KIND_REQUIRED", ["kind"])
    assert (await refusal(s.RecordCourtAnnulment(annulment_request(
        m.name, judgment_date="2024-04-02"), metadata=md(secrets))))[1:] == ("DATE_IN_FUTURE", ["judgment_date"])
    assert (await refusal(s.RecordCourtAnnulment(annulment_request(
        m.name, judgment_date=(TODAY - dt.timedelta(days=1)).isoformat()), metadata=md(secrets))))[1:] == (
        "DATE_BEFORE_REGISTRATION", ["judgment_date"])
    assert (await refusal(s.RecordCourtAnnulment(annulment_request(m.name), metadata=md(
        secrets, "marriage_counselor"))))[0] == grpc.StatusCode.PERMISSION_DENIED
    got = await s.GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert got.state == pb.MARRIAGE_STATE_REGISTERED and not got.HasField("annulment")
    assert await audit_rows(marriage, m.name, "marriage.court_annulment") == []

    await s.RecordCourtAnnulment(annulment_request(m.name), metadata=md(secrets))
    assert await refusal(s.RecordCourtAnnulment(annulment_request(m.name), metadata=md(secrets))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "MARRIAGE_ANNULLED", [])
    assert (await refusal(s.RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=m.name, authority=pb.REVOCATION_AUTHORITY_COURT,
        document_reference="(2024)鄂1281行初5号"), metadata=md(secrets))))[:2] == (
        grpc.StatusCode.FAILED_PRECONDITION, "MARRIAGE_ANNULLED")
    # No 补领 in any form on a void marriage, as on a revoked registration.
    assert (await refusal(s.ReissueCertificate(reissue_request(m.name, man), metadata=md(secrets))))[:2] == (
        grpc.StatusCode.FAILED_PRECONDITION, "MARRIAGE_ANNULLED")
    assert await audit_rows(marriage, m.name, "marriage.reissue") == []


async def test_a_revoked_registration_is_refused(marriage, secrets, fake_clock):
    m, _, _ = await married(marriage, secrets)
    await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=m.name, authority=pb.REVOCATION_AUTHORITY_POLICE,
        document_reference="赤公认〔2024〕12号", reason="冒用身份证件登记"), metadata=md(secrets))
    fake_clock.set(LATER)
    assert await refusal(stub(marriage).RecordCourtAnnulment(annulment_request(m.name), metadata=md(secrets))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "REGISTRATION_REVOKED", [])


async def test_a_void_marriage_gets_no_revocation_case(marriage, secrets, fake_clock):
    """Void from the start by the court's judgment: there is no registration left for the registry to
    revoke on a finding of identity fraud, one step or as a case."""
    m, _, _ = await married(marriage, secrets)
    fake_clock.set(LATER)
    await stub(marriage).RecordCourtAnnulment(annulment_request(m.name), metadata=md(secrets))
    assert await refusal(stub(marriage).OpenRevocationCase(pb.OpenRevocationCaseRequest(
        request_id=unique("rc-"), revocation_case=pb.RevocationCase(
            marriage=m.name, source=pb.REVOCATION_AUTHORITY_POLICE, document_number="赤公认〔2024〕13号")),
        metadata=md(secrets))) == (grpc.StatusCode.FAILED_PRECONDITION, "MARRIAGE_ANNULLED", [])


async def test_only_within_the_records_jurisdiction(marriage, secrets, fake_clock):
    m, _, _ = await married(marriage, secrets, "421281")
    fake_clock.set(LATER)
    code, reason, _ = await refusal(stub(marriage).RecordCourtAnnulment(
        annulment_request(m.name), metadata=md(secrets, jurisdiction="420102")))
    assert (code, reason) == (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")


async def test_the_statistics_count_judgments_by_their_date_in_the_office(marriage, secrets, fake_clock):
    office = office_code()
    first, _, _ = await married(marriage, secrets, office)
    second, _, _ = await married(marriage, secrets, office)
    divorced, _, _ = await married(marriage, secrets, office)
    elsewhere, _, _ = await married(marriage, secrets, office_code())
    fake_clock.set(dt.date(2024, 3, 5))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=divorced.name, court="赤壁市人民法院", document_number="(2024)鄂1281民初9号",
        effective_date="2024-03-05"), metadata=md(secrets))
    fake_clock.set(LATER)
    for m, day in ((first, "2024-03-20"), (second, "2024-04-01"), (divorced, "2024-04-01"),
                   (elsewhere, "2024-03-20")):
        await stub(marriage).RecordCourtAnnulment(annulment_request(m.name, judgment_date=day),
                                                  metadata=md(secrets))

    async def count(d_from: str, d_to: str) -> int:
        got = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(
            office_code=office, from_date=d_from, to_date=d_to), metadata=md(secrets, "supervisor"))
        return got.court_annulments

    # The divorced one ended in March, but was judged void in April: it counts in April.
    assert await count("2024-03-01", "2024-03-31") == 1
    assert await count("2024-04-01", "2024-04-30") == 2
    assert await count("2024-01-01", "2024-04-30") == 3
