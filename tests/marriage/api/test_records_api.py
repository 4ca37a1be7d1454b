"""Marital status, reissues, revocations, deaths by RPC, counseling and statistics over gRPC."""
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    audit_rows,
    marriage_ended_events,
    office_code,
    outbox_events,
    outbox_events_with_headers,
    party,
    person_id,
    reason_of,
    register_request,
    reissue_request,
    stub,
)


def md(secrets, *roles, jurisdiction: str = ""):
    return secrets.caller_metadata(*(roles or REGISTRAR), jurisdiction=jurisdiction)


async def status_of(service, secrets, number: str) -> pb.GetMaritalStatusResponse:
    return await stub(service).GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=number), metadata=md(secrets, "marriage_counselor"))


async def reissue(service, secrets, name: str, office: str, applicant: str) -> pb.ReissueCertificateResponse:
    return await stub(service).ReissueCertificate(reissue_request(name, applicant, office), metadata=md(secrets))


async def test_status_follows_the_records_newest_first(marriage, secrets, fake_clock):
    man, first_wife, second_wife = person_id("M"), person_id("F"), person_id("F")
    assert (await status_of(marriage, secrets, man)).status == pb.MARITAL_STATUS_UNMARRIED
    first = await stub(marriage).RegisterMarriage(register_request(man=man, woman=first_wife), metadata=md(secrets))
    got = await status_of(marriage, secrets, man)
    assert got.status == pb.MARITAL_STATUS_MARRIED and got.marriage.name == first.name
    fake_clock.set(dt.date(2024, 5, 6))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=first.name, document_number="(2024)鄂1281民初9号",
        effective_date="2024-05-06"), metadata=md(secrets))
    assert (await status_of(marriage, secrets, first_wife)).status == pb.MARITAL_STATUS_DIVORCED
    fake_clock.set(dt.date(2024, 7, 1))
    second = await stub(marriage).RegisterMarriage(register_request(man=man, woman=second_wife), metadata=md(secrets))
    got = await status_of(marriage, secrets, man)
    assert got.status == pb.MARITAL_STATUS_MARRIED and [r.name for r in got.records] == [second.name, first.name]
    fake_clock.set(dt.date(2024, 8, 1))
    died = await stub(marriage).RecordDeath(pb.RecordDeathRequest(
        request_id=unique(), id_number=man, death_date="2024-07-30", death_certificate_number="D2024-001"),
        metadata=md(secrets))
    assert died.marriage.name == second.name and died.marriage.state == pb.MARRIAGE_STATE_ENDED_BY_DEATH
    assert died.marriage.end_reason == pb.END_REASON_DEATH and died.marriage.end_date == "2024-07-30"
    assert (await status_of(marriage, secrets, second_wife)).status == pb.MARITAL_STATUS_WIDOWED
    assert (await status_of(marriage, secrets, man)).status == pb.MARITAL_STATUS_MARRIED  # died married
    # The same death again (another request): the same marriage, nothing changes a second time.
    again = await stub(marriage).RecordDeath(pb.RecordDeathRequest(
        request_id=unique(), id_number=man, death_date="2024-07-30", death_certificate_number="D2024-001"),
        metadata=md(secrets))
    assert again.marriage.name == second.name
    assert len(await marriage_ended_events(marriage, second.name)) == 1
    assert len(await audit_rows(marriage, second.name, "marriage.end_by_death")) == 1
    nobody = await stub(marriage).RecordDeath(pb.RecordDeathRequest(
        request_id=unique(), id_number=person_id("F"), death_date="2024-07-30"), metadata=md(secrets))
    assert not nobody.HasField("marriage")


async def test_reissue_while_unchanged_else_a_record_certificate(marriage, secrets, fake_clock):
    office = office_code()
    man, woman = person_id("M"), person_id("F")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                              metadata=md(secrets))
    done = await reissue(marriage, secrets, m.name, office, man)
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE and done.document_number == f"BJ{office}-2024-000001"
    assert done.marriage.reissue_count == 1
    # Divorced by registration: the divorce certificate can be reissued while nobody remarried.
    fake_clock.set(dt.date(2024, 3, 4))
    app = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(),
        request_id=unique(), marriage=m.name, office_code=office, agreement=pb.DivorceAgreement(
            voluntary=True, children_arrangement="无", property_division="已分", debt_handling="无")),
        metadata=md(secrets))
    fake_clock.set(dt.date(2024, 4, 8))
    await stub(marriage).RegisterDivorce(pb.RegisterDivorceRequest(
        request_id=unique(), name=app.name, office_code=office, both_present=True), metadata=md(secrets))
    done = await reissue(marriage, secrets, m.name, office, woman)
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE and done.document_number == f"BL{office}-2024-000001"
    # After a remarriage the status changed: a 婚姻登记记录证明 instead.
    await stub(marriage).RegisterMarriage(register_request(man=man, office=office), metadata=md(secrets))
    done = await reissue(marriage, secrets, m.name, office, woman)
    assert done.outcome == pb.REISSUE_OUTCOME_RECORD_CERTIFICATE and done.document_number == f"ZM{office}-2024-000001"
    assert "婚姻登记记录证明" in done.note and done.marriage.reissue_count == 2
    (audit,) = [a for a in await audit_rows(marriage, m.name, "marriage.reissue")
                if a.after["document_number"].startswith("ZM")]
    assert audit.after["decision_reason"] == "RECORD_STATE_CHANGED"
    events = [e for e in await outbox_events(marriage, "certificate_reissued", events_pb2.CertificateReissued)
              if e.marriage == m.name]
    assert [e.outcome for e in events] == [pb.REISSUE_OUTCOME_CERTIFICATE, pb.REISSUE_OUTCOME_CERTIFICATE,
                                           pb.REISSUE_OUTCOME_RECORD_CERTIFICATE]


async def test_revocation_for_identity_fraud_frees_the_victim(marriage, secrets):
    victim = person_id("F")
    m = await stub(marriage).RegisterMarriage(register_request(woman=victim), metadata=md(secrets))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
            request_id=unique(), name=m.name, authority=pb.REVOCATION_AUTHORITY_POLICE), metadata=md(secrets))
    assert reason_of(err.value) == "DOCUMENT_REF_REQUIRED"
    revoked = await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=m.name, authority=pb.REVOCATION_AUTHORITY_POLICE,
        document_reference="赤公认〔2024〕12号", reason="冒用身份证件登记"), metadata=md(secrets))
    assert revoked.state == pb.MARRIAGE_STATE_REVOKED and revoked.end_reason == pb.END_REASON_REVOKED
    assert (await status_of(marriage, secrets, victim)).status == pb.MARITAL_STATUS_UNMARRIED
    (audit,) = await audit_rows(marriage, m.name, "marriage.revoke")
    assert audit.reason == "冒用身份证件登记" and audit.before["state"] == "REGISTERED"
    events = [e for e in await outbox_events(marriage, "registration_revoked", events_pb2.RegistrationRevoked)
              if e.marriage.name == m.name]
    assert len(events) == 1 and events[0].authority == pb.REVOCATION_AUTHORITY_POLICE
    again = await stub(marriage).RegisterMarriage(register_request(woman=victim), metadata=md(secrets))
    assert again.state == pb.MARRIAGE_STATE_REGISTERED


async def test_a_revoked_registration_is_not_reissued_in_any_form(marriage, secrets):
    """Before: ReissueCertificate on a revoked registration issued a 婚姻登记记录证明 (ZM…), taking a
    serial and emitting certificate_reissued, for a document PrintCertificate then refuses to print
    (DOCUMENT_NOT_CURRENT, which tells the window to reissue). Now it is refused, nothing issued."""
    office, man = office_code(), person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, office=office), metadata=md(secrets))
    await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=m.name, authority=pb.REVOCATION_AUTHORITY_COURT,
        document_reference="(2024)鄂1281行初5号", reason="冒名登记"), metadata=md(secrets))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await reissue(marriage, secrets, m.name, office, man)
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.FAILED_PRECONDITION, "REGISTRATION_REVOKED")
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert got.reissue_count == 0
    assert await audit_rows(marriage, m.name, "marriage.reissue") == []
    assert [e for e in await outbox_events(marriage, "certificate_reissued", events_pb2.CertificateReissued)
            if e.marriage == m.name] == []
    # The refusal took no number: the office's next record certificate is its first.
    other_woman = person_id("F")
    other = await stub(marriage).RegisterMarriage(register_request(woman=other_woman, office=office),
                                                  metadata=md(secrets))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=other.name, document_number="(2024)鄂1281民初8号",
        effective_date="2024-03-01"), metadata=md(secrets))
    record_certificate = await reissue(marriage, secrets, other.name, office, other_woman)
    assert record_certificate.document_number == f"ZM{office}-2024-000001"


async def test_counseling_case_and_the_statistics(marriage, secrets, fake_clock):
    office = office_code()
    counselor = md(secrets, "marriage_counselor")
    for _ in range(2):
        await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md(secrets))
    case = await stub(marriage).OpenCounselingCase(pb.OpenCounselingCaseRequest(
        request_id=unique(), counseling_case=pb.CounselingCase(office_code=office, topic="婚姻危机干预")),
        metadata=counselor)
    assert case.received_date == "2024-03-01" and case.outcome == pb.COUNSELING_OUTCOME_UNSPECIFIED
    case = await stub(marriage).AddCounselingSession(pb.AddCounselingSessionRequest(
        request_id=unique(), name=case.name, session=pb.CounselingSession(counselor="刘老师", summary="首次面谈")),
        metadata=counselor)
    fake_clock.set(dt.date(2024, 3, 8))
    case = await stub(marriage).CloseCounselingCase(pb.CloseCounselingCaseRequest(
        request_id=unique(), name=case.name, outcome=pb.COUNSELING_OUTCOME_RECONCILED), metadata=counselor)
    assert case.outcome == pb.COUNSELING_OUTCOME_RECONCILED and case.close_date == "2024-03-08"
    assert [s.counselor for s in case.sessions] == ["刘老师"]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).AddCounselingSession(pb.AddCounselingSessionRequest(
            request_id=unique(), name=case.name, session=pb.CounselingSession(counselor="刘老师")),
            metadata=counselor)
    assert reason_of(err.value) == "CASE_CLOSED"
    listed = await stub(marriage).ListCounselingCases(pb.ListCounselingCasesRequest(office_code=office),
                                                      metadata=counselor)
    assert [c.name for c in listed.cases] == [case.name]

    stats = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(
        office_code=office, from_date="2024-01-01", to_date="2024-12-31"), metadata=md(secrets, "supervisor"))
    assert (stats.marriages_registered, stats.counseling_received, stats.counseling_reconciled) == (2, 1, 1)
    assert (stats.divorces_registered, stats.certificates_reissued) == (0, 0)
    assert stats.registration_compliance_rate == 100.0 and stats.archive_rate == 100.0
    county = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(
        office_code=office[:4], from_date="2024-03-01", to_date="2024-03-01"), metadata=md(secrets, "auditor"))
    assert county.marriages_registered >= 2
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).GetStatistics(pb.GetStatisticsRequest(office_code="420102"),
                                           metadata=md(secrets, "supervisor", jurisdiction="421281"))
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"


async def test_a_party_entered_with_a_wrong_birth_date_is_refused(marriage, secrets):
    man = person_id("M")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RegisterMarriage(register_request(
            parties=[party(man, birth_date="1950-01-01"), party(person_id("F"))]), metadata=md(secrets))
    assert reason_of(err.value) == "ID_DATA_MISMATCH"


async def test_public_verification_shows_masked_data_and_counts(marriage, secrets, fake_clock):
    office = office_code()
    man = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, office=office), metadata=md(secrets))
    public = md(secrets, "public_verifier")
    first = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=m.name), metadata=public)
    assert (first.document_number, first.record_kind, first.state) == \
        (m.certificate_number, "结婚登记", "MARRIAGE_STATE_REGISTERED")
    assert [p.name for p in first.parties] == ["张*", "李*"] and man not in str(first)
    second = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=m.name), metadata=public)
    assert (first.verification_count, second.verification_count) == (1, 2)
    fake_clock.set(dt.date(2024, 3, 4))
    app = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(),
        request_id=unique(), marriage=m.name, office_code=office, agreement=pb.DivorceAgreement(
            voluntary=True, children_arrangement="无", property_division="已分", debt_handling="无")),
        metadata=md(secrets))
    receipt = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=app.name), metadata=public)
    assert (receipt.document_number, receipt.state, receipt.state_label) == \
        (app.receipt_number, "DIVORCE_STATE_COOLING_OFF", "离婚冷静期中")
    fake_clock.set(dt.date(2024, 4, 10))  # cooling-off over: the divorce is registered
    divorced = await stub(marriage).RegisterDivorce(pb.RegisterDivorceRequest(
        request_id=unique(), name=app.name, office_code=office, both_present=True), metadata=md(secrets))
    certificate = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=app.name), metadata=public)
    assert (certificate.document_number, certificate.record_kind, certificate.state, certificate.date) == \
        (divorced.certificate_number, "离婚登记", "DIVORCE_STATE_DIVORCED", "2024-04-10")
    assert divorced.certificate_number.startswith("L")
    with pytest.raises(grpc.aio.AioRpcError) as err:  # an application shows its own documents only
        await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(
            name=app.name, document_number=divorced.certificate_number), metadata=public)
    assert reason_of(err.value) == "DOCUMENT_NOT_OF_APPLICATION"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=f"marriages/{'0' * 8}-0000-0000-0000-{'0' * 12}"),
                                          metadata=public)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_verifying_a_document_issued_later_shows_that_document(marriage, secrets, fake_clock):
    """A replacement (BJ…) or a marriage-record certificate (ZM…) is verified by its own number, kind,
    date and office; a number the record did not issue is not found, so a link cannot vouch for it."""
    public = md(secrets, "public_verifier")
    fake_clock.set(dt.date(2024, 3, 1))
    man = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, office=office_code()), metadata=md(secrets))
    other = await stub(marriage).RegisterMarriage(register_request(), metadata=md(secrets))
    fake_clock.set(dt.date(2024, 6, 3))
    replacement = await reissue(marriage, secrets, m.name, "421281", man)
    assert replacement.document_number.startswith("BJ421281-2024-")
    shown = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(
        name=m.name, document_number=replacement.document_number.lower()), metadata=public)
    assert (shown.document_number, shown.record_kind, shown.date, shown.office_code, shown.state) == \
        (replacement.document_number, "结婚证（补发）", "2024-06-03", "421281", "MARRIAGE_STATE_REGISTERED")
    own = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(
        name=m.name, document_number=m.certificate_number), metadata=public)
    assert (own.document_number, own.record_kind, own.date, own.office_code) == \
        (m.certificate_number, "结婚登记", "2024-03-01", m.office_code)
    fake_clock.set(dt.date(2024, 7, 1))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=m.name, document_number="(2024)鄂1281民初77号",
        effective_date="2024-07-01"), metadata=md(secrets))
    record_certificate = await reissue(marriage, secrets, m.name, "421281", man)
    assert record_certificate.outcome == pb.REISSUE_OUTCOME_RECORD_CERTIFICATE
    for dissolved in (m.certificate_number, replacement.document_number):  # printing would issue them again
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
                name=m.name, purpose="打印结婚证", document_number=dissolved), metadata=md(secrets))
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.FAILED_PRECONDITION, "DOCUMENT_NOT_CURRENT")
    printed = await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
        name=m.name, purpose="打印婚姻登记记录证明", document_number=record_certificate.document_number),
        metadata=md(secrets))
    assert printed.state == pb.MARRIAGE_STATE_DIVORCED
    shown = await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(
        name=m.name, document_number=record_certificate.document_number), metadata=public)
    assert (shown.document_number, shown.record_kind, shown.date, shown.state) == \
        (record_certificate.document_number, "婚姻登记记录证明", "2024-07-01", "MARRIAGE_STATE_DIVORCED")
    for foreign in (other.certificate_number, "BJ421281-2024-999999"):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub(marriage).VerifyRecord(pb.VerifyRecordRequest(name=m.name, document_number=foreign),
                                              metadata=public)
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.NOT_FOUND, "CERTIFICATE_NOT_OF_RECORD")
    verified = await audit_rows(marriage, m.name, "record.verify")
    assert len(verified) == 3  # the refused look-ups are not counted as verifications


async def test_a_registrar_prints_a_certificate_with_the_numbers_in_full_and_it_is_audited(marriage, secrets):
    man, woman = person_id("M"), person_id("F")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, woman=woman), metadata=md(secrets))
    assert [p.id_number for p in m.parties] != [man, woman]  # masked everywhere else
    clerk = secrets.caller_metadata(*REGISTRAR, subject="window-3")
    printed = await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(name=m.name, purpose="打印结婚证"),
                                                    metadata=clerk)
    assert [p.id_number for p in printed.parties] == [man, woman]
    assert printed.certificate_number == m.certificate_number
    (audit,) = await audit_rows(marriage, m.name, "marriage.print_certificate")
    assert (audit.actor, audit.reason, audit.before, audit.after) == (
        "window-3", "打印结婚证", None, {"document_number": m.certificate_number})
    again = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert [p.id_number for p in again.parties] == [p.id_number for p in m.parties]

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(name=m.name, purpose=" "), metadata=clerk)
    assert reason_of(err.value) == "PURPOSE_REQUIRED"
    with pytest.raises(grpc.aio.AioRpcError) as err:  # counselors read records, masked, but print none
        await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(name=m.name, purpose="打印结婚证"),
                                              metadata=md(secrets, "marriage_counselor"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert len(await audit_rows(marriage, m.name, "marriage.print_certificate")) == 1


async def test_a_reissued_certificate_prints_under_its_own_number(marriage, secrets):
    """补领: the replacement carries its BJ… number, and the print names it; a number the record did
    not issue is refused."""
    man = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man), metadata=md(secrets))
    other = await stub(marriage).RegisterMarriage(register_request(), metadata=md(secrets))
    done = await stub(marriage).ReissueCertificate(reissue_request(m.name, man, m.office_code, "结婚证遗失"),
                                                   metadata=md(secrets))
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE and done.document_number.startswith("BJ")
    printed = await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
        name=m.name, purpose="打印补发结婚证", document_number=done.document_number.lower()), metadata=md(secrets))
    assert printed.parties[0].id_number == man
    audits = await audit_rows(marriage, m.name, "marriage.print_certificate")
    assert [a.after for a in audits] == [{"document_number": done.document_number}]
    for foreign in (other.certificate_number, "BJ421281-2024-999999"):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
                name=m.name, purpose="打印补发结婚证", document_number=foreign), metadata=md(secrets))
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.NOT_FOUND, "CERTIFICATE_NOT_OF_RECORD")


async def test_full_numbers_are_printed_only_where_the_record_or_the_document_belongs(marriage, secrets):
    """A print shows both parties' ID numbers in full: a registrar outside the record's jurisdiction
    prints nothing of it, except a document its own office issued on it (全国通办: any registry may
    reissue)."""
    man = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man), metadata=md(secrets))
    elsewhere = office_code()
    away = md(secrets, jurisdiction=elsewhere)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(name=m.name, purpose="打印结婚证"),
                                              metadata=away)
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")
    done = await stub(marriage).ReissueCertificate(reissue_request(m.name, man, elsewhere, "结婚证遗失"), metadata=away)
    printed = await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
        name=m.name, purpose="打印补发结婚证", document_number=done.document_number), metadata=away)
    assert printed.parties[0].id_number == man
    home = await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
        name=m.name, purpose="打印补发结婚证", document_number=done.document_number),
        metadata=md(secrets, jurisdiction="421281"))
    assert home.parties[0].id_number == man
    with pytest.raises(grpc.aio.AioRpcError) as err:  # nor which documents the record has
        await stub(marriage).PrintCertificate(pb.PrintCertificateRequest(
            name=m.name, purpose="打印补发结婚证", document_number="BJ421281-2024-999999"), metadata=away)
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    audits = await audit_rows(marriage, m.name, "marriage.print_certificate")
    assert [a.after for a in audits] == [{"document_number": done.document_number}] * 2


async def test_a_record_of_another_jurisdiction_is_not_read_by_its_id(marriage, secrets):
    """ListMarriages refuses another jurisdiction's records; GetMarriage and GetDivorceApplication
    by id did not: a township registrar read the county's parties (names, masked numbers, birth
    dates) by name. An office that handled the record since (全国通办 reissue or divorce) reads it."""
    woman = person_id("F")
    m = await stub(marriage).RegisterMarriage(register_request(woman=woman), metadata=md(secrets))
    app = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(),
        request_id=unique("ap-"), marriage=m.name, office_code="421281", agreement=pb.DivorceAgreement(
            voluntary=True, children_arrangement="无子女", property_division="各自所有", debt_handling="无")),
        metadata=md(secrets))
    township = md(secrets, "marriage_registrar", "supervisor", jurisdiction="421281100")
    for call, request in ((stub(marriage).GetMarriage, pb.GetMarriageRequest(name=m.name)),
                          (stub(marriage).GetDivorceApplication, pb.GetDivorceApplicationRequest(name=app.name))):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call(request, metadata=township)
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")
        assert (await call(request, metadata=md(secrets, jurisdiction="421281"))).name == request.name
    elsewhere = office_code()
    away = md(secrets, jurisdiction=elsewhere)
    with pytest.raises(grpc.aio.AioRpcError):
        await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=away)
    await stub(marriage).ReissueCertificate(reissue_request(m.name, woman, elsewhere, "结婚证遗失"), metadata=away)
    assert (await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=away)).name == m.name


async def test_id_numbers_typed_into_free_text_are_masked_in_the_audit_trail_and_the_events(marriage, secrets):
    """The audit keeps no ID numbers (design.md §5), but a reason or a document reference is typed
    by staff, who write the number they are dealing with into it: the audit trail, read by
    auditors and supervisors, kept it whole, and so did the events (the province's change feed)."""
    man = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man), metadata=md(secrets))
    await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique("rv-"), name=m.name, authority=pb.REVOCATION_AUTHORITY_POLICE,
        document_reference=f"赤公〔2024〕1号（{man}）", reason=f"冒用身份证{man}登记"), metadata=md(secrets))
    (audit,) = await audit_rows(marriage, m.name, "marriage.revoke")
    masked = man[:4] + "*" * 10 + man[-4:]
    assert man not in str(audit.reason) and man not in str(audit.after)
    assert audit.reason == f"冒用身份证{masked}登记" and masked in audit.after["end_reference"]
    [(revoked, headers)] = [(e, h) for e, h in await outbox_events_with_headers(
        marriage, "registration_revoked", events_pb2.RegistrationRevoked) if e.marriage.name == m.name]
    assert revoked.document_reference == revoked.marriage.end_reference == f"赤公〔2024〕1号（{masked}）"
    assert man not in str(revoked)
    assert headers["Civic-Office"] == "421281"  # the feed shows it to readers whose jurisdiction covers it

    counselor = md(secrets, "marriage_counselor")
    case = await stub(marriage).OpenCounselingCase(pb.OpenCounselingCaseRequest(
        request_id=unique(), counseling_case=pb.CounselingCase(office_code="421281", topic=f"{man}婚姻危机")),
        metadata=counselor)
    assert case.topic == f"{man}婚姻危机"  # the office's own record keeps what was typed
    [opened] = [e for e in await outbox_events(marriage, "counseling_case_changed", events_pb2.CounselingCaseChanged)
                if e.counseling_case.name == case.name]
    assert opened.counseling_case.topic == f"{masked}婚姻危机"


async def test_every_event_names_the_office_its_record_belongs_to(marriage, secrets):
    """The change feed shows an event to the readers whose jurisdiction covers that office
    (gateway.feed); the header is the office the record's audit row names."""
    xianan, man = md(secrets, jurisdiction="421202"), person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(man=man, office="421202"), metadata=xianan)
    # 全国通办: reissued in Chibi, the record stays 咸安区's, and so does its event.
    await stub(marriage).ReissueCertificate(reissue_request(m.name, man, "421281"),
                                            metadata=md(secrets, jurisdiction="421281"))
    for event, message_type in (("marriage_registered", events_pb2.MarriageRegistered),
                                ("certificate_reissued", events_pb2.CertificateReissued)):
        [headers] = [h for e, h in await outbox_events_with_headers(marriage, event, message_type)
                     if (e.marriage if isinstance(e.marriage, str) else e.marriage.name) == m.name]
        assert headers["Civic-Office"] == "421202", event


async def test_counseling_summaries_stay_out_of_the_change_feed(marriage, secrets):
    """What a couple said in counseling is read by the counselors of the office; the event — the
    province's change feed, read by exchange clients, supervisors and auditors — says that a session
    was held, when and by whom, not what was said (as a divorce agreement's terms stay out)."""
    counselor = md(secrets, "marriage_counselor")
    case = await stub(marriage).OpenCounselingCase(pb.OpenCounselingCaseRequest(
        request_id=unique(), counseling_case=pb.CounselingCase(office_code="421281", topic="婚姻危机干预")),
        metadata=counselor)
    said = "男方酗酒，女方称遭受家暴，双方同意暂缓离婚"
    case = await stub(marriage).AddCounselingSession(pb.AddCounselingSessionRequest(
        request_id=unique(), name=case.name, session=pb.CounselingSession(counselor="刘老师", summary=said)),
        metadata=counselor)
    assert [s.summary for s in case.sessions] == [said]  # the office's own record keeps it
    events = [e for e in await outbox_events(marriage, "counseling_case_changed", events_pb2.CounselingCaseChanged)
              if e.counseling_case.name == case.name]
    assert len(events) == 2 and [len(e.counseling_case.sessions) for e in events] == [0, 1]
    assert [(s.counselor, s.summary) for s in events[1].counseling_case.sessions] == [("刘老师", "")]
