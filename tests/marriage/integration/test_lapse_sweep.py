"""The sweep that closes divorce applications nobody came back for (deemed withdrawn), with its event."""
import asyncio
import datetime as dt

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.app.divorces import sweep_lapsed
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.settings import MarriageSettings
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
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
