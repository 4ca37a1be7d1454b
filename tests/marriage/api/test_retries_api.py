"""Every mutating MarriageService call retried: the same request_id with the same body returns the
first answer and changes nothing a second time (one audit row, one event, one serial); the same
request_id on a changed body is refused (REQUEST_ID_REUSED). The blanks' calls and the import have
their own retry tests (test_blanks_api, integration/test_import_archive)."""
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    agreement,
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


async def retried(method, request, metadata, change):
    """Call, call again with the same request (same answer), then with a changed body (refused)."""
    first = await method(request, metadata=metadata)
    assert await method(request, metadata=metadata) == first
    altered = type(request)()
    altered.CopyFrom(request)
    change(altered)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await method(altered, metadata=metadata)
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_REUSED")
    return first


def _id(name: str) -> str:
    return name.split("/", 1)[1]


async def test_marriage_and_divorce_calls_retried_change_nothing_twice(marriage, secrets, fake_clock):
    s, md = stub(marriage), secrets.caller_metadata(*REGISTRAR)
    office = office_code()
    fake_clock.set(dt.date(2024, 3, 4))
    registered = register_request(office=office)
    m = await retried(s.RegisterMarriage, registered, md,
                      lambda r: r.parties[1].CopyFrom(pb.Party(
                          id_type=pb.ID_TYPE_RESIDENT_ID, id_number=person_id("F"), name="王芳", nationality="CHN")))
    (count,) = await rows(marriage, "SELECT count(*) AS n FROM marriages WHERE office_code = :o", o=office)
    assert count.n == 1 and m.certificate_number == f"J{office}-2024-000001"

    reissued = await retried(s.ReissueCertificate, reissue_request(m.name, registered.parties[0].id_number, office),
                             md, lambda r: setattr(r, "ground", "损毁"))
    assert reissued.document_number == f"BJ{office}-2024-000001" and reissued.marriage.reissue_count == 1
    assert len(await audit_rows(marriage, m.name, "marriage.reissue")) == 1

    await retried(s.ApplyDivorce, pb.ApplyDivorceRequest(
        **acceptance(), request_id=unique(), marriage=m.name, agreement=agreement(), office_code=office), md,
        lambda r: setattr(r.agreement, "property_division", "房产归女方"))
    (count,) = await rows(marriage, "SELECT count(*) AS n FROM divorce_applications WHERE marriage_id = :m",
                          m=_id(m.name))
    assert count.n == 1


async def test_withdraw_register_and_endings_retried_change_nothing_twice(marriage, secrets, fake_clock):
    s, md = stub(marriage), secrets.caller_metadata(*REGISTRAR)
    office = office_code()
    fake_clock.set(dt.date(2024, 3, 4))
    couples = []
    for _ in range(5):
        man, woman = person_id("M"), person_id("F")
        couples.append((await s.RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                                 metadata=md), man, woman))
    apps = [await s.ApplyDivorce(pb.ApplyDivorceRequest(**acceptance(), request_id=unique(), marriage=m.name,
                                                        agreement=agreement(), office_code=office),
                                 metadata=md) for m, *_ in couples[:2]]

    fake_clock.set(dt.date(2024, 3, 10))
    withdrawn = await retried(s.WithdrawDivorce, pb.WithdrawDivorceRequest(
        request_id=unique(), name=apps[0].name, id_number=couples[0][2]), md,
        lambda r: setattr(r, "id_number", couples[0][1]))
    assert withdrawn.state == pb.DIVORCE_STATE_WITHDRAWN
    assert len(await audit_rows(marriage, apps[0].name, "divorce.withdraw")) == 1

    fake_clock.set(dt.date.fromisoformat(apps[1].cooling_off_end_date) + dt.timedelta(days=1))
    request = pb.RegisterDivorceRequest(request_id=unique(), name=apps[1].name, office_code=office, both_present=True)
    divorced = await retried(s.RegisterDivorce, request, md, lambda r: setattr(r, "office_code", "421281"))
    fake_clock.set(fake_clock.today() + dt.timedelta(days=1))  # retried the next day: still the first answer
    assert await s.RegisterDivorce(request, metadata=md) == divorced
    assert divorced.certificate_number == f"L{office}-{fake_clock.today().year}-000001"
    (serial,) = await rows(marriage, "SELECT last_serial FROM certificate_serials WHERE kind = 'L' AND office_code = :o",
                           o=office)
    assert serial.last_serial == 1

    court = await retried(s.RecordCourtDivorce, pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=couples[2][0].name, court="赤壁市人民法院", document_number="(2024)鄂1281民初1号",
        effective_date="2024-03-05"), md, lambda r: setattr(r, "effective_date", "2024-03-06"))
    assert court.state == pb.MARRIAGE_STATE_DIVORCED

    death = await retried(s.RecordDeath, pb.RecordDeathRequest(
        request_id=unique(), id_number=couples[3][1], death_date="2024-03-05", death_certificate_number="D1"), md,
        lambda r: setattr(r, "death_date", "2024-03-06"))
    assert death.marriage.state == pb.MARRIAGE_STATE_ENDED_BY_DEATH

    revoked = await retried(s.RevokeRegistration, pb.RevokeRegistrationRequest(
        request_id=unique(), name=couples[4][0].name, authority=pb.REVOCATION_AUTHORITY_POLICE,
        document_reference="赤公认〔2024〕1号", reason="冒名登记"), md,
        lambda r: setattr(r, "authority", pb.REVOCATION_AUTHORITY_COURT))
    assert revoked.state == pb.MARRIAGE_STATE_REVOKED

    for (m, *_), action in zip(couples[1:], ("marriage.divorce", "marriage.court_divorce", "marriage.end_by_death",
                                             "marriage.revoke")):
        assert len(await audit_rows(marriage, m.name, action)) == 1, action
        ended = [e for e in await outbox_events(marriage, "marriage_ended", events_pb2.MarriageEnded)
                 if e.marriage.name == m.name]
        assert len(ended) == (0 if action == "marriage.revoke" else 1), action


async def test_a_refusal_retried_changes_nothing_twice(marriage, secrets, fake_clock):
    s, md = stub(marriage), secrets.caller_metadata(*REGISTRAR)
    office = office_code()
    fake_clock.set(dt.date(2024, 3, 4))
    m = await s.RegisterMarriage(register_request(office=office), metadata=md)
    app = await s.ApplyDivorce(pb.ApplyDivorceRequest(**acceptance(), request_id=unique(), marriage=m.name,
                                                      agreement=agreement(), office_code=office), metadata=md)
    fake_clock.set(dt.date.fromisoformat(app.cooling_off_end_date) + dt.timedelta(days=1))
    request = pb.RefuseDivorceRequest(request_id=unique(), name=app.name, office_code=office,
                                      reason="女方表示并非自愿离婚")
    refused = await retried(s.RefuseDivorce, request, md, lambda r: setattr(r, "reason", "双方对财产分割有争议"))
    fake_clock.set(fake_clock.today() + dt.timedelta(days=1))  # retried the next day: still the first answer
    assert await s.RefuseDivorce(request, metadata=md) == refused
    assert (refused.state, refused.refusal_reason) == (pb.DIVORCE_STATE_REFUSED, "女方表示并非自愿离婚")
    assert len(await audit_rows(marriage, app.name, "divorce.refuse")) == 1
    assert [e.application.state for e in await outbox_events(marriage, "divorce_application_changed",
                                                             events_pb2.DivorceApplicationChanged)
            if e.application.name == app.name] == [pb.DIVORCE_STATE_COOLING_OFF, pb.DIVORCE_STATE_REFUSED]


async def test_appointment_and_counseling_calls_retried_change_nothing_twice(marriage, secrets, fake_clock):
    s, md = stub(marriage), secrets.caller_metadata(*REGISTRAR)
    code = office_code()
    office = await retried(s.UpsertOffice, pb.UpsertOfficeRequest(request_id=unique(), office=pb.Office(
        office_code=code, display_name="测试婚姻登记处", opens_at="08:30", closes_at="17:00", daily_capacity=2)),
        md, lambda r: setattr(r.office, "daily_capacity", 3))
    assert office.daily_capacity == 2
    await retried(s.AddSpecialDate, pb.AddSpecialDateRequest(request_id=unique(), office_code=code,
                                                             special_date=pb.SpecialDate(date="2024-03-06", capacity=2)),
                  secrets.caller_metadata("admin"), lambda r: setattr(r.special_date, "capacity", 5))
    booked = await retried(s.CreateAppointment, pb.CreateAppointmentRequest(request_id=unique(), appointment=pb.Appointment(
        office_code=code, date="2024-03-05", kind=pb.APPOINTMENT_KIND_MARRIAGE, contact_name="王小明",
        contact_phone="13812345678")), md, lambda r: setattr(r.appointment, "date", "2024-03-06"))
    (day,) = await rows(marriage, "SELECT booked, issued FROM appointment_days WHERE office_code = :o", o=code)
    assert (day.booked, day.issued) == (1, 1)
    await retried(s.CancelAppointment, pb.CancelAppointmentRequest(request_id=unique(), name=booked.name), md,
                  lambda r: setattr(r, "name", "appointments/00000000-0000-0000-0000-000000000000"))
    (day,) = await rows(marriage, "SELECT booked FROM appointment_days WHERE office_code = :o", o=code)
    assert day.booked == 0  # freed once, not twice (CHECK booked >= 0 would refuse a second)

    counselor = secrets.caller_metadata("marriage_counselor")
    case = await retried(s.OpenCounselingCase, pb.OpenCounselingCaseRequest(
        request_id=unique(), counseling_case=pb.CounselingCase(office_code=code, topic="婚姻危机干预")), counselor,
        lambda r: setattr(r.counseling_case, "topic", "婚前辅导"))
    case = await retried(s.AddCounselingSession, pb.AddCounselingSessionRequest(
        request_id=unique(), name=case.name, session=pb.CounselingSession(counselor="刘老师", summary="首次面谈")),
        counselor, lambda r: setattr(r.session, "summary", "第二次面谈"))
    assert len(case.sessions) == 1
    closed = await retried(s.CloseCounselingCase, pb.CloseCounselingCaseRequest(
        request_id=unique(), name=case.name, outcome=pb.COUNSELING_OUTCOME_RECONCILED), counselor,
        lambda r: setattr(r, "outcome", pb.COUNSELING_OUTCOME_REFERRED))
    assert closed.outcome == pb.COUNSELING_OUTCOME_RECONCILED and len(closed.sessions) == 1
    assert [a.action for a in await audit_rows(marriage, case.name)] == [
        "counseling.open", "counseling.session", "counseling.close"]
