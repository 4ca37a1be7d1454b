"""The 审计 screen's queries on a trail of realistic size — ten years of a county bureau, about
200,000 rows, most of them its own registry's (421281) and the rest its neighbours' — read through
an index, never by scanning the table: the whole bureau's newest rows, an office's, one actor's,
one record's, and a time range, each as ListAuditRecords asks for them."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from civic.api.v1 import audit_pb2 as pb
from sqlalchemy import event

from servicekit import context
from servicekit.audit import list_audit_records
from servicekit.context import Caller
from servicekit.db import driver_connection
from servicekit.tables import AUDIT_TIME_INDEX

pytestmark = pytest.mark.timeout(120)

ROWS = 200_000
NEIGHBOURS = [f"4212{n:02d}" for n in range(2, 24)]  # every fifth row: another office's
TRAIL = f"""
INSERT INTO au.audit_log (id, at, actor, request_id, action, resource, reason, office_code)
SELECT gen_random_uuid(), timestamptz '2015-01-01 08:00+08' + n * interval '26 minutes',
       CASE WHEN n % 97 = 0 THEN 'system' ELSE 'clerk-' || (n % 40) END, 'rq-' || n,
       (ARRAY['marriage.register', 'appointment.book', 'divorce.apply', 'counseling.session'])[n % 4 + 1],
       'marriages/' || (n / 8), '',
       CASE WHEN n % 5 = 0 THEN (ARRAY{NEIGHBOURS!r})[n % {len(NEIGHBOURS)} + 1] ELSE '421281' END
FROM generate_series(1, {ROWS}) AS n"""


def stamp(day: dt.date):
    t = pb.AuditRecord().time
    t.FromDatetime(dt.datetime.combine(day, dt.time(), dt.timezone(dt.timedelta(hours=8))))
    return t


@pytest.fixture
async def trail(kit_schema):
    db, tables = await kit_schema("au")
    async with db.transaction() as session:
        conn = await driver_connection(session)
        await conn.execute(TRAIL)
        await conn.execute("ANALYZE au.audit_log")
    return db, tables.audit_log


async def plan_of(trail, jurisdiction: str, **fields) -> str:
    """EXPLAIN of the statement ListAuditRecords runs for an auditor of ``jurisdiction``."""
    db, table = trail
    statements = []

    def seen(conn, cursor, statement, parameters, context_, executemany):  # noqa: ANN001, ANN202
        statements.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        auditor = Caller("auditor", frozenset({"auditor"}), jurisdiction=jurisdiction)
        with context.acting("rq-plan", "Test", auditor):
            async with db.transaction() as session:
                await list_audit_records(session, table, pb.ListAuditRecordsRequest(**fields))
                (statement, parameters), = [s for s in statements if "audit_log" in s[0]]
                conn = await driver_connection(session)
                return "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + statement, *parameters))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)


def cost(plan: str) -> float:
    """The estimated total cost of a plan's top node."""
    return float(re.search(r"cost=[\d.]+\.\.([\d.]+)", plan)[1])  # type: ignore[index]


async def test_the_screens_queries_read_the_trail_through_its_indexes(trail) -> None:
    db, _ = trail
    async with db.transaction() as session:
        conn = await driver_connection(session)
        table_scan = cost((await conn.fetch("EXPLAIN SELECT * FROM au.audit_log"))[0][0])
    month = {"from_time": stamp(dt.date(2020, 3, 1)), "to_time": stamp(dt.date(2020, 4, 1))}
    cases = [
        # who asks (jurisdiction), for what; the index it reads (None: whichever the planner prefers)
        ("", {}, AUDIT_TIME_INDEX),  # the whole bureau's newest rows: the screen as it opens
        ("421281", {}, None),  # the county's own registry: most of the trail
        ("421202", {}, None),  # a neighbour's: the office's index, or the newest rows filtered
        ("421281", {"actor": "clerk-7"}, None),
        ("", {"actor": "system"}, "ix_audit_log_actor_at"),
        ("", {"resource": "marriages/4242"}, "ix_audit_log_resource"),
        ("", month, AUDIT_TIME_INDEX),
        ("421202", month, "ix_audit_log_office_at"),
    ]
    for jurisdiction, fields, index in cases:
        plan = await plan_of(trail, jurisdiction, **fields)
        assert "Seq Scan" not in plan, plan
        assert index is None or index in plan, plan
        assert cost(plan) < table_scan / 5, plan  # a page's worth, not the trail's
