"""What the database guarantees under concurrency: one current marriage per person, gapless
certificate serials, and no overbooked day — enforced by constraints and row locks, not only Python."""
import asyncio
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    office_code,
    person_id,
    reason_of,
    register_request,
    rows,
    stub,
)


async def register_all(service, secrets, requests) -> tuple[list[pb.Marriage], list[grpc.aio.AioRpcError]]:
    md = secrets.caller_metadata(*REGISTRAR)
    results = await asyncio.gather(*(stub(service).RegisterMarriage(r, metadata=md) for r in requests),
                                   return_exceptions=True)
    won = [r for r in results if isinstance(r, pb.Marriage)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) + len(lost) == len(requests), [r for r in results if not isinstance(r, (pb.Marriage,
                                                                                             grpc.aio.AioRpcError))]
    return won, lost


async def test_fifty_registrations_racing_on_one_person_let_exactly_one_through(marriage, secrets):
    office = office_code()
    bride = person_id("F")
    won, lost = await register_all(marriage, secrets,
                                   [register_request(woman=bride, office=office) for _ in range(50)])
    assert len(won) == 1 and len(lost) == 49
    assert {reason_of(e) for e in lost} == {"PARTY_ALREADY_MARRIED"}
    assert {e.code() for e in lost} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert won[0].certificate_number == f"J{office}-2024-000001"
    (count,) = await rows(marriage, "SELECT count(*) AS n FROM marriages WHERE office_code = :o", o=office)
    assert count.n == 1


async def test_serials_run_without_gaps_sequentially_and_concurrently(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    first = [await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md) for _ in range(4)]
    with pytest.raises(grpc.aio.AioRpcError) as err:  # refused: takes no number
        await stub(marriage).RegisterMarriage(register_request(man=person_id("M", birth=dt.date(2006, 1, 1)), office=office),
                                              metadata=md)
    assert reason_of(err.value) == "UNDER_LEGAL_AGE"
    concurrent, lost = await register_all(marriage, secrets, [register_request(office=office) for _ in range(16)])
    assert not lost
    serials = sorted(int(m.certificate_number.rsplit("-", 1)[1]) for m in first + concurrent)
    assert serials == list(range(1, 21))
    (counter,) = await rows(marriage, "SELECT last_serial FROM certificate_serials "
                                      "WHERE kind = 'J' AND office_code = :o AND year = 2024", o=office)
    assert counter.last_serial == 20


async def test_the_database_refuses_a_second_current_spouse_and_an_overbooked_day(marriage):
    marriage_id = (await rows(marriage, "SELECT marriage_id FROM current_spouses LIMIT 1"))
    async with marriage.infra.db.transaction() as session:
        (taken,) = (await session.execute(text("SELECT party_hash FROM current_spouses LIMIT 1"))).all()
    with pytest.raises(IntegrityError):
        async with marriage.infra.db.transaction() as session:
            await session.execute(text("INSERT INTO current_spouses (party_hash, marriage_id) VALUES (:h, :m)"),
                                  {"h": taken.party_hash, "m": marriage_id[0].marriage_id})
    with pytest.raises(IntegrityError):
        async with marriage.infra.db.transaction() as session:
            await session.execute(text("INSERT INTO appointment_days (office_code, date, capacity, booked) "
                                       "VALUES ('429999', '2030-01-02', 1, 2)"))
