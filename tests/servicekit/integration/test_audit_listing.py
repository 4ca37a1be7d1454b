"""servicekit.audit against real PostgreSQL: rows written by the unit of work are listed newest
first, filtered by record, actor, action and time, page by page, with their snapshots — and only
those of offices within the caller's jurisdiction."""
from __future__ import annotations

import datetime as dt

import pytest
from civic.api.v1 import audit_pb2 as pb
from google.protobuf import json_format
from sqlalchemy import MetaData, insert

from servicekit import context
from servicekit.audit import audit_list, list_audit_records
from servicekit.clock import FakeClock
from servicekit.context import Caller
from servicekit.errors import DomainError
from servicekit.tables import kit_tables
from servicekit.uow import UnitOfWorkFactory
from servicekit.uuid7 import uuid7

pytestmark = pytest.mark.timeout(60)

START = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.timezone.utc)
# (minutes after START, actor, action, resource, the record's office): written in this order, one
# transaction each. things/3 has no office, as rows written before offices were recorded.
CHANGES = [
    (0, "clerk-a", "thing.create", "things/1", "421281"),
    (10, "clerk-b", "thing.create", "things/2", "421202"),
    (20, "clerk-a", "thing.rename", "things/1", "421281"),
    (30, "clerk-a", "thing.create", "things/3", ""),
    (40, "clerk-b", "thing.rename", "things/1", "421281"),
]


@pytest.fixture
async def audited(kit_schema):
    """A kit schema holding the audit rows of CHANGES, and its audit table."""
    db, tables = await kit_schema("au")
    clock = FakeClock(START)
    factory = UnitOfWorkFactory(db, tables, "au", clock)
    for minutes, actor, action, resource, office in CHANGES:
        clock.set(START + dt.timedelta(minutes=minutes))
        with context.acting(f"rq-{minutes}", "Test", Caller(actor)):
            async with factory() as uow:
                uow.audit(action, resource, office_code=office,
                          before={"step": minutes - 1} if minutes else None,
                          after={"step": minutes, "name": "名称"}, reason=f"理由 {minutes}")
    return db, tables.audit_log


async def listed(audited, jurisdiction: str = "", **fields) -> pb.ListAuditRecordsResponse:
    """The listing as an auditor of ``jurisdiction`` ("": the whole bureau) asks for it."""
    db, table = audited
    auditor = Caller("auditor-zhao", frozenset({"auditor"}), jurisdiction=jurisdiction)
    with context.acting("rq-list", "Test", auditor):
        async with db.transaction() as session:
            return await list_audit_records(session, table, pb.ListAuditRecordsRequest(**fields))


def minutes_of(response: pb.ListAuditRecordsResponse) -> list[int]:
    return [int((r.time.ToDatetime(dt.timezone.utc) - START).total_seconds() // 60) for r in response.audit_records]


def at(minutes: int):
    stamp = pb.AuditRecord().time
    stamp.FromDatetime(START + dt.timedelta(minutes=minutes))
    return stamp


async def test_everything_newest_first_with_who_what_when_and_snapshots(audited) -> None:
    response = await listed(audited)
    assert minutes_of(response) == [40, 30, 20, 10, 0]
    assert response.next_page_token == ""
    newest, oldest = response.audit_records[0], response.audit_records[-1]
    assert (newest.actor, newest.action, newest.resource, newest.reason, newest.request_id) == (
        "clerk-b", "thing.rename", "things/1", "理由 40", "rq-40")
    assert newest.office_code == "421281" and oldest.office_code == "421281"
    assert json_format.MessageToDict(newest.before) == {"step": 39}
    assert json_format.MessageToDict(newest.after) == {"step": 40, "name": "名称"}
    assert not oldest.HasField("before") and oldest.HasField("after")


async def test_filters_by_record_actor_action_and_time(audited) -> None:
    assert minutes_of(await listed(audited, resource="things/1")) == [40, 20, 0]
    assert minutes_of(await listed(audited, resource="things")) == []  # exact, not a prefix
    assert minutes_of(await listed(audited, actor="clerk-a")) == [30, 20, 0]
    assert minutes_of(await listed(audited, action="thing.create")) == [30, 10, 0]
    assert minutes_of(await listed(audited, resource="things/1", actor="clerk-a")) == [20, 0]
    # from_time inclusive, to_time exclusive
    assert minutes_of(await listed(audited, from_time=at(10), to_time=at(30))) == [20, 10]
    assert minutes_of(await listed(audited, from_time=at(30))) == [40, 30]
    assert minutes_of(await listed(audited, to_time=at(10))) == [0]


async def test_a_caller_sees_the_offices_of_its_jurisdiction_only(audited) -> None:
    # As the other lists: the offices under the caller's division-code prefix.
    assert minutes_of(await listed(audited, jurisdiction="421281")) == [40, 20, 0]
    assert minutes_of(await listed(audited, jurisdiction="421202")) == [10]
    assert minutes_of(await listed(audited, jurisdiction="4212")) == [40, 20, 10, 0]
    # A row of no office (written before offices were recorded) is the whole bureau's to read.
    assert minutes_of(await listed(audited, jurisdiction="")) == [40, 30, 20, 10, 0]
    # office_code narrows the list within the jurisdiction, and is refused outside it.
    assert minutes_of(await listed(audited, jurisdiction="4212", office_code="421202")) == [10]
    assert minutes_of(await listed(audited, office_code="421281", actor="clerk-a")) == [20, 0]
    with pytest.raises(DomainError) as err:
        await listed(audited, jurisdiction="421281", office_code="421202")
    assert (err.value.reason, err.value.kind.name) == ("OUT_OF_JURISDICTION", "PERMISSION_DENIED")
    with pytest.raises(DomainError) as err:
        await listed(audited, jurisdiction="421281", office_code="4212")  # wider than its own
    assert err.value.reason == "OUT_OF_JURISDICTION"


async def test_pages_cover_the_trail_once_in_order(audited) -> None:
    first = await listed(audited, page_size=2)
    assert minutes_of(first) == [40, 30] and first.next_page_token
    second = await listed(audited, page_size=2, page_token=first.next_page_token)
    assert minutes_of(second) == [20, 10] and second.next_page_token
    third = await listed(audited, page_size=2, page_token=second.next_page_token)
    assert minutes_of(third) == [0] and third.next_page_token == ""
    filtered = await listed(audited, resource="things/1", page_size=2)
    assert minutes_of(filtered) == [40, 20]
    assert minutes_of(await listed(audited, resource="things/1", page_size=2,
                                   page_token=filtered.next_page_token)) == [0]


async def test_a_reversed_range_and_a_bad_token_are_refused(audited) -> None:
    with pytest.raises(DomainError) as err:
        await listed(audited, from_time=at(30), to_time=at(10))
    assert err.value.reason == "INVALID_TIME_RANGE"
    with pytest.raises(DomainError) as err:
        await listed(audited, page_token="not-a-token")
    assert err.value.reason == "INVALID_PAGE_TOKEN"


async def test_a_change_written_between_pages_shifts_nothing(audited) -> None:
    db, table = audited
    first = await listed(audited, page_size=2)
    async with db.transaction() as session:  # the newest row of all, written while the client pages
        await session.execute(insert(table).values(
            id=uuid7(), at=START + dt.timedelta(minutes=50), actor="clerk-c", request_id="rq-50",
            action="thing.create", resource="things/4"))
    second = await listed(audited, page_size=2, page_token=first.next_page_token)
    assert minutes_of(first) == [40, 30] and minutes_of(second) == [20, 10]


async def test_a_token_is_for_one_trail_and_one_filter(audited) -> None:
    first = await listed(audited, actor="clerk-a", page_size=1)
    other_trail = audit_list(kit_tables(MetaData(schema="other")).audit_log)
    for token, kwargs in [(first.next_page_token, {"actor": "clerk-b"}),
                          (other_trail.encode(other_trail.seek(pb.ListAuditRecordsRequest()).scope,
                                              (START, uuid7())), {})]:
        with pytest.raises(DomainError) as err:
            await listed(audited, page_token=token, **kwargs)
        assert err.value.reason == "INVALID_PAGE_TOKEN"
