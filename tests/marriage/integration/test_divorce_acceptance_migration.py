"""Migration 0013 on applications accepted before it: they did not record the capacity confirmation
or the certificates presented, and are not made to say they did — full_civil_capacity stays NULL and
certificates_presented is NOT_RECORDED (未记录), not BOTH. The previous release, still serving during a
rollout or after a rollback, writes applications without the new columns: they are stored as not
recorded, not refused. None is stored with the capacity denied."""
from __future__ import annotations

import uuid

import asyncpg
import pytest
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated_over

MARRIAGE, APPLICATION, NEW, PREVIOUS_RELEASE = (uuid.uuid4() for _ in range(4))
RECORDS = f"""
INSERT INTO marriages (id, certificate_number, office_code, register_date, state, historical)
VALUES ('{MARRIAGE}', 'J421281-2023-000001', '421281', '2023-05-01', 'REGISTERED', false);
INSERT INTO divorce_applications (id, marriage_id, office_code, receipt_number, accepted_on, cooling_off_end,
                                  issue_deadline, outcome, closed_on)
VALUES ('{APPLICATION}', '{MARRIAGE}', '421281', 'SL421281-2024-000001', '2024-01-02', '2024-02-01',
        '2024-03-04', 'WITHDRAWN', '2024-01-10');
"""
NEW_ROW = f"""
INSERT INTO divorce_applications (id, marriage_id, office_code, receipt_number, accepted_on, cooling_off_end,
                                  issue_deadline, full_civil_capacity, certificates_presented)
VALUES ('{NEW}', '{MARRIAGE}', '421281', 'SL421281-2024-000002', '2024-03-01', '2024-03-31', '2024-04-30', $1, $2)
"""


async def applications_of_0011(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'divorce_applications'::regclass")
    assert "certificates_presented" not in {c["attname"] for c in columns}
    await conn.execute(RECORDS)


async def test_applications_accepted_before_say_not_recorded_and_new_ones_must_say(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0011", applications_of_0011) as conn:
        old = await conn.fetchrow("SELECT * FROM divorce_applications WHERE id = $1", APPLICATION)
        assert (old["full_civil_capacity"], old["certificates_presented"]) == (None, "NOT_RECORDED")
        # The previous release's insert, without the new columns (as RECORDS above)
        await conn.execute(RECORDS.split(";")[1].replace(str(APPLICATION), str(PREVIOUS_RELEASE))
                           .replace("000001", "000003"))
        previous = await conn.fetchrow("SELECT * FROM divorce_applications WHERE id = $1", PREVIOUS_RELEASE)
        assert (previous["full_civil_capacity"], previous["certificates_presented"]) == (None, "NOT_RECORDED")
        with pytest.raises(asyncpg.CheckViolationError):  # never accepted without the capacity confirmed
            await conn.execute(NEW_ROW, False, "BOTH")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(NEW_ROW, True, "SOME")
        await conn.execute(NEW_ROW, True, "ARCHIVE_COPY_WITH_LOSS_DECLARATION")

