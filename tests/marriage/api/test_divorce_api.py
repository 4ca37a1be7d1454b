"""Divorce by agreement over gRPC, with the clock moved through the cooling-off and issue periods."""
import datetime as dt
import uuid

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.domain.calendar import bundled_calendar
from servicekit.pii import mask_id
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    agreement,
    audit_rows,
    marriage_ended_events,
    office_code,
    outbox_events,
    party,
    person_id,
    reason_of,
    register_request,
    rows,
    stub,
    violations_of,
)

CAL = bundled_calendar()
DAY = dt.timedelta(days=1)


def plain_start(after: dt.date) -> dt.date:
    """A first day whose day 30 and day 60 are working days (no rolling), to test the bare bounds."""
    day = after
    while CAL.is_rest_day(day) or CAL.is_rest_day(day + 30 * DAY) or CAL.is_rest_day(day + 60 * DAY):
        day += DAY
    return day


async def married(service, secrets, office: str):
    man, woman = person_id("M"), person_id("F")
    m = await stub(service).RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                             metadata=secrets.caller_metadata(*REGISTRAR))
    return m, man, woman


async def apply(service, secrets, m, office: str) -> pb.DivorceApplication:
    return await stub(service).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(), request_id=f"apply-{m.name}-{office}", marriage=m.name, agreement=agreement(),
        office_code=office),
        metadata=secrets.caller_metadata(*REGISTRAR))


async def register_divorce(service, secrets, app, office: str, both_present: bool = True):
    return await stub(service).RegisterDivorce(pb.RegisterDivorceRequest(
        request_id=f"reg-{app.name}-{office}-{both_present}-{service.infra.clock.today()}", name=app.name,
        office_code=office, both_present=both_present), metadata=secrets.caller_metadata(*REGISTRAR))


async def refused(call) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    return reason_of(err.value)


async def test_day_30_is_refused_day_31_divorces_and_frees_both(marriage, secrets, fake_clock):
    office = office_code()
    m, man, woman = await married(marriage, secrets, office)
    start = plain_start(dt.date(2024, 3, 4))
    fake_clock.set(start)
    app = await apply(marriage, secrets, m, office)
    assert app.state == pb.DIVORCE_STATE_COOLING_OFF and app.receipt_number == f"SL{office}-2024-000001"
    assert app.cooling_off_end_date == (start + 30 * DAY).isoformat()
    assert app.issue_deadline_date == (start + 60 * DAY).isoformat()
    assert [p.id_number for p in app.parties] == [p.id_number for p in m.parties]

    fake_clock.set(start + 30 * DAY)
    assert await refused(register_divorce(marriage, secrets, app, office)) == "COOLING_OFF_NOT_ELAPSED"
    fake_clock.set(start + 31 * DAY)
    assert await refused(register_divorce(marriage, secrets, app, "421281")) == "NOT_AT_ACCEPTING_OFFICE"
    assert await refused(register_divorce(marriage, secrets, app, office, both_present=False)) \
        == "BOTH_PARTIES_REQUIRED"
    done = await register_divorce(marriage, secrets, app, office)
    # The refused attempts gave their numbers back: the first divorce certificate is serial 1.
    assert done.state == pb.DIVORCE_STATE_DIVORCED and done.certificate_number == f"L{office}-2024-000001"
    md = secrets.caller_metadata(*REGISTRAR)
    ended = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md)
    assert ended.state == pb.MARRIAGE_STATE_DIVORCED and ended.end_reason == pb.END_REASON_DIVORCE_REGISTERED
    assert ended.end_date == (start + 31 * DAY).isoformat() and ended.end_reference == done.certificate_number
    assert len(await marriage_ended_events(marriage, m.name)) == 1
    assert [a.action for a in await audit_rows(marriage, app.name)] == ["divorce.apply", "divorce.register"]
    # Both are free to marry again.
    again = await stub(marriage).RegisterMarriage(register_request(man=man, office=office), metadata=md)
    assert again.state == pb.MARRIAGE_STATE_REGISTERED
    status = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(id_number=woman), metadata=md)
    assert status.status == pb.MARITAL_STATUS_DIVORCED


async def test_day_60_is_the_last_day_and_day_61_has_lapsed(marriage, secrets, fake_clock):
    office = office_code()
    start = plain_start(dt.date(2024, 3, 4))
    (m1, *_), (m2, *_) = await married(marriage, secrets, office), await married(marriage, secrets, office)
    fake_clock.set(start)
    app1, app2 = await apply(marriage, secrets, m1, office), await apply(marriage, secrets, m2, office)
    fake_clock.set(start + 60 * DAY)
    assert (await register_divorce(marriage, secrets, app1, office)).state == pb.DIVORCE_STATE_DIVORCED
    fake_clock.set(start + 61 * DAY)
    assert await refused(register_divorce(marriage, secrets, app2, office)) == "APPLICATION_LAPSED"
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app2.name),
                                                     metadata=secrets.caller_metadata(*REGISTRAR))
    assert got.state == pb.DIVORCE_STATE_DEEMED_WITHDRAWN


@pytest.mark.parametrize("accepted, cooling_off_end", [
    ("2024-03-21", "2024-04-22"),  # day 30 is Saturday 2024-04-20: ends on Monday
    ("2024-09-01", "2024-10-08"),  # day 30 is 2024-10-01, National Day: ends after the holiday
    ("2024-09-12", "2024-10-12"),  # day 30 is Saturday 2024-10-12, a make-up working day: no shift
])
async def test_periods_ending_on_a_rest_day_end_on_the_next_working_day(marriage, secrets, fake_clock, accepted,
                                                                        cooling_off_end):
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    fake_clock.set(dt.date.fromisoformat(accepted))
    app = await apply(marriage, secrets, m, office)
    assert app.cooling_off_end_date == cooling_off_end


async def test_either_party_alone_withdraws_during_the_cooling_off(marriage, secrets, fake_clock):
    office = office_code()
    m, man, woman = await married(marriage, secrets, office)
    start = plain_start(dt.date(2024, 3, 4))
    fake_clock.set(start)
    app = await apply(marriage, secrets, m, office)
    md = secrets.caller_metadata(*REGISTRAR)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).WithdrawDivorce(pb.WithdrawDivorceRequest(
            request_id="w-stranger-" + app.name, name=app.name, id_number=person_id("M")), metadata=md)
    assert reason_of(err.value) == "NOT_A_PARTY"
    fake_clock.set(start + 10 * DAY)
    withdrawn = await stub(marriage).WithdrawDivorce(pb.WithdrawDivorceRequest(
        request_id="w-" + app.name, name=app.name, id_number=woman), metadata=md)
    assert withdrawn.state == pb.DIVORCE_STATE_WITHDRAWN and withdrawn.close_date == (start + 10 * DAY).isoformat()
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md)
    assert got.state == pb.MARRIAGE_STATE_REGISTERED
    # A new application after a withdrawal; withdrawing is no longer possible once the cooling-off ended.
    again = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(),
        request_id="again-" + app.name, marriage=m.name, agreement=agreement(), office_code=office),
        metadata=md)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
            **acceptance(),
            request_id="twice-" + app.name, marriage=m.name, agreement=agreement(), office_code=office),
            metadata=md)
    assert reason_of(err.value) == "DIVORCE_ALREADY_APPLIED"
    fake_clock.set(start + 10 * DAY + 31 * DAY)
    assert await refused(stub(marriage).WithdrawDivorce(pb.WithdrawDivorceRequest(
        request_id="late-" + app.name, name=again.name, id_number=man), metadata=md)) == "COOLING_OFF_ENDED"
    listed = await stub(marriage).ListDivorceApplications(pb.ListDivorceApplicationsRequest(
        office_code=office, state=pb.DIVORCE_STATE_AWAITING_ISSUE), metadata=md)
    assert [a.name for a in listed.applications] == [again.name]


async def test_the_agreement_terms_stay_in_the_record_not_in_the_change_feed(marriage, secrets):
    """Children, property and debts are the couple's private terms: the application shows them to the
    registry; its events — the province's change feed — say only that a voluntary agreement was made."""
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    app = await apply(marriage, secrets, m, office)
    assert app.agreement == agreement()
    changed = [e for e in await outbox_events(marriage, "divorce_application_changed", events_pb2.DivorceApplicationChanged)
               if e.application.name == app.name]
    assert len(changed) == 1 and changed[0].application.state == pb.DIVORCE_STATE_COOLING_OFF
    assert changed[0].application.agreement == pb.DivorceAgreement(voluntary=True)


async def test_an_incomplete_agreement_is_not_accepted(marriage, secrets):
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
            **acceptance(), request_id="inc-" + m.name, marriage=m.name, office_code=office,
            agreement=pb.DivorceAgreement(voluntary=True, children_arrangement="无子女")),
            metadata=secrets.caller_metadata(*REGISTRAR))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err.value) == "AGREEMENT_INCOMPLETE"


async def _refused_with(call) -> tuple[str, list[str], str]:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return reason_of(err.value), violations_of(err.value), err.value.details()


async def test_without_capacity_confirmed_or_certificates_presented_nothing_is_accepted_or_written(
        marriage, secrets, fake_clock):
    """rules.md §1.5: no application without both parties' full civil capacity confirmed, nor without
    the marriage certificates or what stands for a lost one; the refusal writes nothing (no
    application, receipt number, audit row, event or idempotency record)."""
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    fake_clock.set(dt.date(2024, 3, 4))
    md = secrets.caller_metadata(*REGISTRAR)
    base = {"marriage": m.name, "office_code": office, "agreement": agreement()}
    no_capacity = pb.ApplyDivorceRequest(request_id=unique("cap-"), **base,
                                         certificates_presented=pb.CERTIFICATES_PRESENTED_BOTH)
    reason, fields, detail = await _refused_with(stub(marriage).ApplyDivorce(no_capacity, metadata=md))
    assert (reason, fields) == ("DECLARATION_MISSING", ["declarations.full_civil_capacity"])
    assert "完全民事行为能力" in detail and "人民法院" in detail
    # Refused again on the same request id: the refusal was not kept as the request's answer.
    assert (await _refused_with(stub(marriage).ApplyDivorce(no_capacity, metadata=md)))[0] == "DECLARATION_MISSING"
    for certificates in (pb.CERTIFICATES_PRESENTED_UNSPECIFIED, pb.CERTIFICATES_PRESENTED_NOT_RECORDED):
        reason, fields, detail = await _refused_with(stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
            request_id=unique("cert-"), **base, declarations=pb.DivorceDeclarations(full_civil_capacity=True),
            certificates_presented=certificates), metadata=md))
        assert (reason, fields) == ("CERTIFICATES_NOT_PRESENTED", ["certificates_presented"])
        assert all(words in detail for words in ("双方的结婚证", "另一本结婚证", "查档专用章"))
    marriage_id = m.name.split("/")[1]
    (count,) = await rows(marriage, "SELECT count(*) AS n FROM divorce_applications WHERE marriage_id = :m",
                          m=uuid.UUID(marriage_id))
    assert count.n == 0
    (kept,) = await rows(marriage, "SELECT count(*) AS n FROM idempotency WHERE request_id = :r",
                         r=no_capacity.request_id)
    assert kept.n == 0
    assert not [e for e in await outbox_events(marriage, "divorce_application_changed",
                                               events_pb2.DivorceApplicationChanged)
                if e.application.marriage == m.name]
    # The refusals took no receipt number: the office's first accepted application is serial 1.
    app = await apply(marriage, secrets, m, office)
    assert app.receipt_number == f"SL{office}-2024-000001"


@pytest.mark.parametrize("certificates", [pb.CERTIFICATES_PRESENTED_BOTH,
                                          pb.CERTIFICATES_PRESENTED_ONE_WITH_LOSS_DECLARATION,
                                          pb.CERTIFICATES_PRESENTED_ARCHIVE_COPY_WITH_LOSS_DECLARATION])
async def test_what_was_presented_is_stored_shown_audited_and_announced(marriage, secrets, certificates):
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    md = secrets.caller_metadata(*REGISTRAR)
    request = pb.ApplyDivorceRequest(**acceptance(certificates), request_id=unique("ok-"), marriage=m.name,
                                     office_code=office, agreement=agreement())
    app = await stub(marriage).ApplyDivorce(request, metadata=md)
    assert app.declarations == pb.DivorceDeclarations(full_civil_capacity=True)
    assert app.certificates_presented == certificates
    # A retry (a lost answer) gets the same answer, and no second application.
    assert await stub(marriage).ApplyDivorce(request, metadata=md) == app
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name), metadata=md)
    assert got == app
    listed = await stub(marriage).ListDivorceApplications(pb.ListDivorceApplicationsRequest(office_code=office),
                                                          metadata=md)
    assert [(a.name, a.certificates_presented, a.declarations.full_civil_capacity)
            for a in listed.applications] == [(app.name, certificates, True)]
    (audit,) = await audit_rows(marriage, app.name)
    shown = pb.CertificatesPresented.Name(certificates).removeprefix("CERTIFICATES_PRESENTED_")
    assert (audit.action, audit.after["full_civil_capacity"], audit.after["certificates_presented"]) == (
        "divorce.apply", True, shown)
    (event,) = [e for e in await outbox_events(marriage, "divorce_application_changed",
                                               events_pb2.DivorceApplicationChanged)
                if e.application.name == app.name]
    assert event.application.certificates_presented == certificates
    assert event.application.declarations.full_civil_capacity


async def test_an_application_accepted_before_it_was_recorded_shows_not_recorded(marriage, secrets):
    """As migration 0013 leaves the applications accepted before it: no confirmation, NOT_RECORDED."""
    office = office_code()
    m, *_ = await married(marriage, secrets, office)
    app = await apply(marriage, secrets, m, office)
    async with marriage.infra.db.transaction() as session:
        await session.execute(text("UPDATE divorce_applications SET full_civil_capacity = NULL, "
                                   "certificates_presented = 'NOT_RECORDED' WHERE id = :i"),
                              {"i": uuid.UUID(app.name.split("/")[1])})
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                     metadata=secrets.caller_metadata(*REGISTRAR))
    assert not got.HasField("declarations")
    assert got.certificates_presented == pb.CERTIFICATES_PRESENTED_NOT_RECORDED


async def test_a_court_divorce_ends_the_marriage_without_cooling_off(marriage, secrets, fake_clock):
    office = office_code()
    m, man, _ = await married(marriage, secrets, office)
    md = secrets.caller_metadata(*REGISTRAR)
    fake_clock.set(dt.date(2024, 6, 3))
    ended = await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id="court-" + m.name, marriage=m.name, document_number="(2024)鄂1281民初123号",
        court="赤壁市人民法院", effective_date="2024-05-30"), metadata=md)
    assert ended.state == pb.MARRIAGE_STATE_DIVORCED and ended.end_reason == pb.END_REASON_COURT_DIVORCE
    assert ended.end_date == "2024-05-30" and "(2024)鄂1281民初123号" in ended.end_reference
    assert len(await marriage_ended_events(marriage, m.name)) == 1
    again = await stub(marriage).RegisterMarriage(register_request(parties=[party(man), party(person_id("F"))]),
                                                  metadata=md)
    assert again.state == pb.MARRIAGE_STATE_REGISTERED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
            request_id="court2-" + m.name, marriage=m.name, document_number="x", effective_date="2024-05-30"),
            metadata=md)
    assert reason_of(err.value) == "MARRIAGE_NOT_CURRENT"


async def test_a_marriage_ended_otherwise_terminates_its_open_divorce_application(marriage, secrets, fake_clock):
    """A court's judgment, a death or a revocation while the couple's application waits: it would stay
    open at the window (and on the dashboard) for a registration that can no longer happen."""
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    fake_clock.set(dt.date(2024, 3, 4))
    by_court, by_death, by_revocation = [await married(marriage, secrets, office) for _ in range(3)]
    apps = [await apply(marriage, secrets, m, office) for m, *_ in (by_court, by_death, by_revocation)]
    fake_clock.set(dt.date(2024, 3, 20))  # in the cooling-off
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=by_court[0].name, document_number="(2024)鄂1281民初55号",
        court="赤壁市人民法院", effective_date="2024-03-18"), metadata=md)
    fake_clock.set(dt.date(2024, 4, 10))  # awaiting issue
    await stub(marriage).RecordDeath(pb.RecordDeathRequest(
        request_id=unique(), id_number=by_death[2], death_date="2024-04-08", death_certificate_number="D2024-77"),
        metadata=md)
    await stub(marriage).RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=by_revocation[0].name, authority=pb.REVOCATION_AUTHORITY_POLICE,
        document_reference="赤公认〔2024〕31号", reason="冒用身份证件登记"), metadata=md)
    for app, closed in zip(apps, ("2024-03-20", "2024-04-10", "2024-04-10")):
        got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name), metadata=md)
        assert (got.state, got.close_date) == (pb.DIVORCE_STATE_TERMINATED, closed)
        assert [a.action for a in await audit_rows(marriage, app.name)][-1] == "divorce.terminate"
        changes = [e.application.state for e in await outbox_events(
            marriage, "divorce_application_changed", events_pb2.DivorceApplicationChanged) if e.application.name == app.name]
        assert changes == [pb.DIVORCE_STATE_COOLING_OFF, pb.DIVORCE_STATE_TERMINATED]
    assert await refused(stub(marriage).RegisterDivorce(pb.RegisterDivorceRequest(
        request_id=unique(), name=apps[1].name, office_code=office, both_present=True), metadata=md)) \
        == "APPLICATION_CLOSED"
    assert apps[0].name not in {a.name for a in (await stub(marriage).ListDivorceApplications(
        pb.ListDivorceApplicationsRequest(office_code=office, state=pb.DIVORCE_STATE_COOLING_OFF), metadata=md)).applications}


async def test_a_registrar_prints_the_divorce_certificate_with_the_numbers_in_full_and_it_is_audited(
        marriage, secrets, fake_clock):
    office = office_code()
    m, man, woman = await married(marriage, secrets, office)
    start = plain_start(dt.date(2024, 3, 4))
    fake_clock.set(start)
    app = await apply(marriage, secrets, m, office)
    clerk = secrets.caller_metadata(*REGISTRAR, subject="window-3")

    def print_certificate(purpose: str = "打印离婚证", metadata=clerk):
        return stub(marriage).PrintDivorceCertificate(
            pb.PrintDivorceCertificateRequest(name=app.name, purpose=purpose), metadata=metadata)

    # No certificate before the divorce is registered: in the cooling-off, nor awaiting issue.
    assert await refused(print_certificate()) == "APPLICATION_NOT_DIVORCED"
    fake_clock.set(start + 31 * DAY)
    assert await refused(print_certificate()) == "APPLICATION_NOT_DIVORCED"
    done = await register_divorce(marriage, secrets, app, office)
    assert [p.id_number for p in done.parties] != [man, woman]  # masked everywhere else

    printed = await print_certificate()
    assert [p.id_number for p in printed.parties] == [man, woman]
    assert printed.state == pb.DIVORCE_STATE_DIVORCED
    assert printed.certificate_number == done.certificate_number == f"L{office}-2024-000001"
    (audit,) = await audit_rows(marriage, app.name, "divorce.print_certificate")
    assert (audit.actor, audit.reason, audit.before, audit.after) == ("window-3", "打印离婚证", None, None)
    again = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                       metadata=clerk)
    assert [p.id_number for p in again.parties] == [p.id_number for p in done.parties]
    await print_certificate()  # a second print is a second disclosure: audited again, nothing replayed
    assert len(await audit_rows(marriage, app.name, "divorce.print_certificate")) == 2

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await print_certificate(" ")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err.value) == "PURPOSE_REQUIRED"
    with pytest.raises(grpc.aio.AioRpcError) as err:  # counselors read applications, masked, but print none
        await print_certificate(metadata=secrets.caller_metadata("marriage_counselor"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as err:  # nor does a registry elsewhere: the 离婚证 is the office's
        await print_certificate(metadata=secrets.caller_metadata(*REGISTRAR, jurisdiction=office_code()))
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    assert len(await audit_rows(marriage, app.name, "divorce.print_certificate")) == 2


async def refuse_divorce(service, secrets, app, office: str, reason: str, request_id: str = ""):
    return await stub(service).RefuseDivorce(pb.RefuseDivorceRequest(
        request_id=request_id or unique("refuse-"), name=app.name, office_code=office, reason=reason),
        metadata=secrets.caller_metadata(*REGISTRAR))


async def test_the_review_refuses_with_its_reason_the_marriage_stands_and_the_couple_may_apply_again(
        marriage, secrets, fake_clock):
    """rules.md §1.5: in the issue period the review finds the requirements unmet → REFUSED with the
    reason, kept in the record and shown; the audit row and the change feed carry it with ID numbers
    masked; no divorce, no certificate, the marriage stays registered."""
    office = office_code()
    m, man, _ = await married(marriage, secrets, office)
    start = plain_start(dt.date(2024, 3, 4))
    fake_clock.set(start)
    app = await apply(marriage, secrets, m, office)
    fake_clock.set(start + 45 * DAY)
    reason = f"男方（{man}）当场表示不同意离婚，双方已不再具有离婚合意"
    done = await refuse_divorce(marriage, secrets, app, office, f"  {reason}\n")
    assert (done.state, done.close_date, done.refusal_reason) == (
        pb.DIVORCE_STATE_REFUSED, (start + 45 * DAY).isoformat(), reason)
    assert done.certificate_number == ""
    md = secrets.caller_metadata(*REGISTRAR)
    assert await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                      metadata=md) == done
    listed = await stub(marriage).ListDivorceApplications(pb.ListDivorceApplicationsRequest(
        office_code=office, state=pb.DIVORCE_STATE_REFUSED), metadata=md)
    assert [(a.name, a.refusal_reason) for a in listed.applications] == [(app.name, reason)]

    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md)
    assert got.state == pb.MARRIAGE_STATE_REGISTERED and got.end_reason == pb.END_REASON_UNSPECIFIED
    assert await marriage_ended_events(marriage, m.name) == []
    (audit,) = await audit_rows(marriage, app.name, "divorce.refuse")
    assert man not in audit.reason and mask_id(man) in audit.reason and audit.reason.endswith("离婚合意")
    assert (audit.before["state"], audit.after["state"]) == ("AWAITING_ISSUE", "REFUSED")
    changes = [e.application for e in await outbox_events(
        marriage, "divorce_application_changed", events_pb2.DivorceApplicationChanged) if e.application.name == app.name]
    assert [c.state for c in changes] == [pb.DIVORCE_STATE_COOLING_OFF, pb.DIVORCE_STATE_REFUSED]
    # The province's feed learns of the refusal, not the review's findings (the record keeps them).
    assert changes[-1].refusal_reason == "" and "离婚合意" not in str(changes[-1])
    (stored,) = await rows(marriage, "SELECT refusal_reason FROM divorce_applications WHERE id = :i",
                           i=uuid.UUID(app.name.split("/")[1]))
    assert stored.refusal_reason == reason  # the record keeps what was typed

    # Closed: the couple may apply again, on a new application with a new cooling-off.
    again = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(), request_id=unique("again-"), marriage=m.name, agreement=agreement(), office_code=office),
        metadata=md)
    assert again.state == pb.DIVORCE_STATE_COOLING_OFF and again.refusal_reason == ""
    assert again.cooling_off_end_date > done.close_date

    report = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(
        office_code=office, from_date=f"{start.year}-01-01", to_date=f"{start.year}-12-31"),
        metadata=secrets.caller_metadata("supervisor", jurisdiction=office))
    assert (report.divorce_refused, report.divorces_registered, report.divorce_applications) == (1, 0, 2)


async def test_a_refusal_outside_the_issue_period_elsewhere_without_a_reason_or_on_a_closed_application_writes_nothing(
        marriage, secrets, fake_clock):
    office = office_code()
    start = plain_start(dt.date(2024, 3, 4))
    (m1, *_), (m2, *_), (m3, *_) = [await married(marriage, secrets, office) for _ in range(3)]
    fake_clock.set(start)
    apps = [await apply(marriage, secrets, m, office) for m in (m1, m2, m3)]
    app, lapsing, divorcing = apps
    attempts = []

    async def refused_as(application, at_office: str, reason: str, code=grpc.StatusCode.FAILED_PRECONDITION):
        request_id = unique("refuse-")
        attempts.append(request_id)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await refuse_divorce(marriage, secrets, application, at_office, reason, request_id)
        assert err.value.code() == code
        return reason_of(err.value)

    fake_clock.set(start + 30 * DAY)  # the cooling-off's last day
    assert await refused_as(app, office, "一方不愿离婚") == "COOLING_OFF_NOT_ELAPSED"
    fake_clock.set(start + 31 * DAY)
    assert await refused_as(app, "421281", "一方不愿离婚") == "NOT_AT_ACCEPTING_OFFICE"
    assert await refused_as(app, office, " \n", grpc.StatusCode.INVALID_ARGUMENT) == "REFUSAL_REASON_REQUIRED"
    assert (await register_divorce(marriage, secrets, divorcing, office)).state == pb.DIVORCE_STATE_DIVORCED
    assert await refused_as(divorcing, office, "一方不愿离婚") == "APPLICATION_CLOSED"
    fake_clock.set(start + 61 * DAY)  # the issue period has passed
    assert await refused_as(lapsing, office, "一方不愿离婚") == "APPLICATION_LAPSED"

    md = secrets.caller_metadata(*REGISTRAR)
    for application, state in ((app, pb.DIVORCE_STATE_DEEMED_WITHDRAWN), (lapsing, pb.DIVORCE_STATE_DEEMED_WITHDRAWN),
                               (divorcing, pb.DIVORCE_STATE_DIVORCED)):
        got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=application.name),
                                                         metadata=md)
        assert (got.state, got.refusal_reason) == (state, "")
        assert await audit_rows(marriage, application.name, "divorce.refuse") == []
    assert not [e for e in await outbox_events(marriage, "divorce_application_changed",
                                               events_pb2.DivorceApplicationChanged)
                if e.application.state == pb.DIVORCE_STATE_REFUSED and e.application.name in {a.name for a in apps}]
    (kept,) = await rows(marriage, "SELECT count(*) AS n FROM idempotency WHERE request_id = ANY(:r)", r=attempts)
    assert kept.n == 0
    (refused_rows,) = await rows(marriage, "SELECT count(*) AS n FROM divorce_applications WHERE office_code = :o "
                                           "AND (outcome = 'REFUSED' OR refusal_reason <> '')", o=office)
    assert refused_rows.n == 0
