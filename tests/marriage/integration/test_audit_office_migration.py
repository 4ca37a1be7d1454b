"""Migration 0009 on a registry with a trail: the rows written before offices were recorded get
their record's office where the record shows it — as the rows written since get it — and the rest
stay the whole bureau's; the trail is append-only again afterwards."""
from __future__ import annotations

import uuid

import asyncpg
import pytest
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit.tables import AUDIT_TIME_INDEX
from servicekit.testing.schema import migrated_over

I, ROW_MARRIAGE, MARRIAGE, APPLICATION, CASE, APPOINTMENT, CORRECTION = (uuid.uuid4() for _ in range(7))
RECORDS = f"""
INSERT INTO imports (id, format, jurisdiction, started_at) VALUES ('{I}', 'CSV', '421281', now());
INSERT INTO import_rows (import_id, row_number, original_enc) VALUES ('{I}', 1, '\\x00');
-- an archived record of 蒲圻市 (retired 1998), held by the 赤壁市 bureau that imported it
INSERT INTO marriages (id, certificate_number, office_code, register_date, state, historical, import_id)
VALUES ('{ROW_MARRIAGE}', '蒲字第1号', '422302', '1990-05-01', 'REGISTERED', true, '{I}'),
       ('{MARRIAGE}', 'J420102-2023-000001', '420102', '2023-05-01', 'REGISTERED', false, NULL);
INSERT INTO divorce_applications (id, marriage_id, office_code, receipt_number, accepted_on, cooling_off_end,
                                  issue_deadline)
VALUES ('{APPLICATION}', '{MARRIAGE}', '420111', 'LS420111-2024-000001', '2024-01-02', '2024-02-01',
        '2024-03-02');
INSERT INTO counseling_cases (id, office_code, received_on) VALUES ('{CASE}', '420106', '2024-01-02');
INSERT INTO appointments (id, office_code, date, kind, state, queue_number)
VALUES ('{APPOINTMENT}', '420115', '2024-01-03', 'MARRIAGE', 'BOOKED', 1);
INSERT INTO offices (code, name, opens, closes, daily_capacity, rush_opens, rush_closes)
VALUES ('420105', '汉阳区婚姻登记处', '08:30', '17:00', 40, '08:00', '18:00');
INSERT INTO corrections (id, import_id, row_number, field, original_enc, corrected_enc, reason, evidence_ref,
                         state, proposed_by, created_at)
VALUES ('{CORRECTION}', '{I}', 1, 'man_name', '\\x00', '\\x00', '笔误', '档案', 'PROPOSED', 'registrar', now());
"""
# Each old row's resource, and the office it is to fall under ("" = the whole bureau's only).
EXPECTED = {
    f"marriages/{MARRIAGE}": "420102",
    f"marriages/{ROW_MARRIAGE}": "421281",
    f"divorceApplications/{APPLICATION}": "420111",
    f"counselingCases/{CASE}": "420106",
    f"appointments/{APPOINTMENT}": "420115",
    "offices/420105": "420105",
    f"corrections/{CORRECTION}": "421281",
    f"historicalImports/{I}": "421281",
    f"historicalImports/{I}/rows/1": "421281",
    "certificateBlanks/MARRIAGE/HB4201070001-HB4201070100": "420107",
    "certificateBlanks/DIVORCE/HB4201070001": "420107",
    f"marriages/{uuid.uuid4()}": "",  # a record not found here
}


async def records_and_trail_of_0008(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'audit_log'::regclass")
    assert "office_code" not in {c["attname"] for c in columns}
    await conn.execute(RECORDS)
    await conn.executemany(
        "INSERT INTO audit_log (id, actor, request_id, action, resource, after) "
        "VALUES (gen_random_uuid(), 'registrar', 'rq-old', 'thing.change', $1, $2::jsonb)",
        [(resource, f'{{"office_code": "{office}"}}' if resource.startswith("certificateBlanks/") else None)
         for resource, office in EXPECTED.items()])


async def test_old_rows_get_the_office_of_their_record(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0008", records_and_trail_of_0008) as conn:
        assert dict(await conn.fetch("SELECT resource, office_code FROM audit_log")) == EXPECTED
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE audit_log SET office_code = '420000'")
        indexes = {r["indexname"] for r in await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'audit_log'", SCHEMA)}
    assert {"ix_audit_log_office_at", "ix_audit_log_actor_at", AUDIT_TIME_INDEX} <= indexes
