"""Races on one marriage record that the database must settle: a death recorded while a divorce
commits, the lapse sweep against a registration on the last day, two reissues at once. Real gRPC
calls against real PostgreSQL; where the interleaving matters, a transaction of the test's own
holds the marriage's row so the calls queue on it in a known order."""
import asyncio
import datetime as dt

import grpc
from civic.marriage.v1 import resources_pb2 as pb
from marriage.app.divorces import sweep_lapsed
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    agreement,
    audit_rows,
    marriage_ended_events,
    office_code,
    person_id,
    reason_of,
    register_request,
    reissue_request,
    rows,
    stub,
)


async def married(service, secrets, office: str) -> tuple[pb.Marriage, str, str]:
    man, woman = person_id("M"), person_id("F")
    m = await stub(service).RegisterMarriage(register_request(man=man, woman=woman, office=office),
                                             metadata=secrets.caller_metadata(*REGISTRAR))
    return m, man, woman


async def applied(service, secrets, m: pb.Marriage, office: str) -> pb.DivorceApplication:
    return await stub(service).ApplyDivorce(pb.ApplyDivorceRequest(
        **acceptance(), request_id=unique(), marriage=m.name, agreement=agreement(), office_code=office),
        metadata=secrets.caller_metadata(*REGISTRAR))


async def waiting_on(service, holder_pid: int, count: int) -> None:
    """Until ``count`` transactions wait, directly or behind one another, for the holder's lock."""
    for _ in range(200):
        (row,) = await rows(service, "SELECT count(*) AS n FROM pg_stat_activity "
                                     "WHERE pid <> :p AND cardinality(pg_blocking_pids(pid)) > 0", p=holder_pid)
        if row.n >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} transactions waiting on {holder_pid}")


async def test_a_death_recorded_while_a_divorce_commits_finds_the_marriage_already_ended(
        marriage, secrets, fake_clock):
    """RegisterDivorce holds the marriage; RecordDeath of the husband waits for it. Once the divorce
    commits, the death has no current marriage to end — the answer a death recorded after the
    divorce gets (no marriage), not MARRIAGE_NOT_CURRENT from reading the marriage it had found
    through a current-spouse claim the divorce had just deleted."""
    office = office_code()
    fake_clock.set(dt.date(2024, 3, 4))
    m, man, _ = await married(marriage, secrets, office)
    app = await applied(marriage, secrets, m, office)
    fake_clock.set(dt.date.fromisoformat(app.cooling_off_end_date) + dt.timedelta(days=1))
    md = secrets.caller_metadata(*REGISTRAR)
    async with marriage.infra.db.transaction() as holder:
        pid = (await holder.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await holder.execute(text("SELECT 1 FROM marriages WHERE id = :i FOR UPDATE"), {"i": m.name.split("/")[1]})
        divorce = asyncio.ensure_future(stub(marriage).RegisterDivorce(pb.RegisterDivorceRequest(
            request_id=unique(), name=app.name, office_code=office, both_present=True), metadata=md))
        await waiting_on(marriage, pid, 1)
        death = asyncio.ensure_future(stub(marriage).RecordDeath(pb.RecordDeathRequest(
            request_id=unique(), id_number=man, death_date=fake_clock.today().isoformat(),
            death_certificate_number="D2024-0409"), metadata=md))
        await waiting_on(marriage, pid, 2)
    divorced = await divorce
    assert divorced.state == pb.DIVORCE_STATE_DIVORCED
    died = await death  # before the fix: FAILED_PRECONDITION MARRIAGE_NOT_CURRENT
    assert not died.HasField("marriage")
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md)
    assert (got.state, got.end_reason) == (pb.MARRIAGE_STATE_DIVORCED, pb.END_REASON_DIVORCE_REGISTERED)
    assert len(await marriage_ended_events(marriage, m.name)) == 1
    assert await audit_rows(marriage, m.name, "marriage.end_by_death") == []


async def test_both_spouses_deaths_recorded_at_once_end_the_marriage_once(marriage, secrets):
    """Each notice of a couple who died together finds the marriage; the second to get its row finds
    it ended by the first death, and answers as a notice recorded after it would (no marriage)."""
    md = secrets.caller_metadata(*REGISTRAR)
    m, man, woman = await married(marriage, secrets, office_code())
    async with marriage.infra.db.transaction() as holder:
        pid = (await holder.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await holder.execute(text("SELECT 1 FROM marriages WHERE id = :i FOR UPDATE"), {"i": m.name.split("/")[1]})
        calls = []
        for number in (man, woman):
            calls.append(asyncio.ensure_future(stub(marriage).RecordDeath(pb.RecordDeathRequest(
                request_id=unique(), id_number=number, death_date="2024-03-01",
                death_certificate_number=f"D-{number[-4:]}"), metadata=md)))
            await waiting_on(marriage, pid, len(calls))
    first, second = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(first, pb.RecordDeathResponse), first
    assert first.marriage.state == pb.MARRIAGE_STATE_ENDED_BY_DEATH
    assert isinstance(second, pb.RecordDeathResponse), second  # before the fix: MARRIAGE_NOT_CURRENT
    assert not second.HasField("marriage")
    assert len(await marriage_ended_events(marriage, m.name)) == 1


async def test_the_sweep_and_a_registration_on_the_last_day_settle_on_one_outcome(marriage, secrets, fake_clock):
    """RegisterDivorce on the issue deadline while the sweep for the next day runs: either the divorce
    is registered (and the sweep leaves it) or the application lapsed (and the registration is
    refused) — never both, and the marriage agrees with the application."""
    office = office_code()
    fake_clock.set(dt.date(2024, 3, 4))
    couples = [await married(marriage, secrets, office) for _ in range(6)]
    apps = [await applied(marriage, secrets, m, office) for m, *_ in couples]
    deadline = dt.date.fromisoformat(apps[0].issue_deadline_date)
    assert {a.issue_deadline_date for a in apps} == {deadline.isoformat()}
    fake_clock.set(deadline)
    md = secrets.caller_metadata(*REGISTRAR)
    results = await asyncio.gather(
        sweep_lapsed(marriage.infra.uow, marriage.infra.cipher, deadline + dt.timedelta(days=1)),
        *(stub(marriage).RegisterDivorce(pb.RegisterDivorceRequest(
            request_id=unique(), name=a.name, office_code=office, both_present=True), metadata=md) for a in apps),
        return_exceptions=True)
    lapsed, answers = results[0], results[1:]
    assert isinstance(lapsed, int), lapsed
    for (m, *_), app, answer in zip(couples, apps, answers):
        (row,) = await rows(marriage, "SELECT a.outcome, m.state, m.end_reason, "
                                      "(SELECT count(*) FROM current_spouses c WHERE c.marriage_id = m.id) AS claims "
                                      "FROM divorce_applications a JOIN marriages m ON m.id = a.marriage_id "
                                      "WHERE a.id = :i", i=app.name.split("/")[1])
        if isinstance(answer, pb.DivorceApplication):
            assert (row.outcome, row.state, row.end_reason, row.claims) == ("DIVORCED", "DIVORCED",
                                                                             "DIVORCE_REGISTERED", 0)
            assert len(await marriage_ended_events(marriage, m.name)) == 1
        else:
            assert isinstance(answer, grpc.aio.AioRpcError), answer
            assert reason_of(answer) == "APPLICATION_CLOSED"
            assert (row.outcome, row.state, row.claims) == ("DEEMED_WITHDRAWN", "REGISTERED", 2)
            assert await marriage_ended_events(marriage, m.name) == []
    # At least these: the sweep also lapses what other tests left open in the shared database.
    assert lapsed >= sum(not isinstance(a, pb.DivorceApplication) for a in answers)


async def test_two_reissues_of_one_record_at_once_take_consecutive_numbers(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    m, man, woman = await married(marriage, secrets, office)
    done = await asyncio.gather(*(stub(marriage).ReissueCertificate(
        reissue_request(m.name, (man, woman)[n % 2], office), metadata=md) for n in range(6)))
    assert sorted(d.document_number for d in done) == [f"BJ{office}-2024-{n:06d}" for n in range(1, 7)]
    assert sorted(d.marriage.reissue_count for d in done) == list(range(1, 7))
    (row,) = await rows(marriage, "SELECT reissue_count, (SELECT count(*) FROM certificates c "
                                  "WHERE c.marriage_id = m.id) AS issued FROM marriages m WHERE id = :i",
                        i=m.name.split("/")[1])
    assert (row.reissue_count, row.issued) == (6, 6)
    assert len(await audit_rows(marriage, m.name, "marriage.reissue")) == 6
