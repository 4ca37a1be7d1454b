"""The sweep that closes divorce applications nobody came back for (deemed withdrawn), with its event."""
import asyncio
import datetime as dt

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.app.divorces import extend_open_periods, sweep_lapsed
from marriage.domain.calendar import WorkCalendar, bundled_calendar
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.settings import MarriageSettings
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    agreement,
    audit_rows,
    office_code,
    outbox_events,
    register_request,
    rows,
    stub,
)


async def apply_on(service, secrets, fake_clock, day: dt.date) -> pb.DivorceApplication:
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    m = await stub(service).RegisterMarriage(register_request(office=office), metadata=md)
    fake_clock.set(day)
    return await stub(service).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(),
        request_id=unique(), marriage=m.name, agreement=agreement(), office_code=office), metadata=md)


async def outcome_of(service, name: str) -> str | None:
    (row,) = await rows(service, "SELECT outcome FROM divorce_applications WHERE id = :i",
                        i=name.split("/", 1)[1])
    return row.outcome


async def test_the_sweep_lapses_only_applications_past_their_deadline(marriage, secrets, fake_clock):
    app = await apply_on(marriage, secrets, fake_clock, dt.date(2024, 3, 4))
    deadline = dt.date.fromisoformat(app.issue_deadline_date)
    sub = await marriage.infra.js.subscribe("civic.marriage.divorce_application_changed", ordered_consumer=True,
                                            deliver_policy="new")
    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, deadline)
    assert await outcome_of(marriage, app.name) is None  # the deadline day itself is still open
    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, deadline + dt.timedelta(days=1))
    assert await outcome_of(marriage, app.name) == "DEEMED_WITHDRAWN"
    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, deadline + dt.timedelta(days=2))  # idempotent

    changes = [e for e in await outbox_events(marriage, "divorce_application_changed",
                                              events_pb2.DivorceApplicationChanged)
               if e.application.name == app.name]
    assert [e.application.state for e in changes] == [pb.DIVORCE_STATE_COOLING_OFF, pb.DIVORCE_STATE_DEEMED_WITHDRAWN]
    assert changes[-1].application.close_date == (deadline + dt.timedelta(days=1)).isoformat()
    (audit,) = await audit_rows(marriage, app.name, "divorce.lapse")
    assert audit.actor == "system" and audit.after["state"] == "DEEMED_WITHDRAWN"
    # Relayed to JetStream as well (after the application's own COOLING_OFF event, maybe).
    try:
        while True:
            published = events_pb2.DivorceApplicationChanged.FromString((await sub.next_msg(timeout=5)).data)
            if published.application.name == app.name \
                    and published.application.state == pb.DIVORCE_STATE_DEEMED_WITHDRAWN:
                break
    finally:
        await sub.unsubscribe()


async def test_the_background_job_sweeps_on_its_own(start_service, fake_clock, secrets):
    service = await start_service(build_spec(), MarriageSettings, MIGRATIONS, clock=fake_clock,
                                  lapse_sweep_interval_s=0.1)
    app = await apply_on(service, secrets, fake_clock, dt.date(2024, 3, 4))
    fake_clock.set(dt.date.fromisoformat(app.issue_deadline_date) + dt.timedelta(days=1))
    for _ in range(50):
        if await outcome_of(service, app.name) == "DEEMED_WITHDRAWN":
            break
        await asyncio.sleep(0.1)
    assert await outcome_of(service, app.name) == "DEEMED_WITHDRAWN"
    async with service.infra.db.transaction() as session:
        count = (await session.execute(text(
            "SELECT count(*) FROM audit_log WHERE resource = :r AND action = 'divorce.lapse'"),
            {"r": app.name})).scalar_one()
    assert count == 1


async def test_a_holiday_notice_that_comes_later_extends_open_applications(marriage, secrets, fake_clock):
    """Accepted 2031-03-03, when the service's calendar had no 2031 notice: the issue period's 30th
    day is Fri 2031-05-02, 劳动节's second day, which the law fixes, so the deadline is already Mon
    05-05. A release whose calendar makes 05-05 a holiday too (a bridging day, as 2025's notice did)
    brings the application up to it at start — the deadline moves to the next working day, Tue 05-06,
    with its event and audit row — and the sweep lapses it only after that day."""
    app = await apply_on(marriage, secrets, fake_clock, dt.date(2031, 3, 3))
    assert (app.cooling_off_end_date, app.issue_deadline_date) == ("2031-04-02", "2031-05-05")
    bundled = bundled_calendar()
    notice = WorkCalendar(bundled.holidays | {dt.date(2031, 5, d) for d in range(1, 6)},
                          bundled.make_up_workdays, bundled.rush)
    assert await extend_open_periods(marriage.infra.uow, marriage.infra.cipher, dt.date(2031, 3, 20), notice) >= 1
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                     metadata=secrets.caller_metadata(*REGISTRAR))
    assert got.issue_deadline_date == "2031-05-06"  # the bridging Monday off too, then Tuesday
    (audit,) = await audit_rows(marriage, app.name, "divorce.extend_periods")
    assert (audit.before["issue_deadline"], audit.after["issue_deadline"]) == ("2031-05-05", "2031-05-06")
    # Once: the next start finds nothing to move (2031 belongs to these tests alone).
    assert await extend_open_periods(marriage.infra.uow, marriage.infra.cipher, dt.date(2031, 3, 20), notice) == 0

    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, dt.date(2031, 5, 6), notice)
    assert await outcome_of(marriage, app.name) is None
    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, dt.date(2031, 5, 7), notice)
    assert await outcome_of(marriage, app.name) == "DEEMED_WITHDRAWN"


async def test_the_sweep_lapses_by_the_calendar_in_force(marriage, secrets, fake_clock):
    """Without the start-up pass (e.g. a sweep already due): the sweep extends before it lapses."""
    app = await apply_on(marriage, secrets, fake_clock, dt.date(2031, 3, 4))
    assert app.issue_deadline_date == "2031-05-05"
    bundled = bundled_calendar()
    notice = WorkCalendar(bundled.holidays | {dt.date(2031, 5, 5)}, bundled.make_up_workdays, bundled.rush)
    await sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, dt.date(2031, 5, 6), notice)
    assert await outcome_of(marriage, app.name) is None  # its last day was a rest day: it ends on 05-06
    assert [a.after["issue_deadline"] for a in await audit_rows(marriage, app.name, "divorce.extend_periods")] \
        == ["2031-05-06"]
