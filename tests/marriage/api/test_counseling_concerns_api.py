"""Concerns recorded on counseling cases over gRPC (rules.md §1.9, 条例 2025): domestic violence with
the help the victim was told of, suspected trafficking with its report to the police; the refusals,
closing, the supervisor's filter, the statistics and retries."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    audit_rows,
    office_code,
    outbox_events,
    person_id,
    reason_of,
    rows,
    stub,
    violations_of,
)

DV = pb.COUNSELING_CONCERN_KIND_DOMESTIC_VIOLENCE
TRAFFICKING = pb.COUNSELING_CONCERN_KIND_TRAFFICKING_SUSPECTED


def counselor(secrets, jurisdiction: str = ""):
    return secrets.caller_metadata("marriage_counselor", jurisdiction=jurisdiction)


async def open_case(marriage, secrets, office: str, topic: str = "婚姻危机干预") -> pb.CounselingCase:
    return await stub(marriage).OpenCounselingCase(pb.OpenCounselingCaseRequest(
        request_id=unique(), counseling_case=pb.CounselingCase(office_code=office, topic=topic)),
        metadata=counselor(secrets))


def violence(action: str = "当场制止并陪同女方报警", help=(pb.VICTIM_HELP_POLICE, pb.VICTIM_HELP_WOMENS_FEDERATION)):
    return pb.CounselingConcern(kind=DV, action=action, help=list(help))


def trafficking(time: str = "2024-03-01T09:40", reference: str = "赤公接警〔2024〕0301号"):
    return pb.CounselingConcern(kind=TRAFFICKING, action="女方称被拐卖，已报警",
                                police_report=pb.PoliceReport(report_time=time, reference=reference))


async def record(marriage, secrets, name: str, concern: pb.CounselingConcern,
                 request_id: str | None = None) -> pb.CounselingCase:
    return await stub(marriage).RecordCounselingConcern(pb.RecordCounselingConcernRequest(
        request_id=request_id or unique(), name=name, concern=concern), metadata=counselor(secrets))


async def refused(marriage, secrets, name: str, concern: pb.CounselingConcern) -> tuple[str, list[str]]:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await record(marriage, secrets, name, concern)
    assert err.value.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION)
    return reason_of(err.value), violations_of(err.value)


async def test_a_counselor_records_domestic_violence_and_trafficking_with_what_was_done(marriage, secrets,
                                                                                     fake_clock):
    case = await open_case(marriage, secrets, office_code())
    case = await record(marriage, secrets, case.name, violence())
    case = await record(marriage, secrets, case.name, trafficking())
    [dv, tr] = case.concerns
    assert (dv.kind, dv.date, dv.action, list(dv.help)) == (
        DV, "2024-03-01", "当场制止并陪同女方报警", [pb.VICTIM_HELP_POLICE, pb.VICTIM_HELP_WOMENS_FEDERATION])
    assert not dv.HasField("police_report")
    assert (tr.kind, tr.police_report.report_time, tr.police_report.reference) == (
        TRAFFICKING, "2024-03-01T09:40+08:00", "赤公接警〔2024〕0301号")
    got = await stub(marriage).ListCounselingCases(pb.ListCounselingCasesRequest(office_code=case.office_code),
                                                   metadata=counselor(secrets))
    assert [list(c.concerns) for c in got.cases] == [list(case.concerns)]  # read back as recorded
    audit = (await audit_rows(marriage, case.name, "counseling.concern"))[-1]
    assert [k["kind"] for k in audit.after["concerns"]] == ["DOMESTIC_VIOLENCE", "TRAFFICKING_SUSPECTED"]
    assert audit.after["concerns"][1]["report_reference"] == "赤公接警〔2024〕0301号"


@pytest.mark.parametrize(("concern", "reason", "field"), [
    (pb.CounselingConcern(action="报警"), "CONCERN_KIND_REQUIRED", "concern.kind"),
    (violence(help=()), "HELP_REQUIRED", "concern.help"),
    (violence(help=(pb.VICTIM_HELP_UNSPECIFIED,)), "HELP_REQUIRED", "concern.help"),
    (violence(action=" "), "INTERVENTION_REQUIRED", "concern.action"),
    (pb.CounselingConcern(kind=TRAFFICKING, action="已报警"), "POLICE_REPORT_REQUIRED",
     "concern.police_report.report_time"),
    (trafficking(time=""), "POLICE_REPORT_REQUIRED", "concern.police_report.report_time"),
    (trafficking(reference=" "), "POLICE_REPORT_REQUIRED", "concern.police_report.reference"),
    (trafficking(time="3月1日上午"), "INVALID_DATE_TIME", "concern.police_report.report_time"),
    (trafficking(time="2024-03-01T10:30"), "DATE_IN_FUTURE", "concern.police_report.report_time"),  # clock: 10:00
    (trafficking(time="2024-02-29T23:59"), "DATE_BEFORE_RECEIPT", "concern.police_report.report_time"),
    (pb.CounselingConcern(kind=DV, action="制止", help=[pb.VICTIM_HELP_POLICE], police_report=pb.PoliceReport(
        report_time="2024-03-01T09:00", reference="110")), "FIELD_NOT_FOR_CONCERN", "concern.police_report"),
    (pb.CounselingConcern(kind=TRAFFICKING, help=[pb.VICTIM_HELP_SHELTER], police_report=pb.PoliceReport(
        report_time="2024-03-01T09:00", reference="110")), "FIELD_NOT_FOR_CONCERN", "concern.help"),
    (pb.CounselingConcern(kind=DV, date="2024-03-02", action="制止", help=[pb.VICTIM_HELP_POLICE]),
     "DATE_IN_FUTURE", "concern.date"),
])
async def test_a_concern_without_what_it_requires_is_refused_and_leaves_nothing(marriage, secrets, fake_clock,
                                                                               concern, reason, field):
    case = await open_case(marriage, secrets, office_code())
    assert await refused(marriage, secrets, case.name, concern) == (reason, [field])
    assert await rows(marriage, "SELECT 1 FROM counseling_concerns WHERE case_id = :c",
                      c=case.name.split("/")[1]) == []


async def test_closing_a_case_with_concerns_and_no_concern_on_a_closed_case(marriage, secrets, fake_clock):
    """A trafficking concern is recorded once reported (the recording requires the report), so the
    case that holds one closes; one refused for want of its report leaves the case open and without
    it; a closed case takes no new concern."""
    case = await open_case(marriage, secrets, office_code())
    assert (await refused(marriage, secrets, case.name, trafficking(reference="")))[0] == "POLICE_REPORT_REQUIRED"
    case = await record(marriage, secrets, case.name, trafficking())
    fake_clock.set(dt.date(2024, 3, 5))
    closed = await stub(marriage).CloseCounselingCase(pb.CloseCounselingCaseRequest(
        request_id=unique(), name=case.name, outcome=pb.COUNSELING_OUTCOME_REFERRED), metadata=counselor(secrets))
    assert closed.close_date == "2024-03-05" and [k.kind for k in closed.concerns] == [TRAFFICKING]
    assert await refused(marriage, secrets, case.name, violence()) == ("CASE_CLOSED", [])


async def test_the_supervisor_lists_the_cases_with_a_concern(marriage, secrets, fake_clock):
    office = office_code()
    plain = await open_case(marriage, secrets, office, "婚前辅导")
    beaten = await open_case(marriage, secrets, office, "家暴")
    sold = await open_case(marriage, secrets, office, "拐卖")
    await record(marriage, secrets, beaten.name, violence())
    await record(marriage, secrets, sold.name, trafficking())
    supervisor = secrets.caller_metadata("supervisor")

    async def listed(**filters) -> set[str]:
        found = await stub(marriage).ListCounselingCases(pb.ListCounselingCasesRequest(office_code=office, **filters),
                                                         metadata=supervisor)
        return {c.name for c in found.cases}

    assert await listed() == {plain.name, beaten.name, sold.name}
    assert await listed(with_concern=True) == {beaten.name, sold.name}
    assert await listed(concern_kind=DV) == {beaten.name}
    assert await listed(concern_kind=TRAFFICKING) == {sold.name}
    assert await listed(concern_kind=TRAFFICKING, open_only=True, with_concern=True) == {sold.name}


async def test_statistics_count_the_cases_with_each_concern_in_the_period(marriage, secrets, fake_clock):
    office = office_code()
    first = await open_case(marriage, secrets, office)
    await record(marriage, secrets, first.name, violence())
    await record(marriage, secrets, first.name, violence(action="再次制止"))  # the same case counts once
    await record(marriage, secrets, first.name, trafficking())
    fake_clock.set(dt.date(2024, 4, 2))
    second = await open_case(marriage, secrets, office)
    await record(marriage, secrets, second.name, violence())
    await open_case(marriage, secrets, office)  # no concern

    async def stats(d_from: str, d_to: str) -> tuple[int, int, int]:
        s = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(office_code=office, from_date=d_from,
                                                                        to_date=d_to),
                                               metadata=secrets.caller_metadata("supervisor"))
        return s.counseling_received, s.counseling_domestic_violence, s.counseling_trafficking_suspected

    assert await stats("2024-01-01", "2024-12-31") == (3, 2, 1)
    assert await stats("2024-03-01", "2024-03-31") == (1, 1, 1)
    assert await stats("2024-04-01", "2024-04-02") == (2, 1, 0)
    assert await stats("2024-03-02", "2024-04-01") == (0, 0, 0)


async def test_a_retried_recording_records_once_and_the_event_masks_typed_text(marriage, secrets, fake_clock):
    case = await open_case(marriage, secrets, office_code())
    man = person_id("M")
    concern = trafficking(reference=f"接警回执 {man}")
    concern.action = f"{man} 称被拐卖"
    request_id = unique()
    first = await record(marriage, secrets, case.name, concern, request_id)
    assert await record(marriage, secrets, case.name, concern, request_id) == first
    altered = pb.CounselingConcern()
    altered.CopyFrom(concern)
    altered.police_report.reference = "赤壁市公安局蒲圻派出所"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await record(marriage, secrets, case.name, altered, request_id)
    assert reason_of(err.value) == "REQUEST_ID_REUSED"
    assert len(first.concerns) == 1 and first.concerns[0].action == f"{man} 称被拐卖"  # the office's record
    assert [a.action for a in await audit_rows(marriage, case.name)] == ["counseling.open", "counseling.concern"]
    [audit] = await audit_rows(marriage, case.name, "counseling.concern")
    assert man not in str(audit.after)
    events = [e for e in await outbox_events(marriage, "counseling_case_changed", events_pb2.CounselingCaseChanged)
              if e.counseling_case.name == case.name]
    assert [len(e.counseling_case.concerns) for e in events] == [0, 1]
    # The province's feed learns that a concern was recorded, of what kind and on what day — not
    # what staff did nor the police report (the office's record above keeps both).
    shown = events[1].counseling_case.concerns[0]
    assert (shown.kind, shown.date) == (TRAFFICKING, first.concerns[0].date)
    assert (shown.action, list(shown.help), shown.HasField("police_report")) == ("", [], False)
    assert man not in str(events[1]) and "拐卖" not in str(events[1]) and "接警回执" not in str(events[1])


async def test_only_the_cases_office_records_a_concern(marriage, secrets, fake_clock):
    case = await open_case(marriage, secrets, "421281")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RecordCounselingConcern(pb.RecordCounselingConcernRequest(
            request_id=unique(), name=case.name, concern=violence()), metadata=counselor(secrets, "421202"))
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RecordCounselingConcern(pb.RecordCounselingConcernRequest(
            request_id=unique(), name=case.name, concern=violence()), metadata=secrets.caller_metadata("supervisor"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
