"""Revocation cases over gRPC (撤销婚姻登记, rules.md §1.4, §1.7): 审查 → 告知 → 决定 → 送达 → 归档,
one open case per marriage, a direct revocation refused while one is open, idempotent steps, etags."""
import asyncio
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    audit_rows,
    outbox_events,
    pages,
    reason_of,
    register_request,
    rows,
    stub,
)

FINDING = "赤公认〔2024〕12号 被冒用身份证 420102199001011234"


def md(secrets, *roles):
    return secrets.caller_metadata(*(roles or REGISTRAR))


async def registered(service, secrets) -> pb.Marriage:
    return await stub(service).RegisterMarriage(register_request(), metadata=md(secrets))


def open_request(marriage: pb.Marriage, **case) -> pb.OpenRevocationCaseRequest:
    fields = {"marriage": marriage.name, "source": pb.REVOCATION_AUTHORITY_POLICE, "document_number": FINDING}
    return pb.OpenRevocationCaseRequest(request_id=unique("rc-"),
                                        revocation_case=pb.RevocationCase(**{**fields, **case}))


async def refusal(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return err.value


async def notify(service, secrets, case: pb.RevocationCase, **notice) -> pb.RevocationCase:
    fields = {"method": pb.REVOCATION_NOTICE_METHOD_IN_PERSON, **notice}
    return await stub(service).RecordRevocationNotice(pb.RecordRevocationNoticeRequest(
        request_id=unique(), name=case.name, notice=pb.RevocationNotice(**fields), etag=case.etag),
        metadata=md(secrets))


def decide_request(case: pb.RevocationCase, outcome=pb.REVOCATION_OUTCOME_REVOKE, **decision):
    fields = {"outcome": outcome, "decision_number": "赤民撤字〔2024〕1号", **decision}
    return pb.DecideRevocationRequest(request_id=unique(), name=case.name, etag=case.etag, reason="冒用身份证件登记",
                                      decision=pb.RevocationDecision(**fields))


async def case_events(service, case: pb.RevocationCase) -> list[pb.RevocationCase]:
    return [e.revocation_case for e in await outbox_events(service, "revocation_case_changed",
                                                           events_pb2.RevocationCaseChanged)
            if e.revocation_case.name == case.name]


async def test_the_full_path_to_revoked(marriage, secrets, fake_clock):
    s = stub(marriage)
    m = await registered(marriage, secrets)  # 2024-03-01, a Friday
    case = await s.OpenRevocationCase(open_request(m), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_REVIEWING and case.received_date == "2024-03-01"
    assert case.office_code == "421281" and case.marriage == m.name and case.etag
    assert case.source == pb.REVOCATION_AUTHORITY_POLICE and case.document_number == FINDING

    case = await notify(marriage, secrets, case)
    # 1 March + 15 days = Saturday 16 March: the period ends on Monday 18 March.
    assert case.state == pb.REVOCATION_CASE_STATE_NOTIFIED
    assert case.notice.notice_date == "2024-03-01" and case.notice.objection_deadline_date == "2024-03-18"

    fake_clock.set(dt.date(2024, 3, 18))
    err = await refusal(s.DecideRevocation(decide_request(case), metadata=md(secrets)))
    assert reason_of(err) == "OBJECTION_PERIOD_NOT_ELAPSED" and err.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert (await s.GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))).state \
        == pb.MARRIAGE_STATE_REGISTERED

    fake_clock.set(dt.date(2024, 3, 20))  # recorded the day after the decision: the decision's date counts
    case = await s.DecideRevocation(decide_request(case, decision_date="2024-03-19"), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_REVOKED and case.decision.decision_date == "2024-03-19"
    assert case.decision.outcome == pb.REVOCATION_OUTCOME_REVOKE
    revoked = await s.GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert revoked.state == pb.MARRIAGE_STATE_REVOKED and revoked.end_reason == pb.END_REASON_REVOKED
    assert revoked.end_date == "2024-03-19" and revoked.end_reference == FINDING
    [event] = [e for e in await outbox_events(marriage, "registration_revoked", events_pb2.RegistrationRevoked)
               if e.marriage.name == m.name]
    assert event.revocation_case == case.name and event.decision_number == "赤民撤字〔2024〕1号"
    assert event.authority == pb.REVOCATION_AUTHORITY_POLICE and "420102199001011234" not in event.document_reference
    [audit] = await audit_rows(marriage, m.name, "marriage.revoke")
    assert case.name in audit.reason and audit.before["state"] == "REGISTERED"

    fake_clock.set(dt.date(2024, 3, 21))
    case = await s.RecordRevocationService(pb.RecordRevocationServiceRequest(
        request_id=unique(), name=case.name, etag=case.etag), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_SERVED and case.service_date == "2024-03-21"
    case = await s.FileRevocationCase(pb.FileRevocationCaseRequest(
        request_id=unique(), name=case.name, filed_date="2024-03-21", etag=case.etag), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_FILED and case.filed_date == "2024-03-21"
    assert await s.GetRevocationCase(pb.GetRevocationCaseRequest(name=case.name), metadata=md(secrets)) == case

    assert [a.action for a in await audit_rows(marriage, case.name)] == [
        "revocation.open", "revocation.notify", "revocation.decide", "revocation.serve", "revocation.file"]
    events = await case_events(marriage, case)
    assert [e.state for e in events] == [
        pb.REVOCATION_CASE_STATE_REVIEWING, pb.REVOCATION_CASE_STATE_NOTIFIED, pb.REVOCATION_CASE_STATE_REVOKED,
        pb.REVOCATION_CASE_STATE_SERVED, pb.REVOCATION_CASE_STATE_FILED]
    assert all("420102199001011234" not in e.document_number for e in events)  # masked in the feed

    err = await refusal(s.OpenRevocationCase(open_request(m), metadata=md(secrets)))
    assert reason_of(err) == "ALREADY_REVOKED"  # a revoked registration gets no case


async def test_the_full_path_to_declined_leaves_the_registration(marriage, secrets, fake_clock):
    s = stub(marriage)
    m = await registered(marriage, secrets)
    case = await s.OpenRevocationCase(open_request(m, source=pb.REVOCATION_AUTHORITY_COURT,
                                                   document_number="(2024)鄂1281司建1号"), metadata=md(secrets))
    case = await notify(marriage, secrets, case, method=pb.REVOCATION_NOTICE_METHOD_PUBLIC_NOTICE)
    assert case.notice.objection_deadline_date == "2024-04-01"  # 1 March + 30 = Sunday 31 March → Monday
    fake_clock.set(dt.date(2024, 4, 2))
    err = await refusal(s.DecideRevocation(decide_request(case, pb.REVOCATION_OUTCOME_DECLINE), metadata=md(secrets)))
    assert reason_of(err) == "DECLINE_REASON_REQUIRED"
    case = await s.DecideRevocation(decide_request(case, pb.REVOCATION_OUTCOME_DECLINE, declined_reason="当事人本人到场登记，证据不足",
                                                   decision_number="赤民不撤字〔2024〕1号"), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_DECLINED and case.decision.declined_reason.startswith("当事人")
    assert (await s.GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))).state \
        == pb.MARRIAGE_STATE_REGISTERED
    assert not [e for e in await outbox_events(marriage, "registration_revoked", events_pb2.RegistrationRevoked)
                if e.marriage.name == m.name]
    err = await refusal(s.FileRevocationCase(pb.FileRevocationCaseRequest(request_id=unique(), name=case.name),
                                             metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_STATE"  # not served yet
    case = await s.RecordRevocationService(pb.RecordRevocationServiceRequest(request_id=unique(), name=case.name),
                                           metadata=md(secrets))
    case = await s.FileRevocationCase(pb.FileRevocationCaseRequest(request_id=unique(), name=case.name),
                                      metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_FILED
    # Decided: no longer open, so another finding may start another case.
    again = await s.OpenRevocationCase(open_request(m), metadata=md(secrets))
    assert again.state == pb.REVOCATION_CASE_STATE_REVIEWING


async def test_a_second_open_case_is_refused(marriage, secrets):
    s = stub(marriage)
    m = await registered(marriage, secrets)
    first = await s.OpenRevocationCase(open_request(m), metadata=md(secrets))
    err = await refusal(s.OpenRevocationCase(open_request(m, source=pb.REVOCATION_AUTHORITY_PROCURATORATE,
                                                          document_number="赤检建〔2024〕2号"), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_OPEN" and err.code() == grpc.StatusCode.FAILED_PRECONDITION
    await notify(marriage, secrets, first)  # still open once notified
    err = await refusal(s.OpenRevocationCase(open_request(m), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_OPEN"
    [count] = await rows(marriage, "SELECT count(*) FROM revocation_cases WHERE marriage_id = :m",
                         m=m.name.split("/")[1])
    assert count[0] == 1


async def test_the_database_holds_one_open_case_per_marriage(marriage, secrets):
    """The partial unique index, whatever the service checks."""
    m = await registered(marriage, secrets)
    await stub(marriage).OpenRevocationCase(open_request(m), metadata=md(secrets))
    with pytest.raises(IntegrityError, match="uq_revocation_cases_open"):
        async with marriage.infra.db.transaction() as session:
            await session.execute(text(
                "INSERT INTO revocation_cases (id, marriage_id, source, document_number, received_on, office_code, "
                "state) VALUES (gen_random_uuid(), :m, 'COURT', 'x', '2024-03-01', '421281', 'REVIEWING')"),
                {"m": m.name.split("/")[1]})


async def test_a_direct_revocation_is_refused_while_a_case_is_open_unless_it_names_it(marriage, secrets, fake_clock):
    s = stub(marriage)
    m = await registered(marriage, secrets)
    case = await s.OpenRevocationCase(open_request(m), metadata=md(secrets))

    def direct(**extra) -> pb.RevokeRegistrationRequest:
        fields = {"authority": pb.REVOCATION_AUTHORITY_POLICE, "document_reference": FINDING, "reason": "冒名登记"}
        return pb.RevokeRegistrationRequest(request_id=unique(), name=m.name, **{**fields, **extra})

    err = await refusal(s.RevokeRegistration(direct(), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_OPEN" and err.code() == grpc.StatusCode.FAILED_PRECONDITION
    # Naming the case: the case decides, by its steps (not under review: no decision yet).
    err = await refusal(s.RevokeRegistration(direct(revocation_case=case.name, decision_number="n1"),
                                             metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_STATE"
    case = await notify(marriage, secrets, case)
    fake_clock.set(dt.date(2024, 3, 19))
    err = await refusal(s.RevokeRegistration(direct(revocation_case=case.name), metadata=md(secrets)))
    assert reason_of(err) == "DECISION_NUMBER_REQUIRED"
    err = await refusal(s.RevokeRegistration(direct(revocation_case=case.name, decision_number="n1",
                                                    authority=pb.REVOCATION_AUTHORITY_COURT), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_MISMATCH"
    revoked = await s.RevokeRegistration(direct(revocation_case=case.name, decision_number="赤民撤字〔2024〕7号"),
                                         metadata=md(secrets))
    assert revoked.state == pb.MARRIAGE_STATE_REVOKED
    case = await s.GetRevocationCase(pb.GetRevocationCaseRequest(name=case.name), metadata=md(secrets))
    assert case.state == pb.REVOCATION_CASE_STATE_REVOKED and case.decision.decision_number == "赤民撤字〔2024〕7号"


async def test_a_case_on_another_marriage_is_not_named(marriage, secrets):
    s = stub(marriage)
    m, other = await registered(marriage, secrets), await registered(marriage, secrets)
    case = await s.OpenRevocationCase(open_request(other), metadata=md(secrets))
    err = await refusal(s.RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=m.name, revocation_case=case.name, decision_number="n"), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_MISMATCH"


async def test_a_retried_step_is_done_once(marriage, secrets, fake_clock):
    s = stub(marriage)
    m = await registered(marriage, secrets)
    opening = open_request(m)
    case = await s.OpenRevocationCase(opening, metadata=md(secrets))
    assert await s.OpenRevocationCase(opening, metadata=md(secrets)) == case  # not REVOCATION_CASE_OPEN
    case = await notify(marriage, secrets, case)
    fake_clock.set(dt.date(2024, 3, 19))
    deciding = decide_request(case)
    decided = await s.DecideRevocation(deciding, metadata=md(secrets))
    assert await s.DecideRevocation(deciding, metadata=md(secrets)) == decided  # not REVOCATION_CASE_STATE
    assert len(await case_events(marriage, case)) == 3
    assert len(await audit_rows(marriage, m.name, "marriage.revoke")) == 1
    assert len([e for e in await outbox_events(marriage, "registration_revoked", events_pb2.RegistrationRevoked)
                if e.marriage.name == m.name]) == 1
    changed = pb.DecideRevocationRequest()
    changed.CopyFrom(deciding)
    changed.decision.decision_number = "another"
    err = await refusal(s.DecideRevocation(changed, metadata=md(secrets)))
    assert reason_of(err) == "REQUEST_ID_REUSED"


async def test_a_step_on_a_stale_etag_is_aborted_and_changes_nothing(marriage, secrets):
    s = stub(marriage)
    m = await registered(marriage, secrets)
    read = await s.OpenRevocationCase(open_request(m), metadata=md(secrets))
    moved = await notify(marriage, secrets, read)
    err = await refusal(s.RecordRevocationNotice(pb.RecordRevocationNoticeRequest(
        request_id=unique(), name=read.name, etag=read.etag,
        notice=pb.RevocationNotice(method=pb.REVOCATION_NOTICE_METHOD_MAIL)), metadata=md(secrets)))
    assert reason_of(err) == "REVOCATION_CASE_CHANGED" and err.code() == grpc.StatusCode.ABORTED
    assert await s.GetRevocationCase(pb.GetRevocationCaseRequest(name=read.name), metadata=md(secrets)) == moved


async def test_list_by_state_and_office_in_pages(marriage, secrets):
    s = stub(marriage)
    cases = [await s.OpenRevocationCase(open_request(await registered(marriage, secrets)), metadata=md(secrets))
             for _ in range(3)]
    await notify(marriage, secrets, cases[0])
    request = pb.ListRevocationCasesRequest(office_code="421281", state=pb.REVOCATION_CASE_STATE_REVIEWING,
                                            page_size=1)
    listed = [c.name async for page in pages(s.ListRevocationCases, request, md(secrets, "supervisor"))
              for c in page.revocation_cases]
    assert {cases[1].name, cases[2].name} <= set(listed) and cases[0].name not in listed
    assert len(listed) == len(set(listed))
    one = await s.ListRevocationCases(pb.ListRevocationCasesRequest(marriage=cases[0].marriage), metadata=md(secrets))
    assert [c.name for c in one.revocation_cases] == [cases[0].name]
    assert one.revocation_cases[0].state == pb.REVOCATION_CASE_STATE_NOTIFIED


async def test_reading_is_within_the_jurisdiction_and_steps_are_the_registrars(marriage, secrets):
    s = stub(marriage)
    case = await s.OpenRevocationCase(open_request(await registered(marriage, secrets)), metadata=md(secrets))
    elsewhere = secrets.caller_metadata("marriage_registrar", jurisdiction="420102")
    err = await refusal(s.GetRevocationCase(pb.GetRevocationCaseRequest(name=case.name), metadata=elsewhere))
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    err = await refusal(s.RecordRevocationNotice(pb.RecordRevocationNoticeRequest(
        request_id=unique(), name=case.name, notice=pb.RevocationNotice(method=pb.REVOCATION_NOTICE_METHOD_MAIL)),
        metadata=md(secrets, "supervisor")))
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_two_windows_opening_a_case_at_once_get_one_case_and_a_reason(marriage, secrets):
    """Opening waits on the marriage's row lock, so the second sees the first case (REVOCATION_CASE_OPEN),
    not the unique index's violation."""
    m = await registered(marriage, secrets)
    results = await asyncio.gather(*(stub(marriage).OpenRevocationCase(open_request(m), metadata=md(secrets))
                                     for _ in range(4)), return_exceptions=True)
    opened = [r for r in results if isinstance(r, pb.RevocationCase)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(opened) == 1 and len(refused) == 3
    assert {reason_of(r) for r in refused} == {"REVOCATION_CASE_OPEN"}
