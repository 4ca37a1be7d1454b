"""Migration 0011 on an office's blank account: the blanks used before it are numbered as the copies
of their 字号 (one booklet per party), in the order they were used; voided and unused blanks are no
copy; a third booklet under one number is refused from then on."""
from __future__ import annotations

import asyncpg
import pytest
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated_over

BLANKS = """
INSERT INTO certificate_blanks (kind, serial, office_code, state, document_number, received_on, used_on,
                                voided_on, void_reason)
VALUES ('MARRIAGE', 'HB0000000002', '421281', 'USED', 'J421281-2024-000001', '2024-01-02', '2024-03-02', NULL, ''),
       ('MARRIAGE', 'HB0000000001', '421281', 'USED', 'J421281-2024-000001', '2024-01-02', '2024-03-01', NULL, ''),
       ('MARRIAGE', 'HB0000000003', '421281', 'USED', 'J421281-2024-000002', '2024-01-02', '2024-03-01', NULL, ''),
       ('MARRIAGE', 'HB0000000004', '421281', 'VOIDED', 'J421281-2024-000002', '2024-01-02', '2024-03-01',
        '2024-03-01', '卡纸'),
       ('MARRIAGE', 'HB0000000005', '421281', 'IN_STOCK', '', '2024-01-02', NULL, NULL, '');
"""


async def blanks_of_0010(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'certificate_blanks'::regclass")
    assert "copy" not in {c["attname"] for c in columns}
    await conn.execute(BLANKS)


async def test_blanks_used_before_are_numbered_as_copies_of_their_number(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0010", blanks_of_0010) as conn:
        copies = dict(await conn.fetch("SELECT serial, copy FROM certificate_blanks"))
        assert copies == {"HB0000000001": 1, "HB0000000002": 2, "HB0000000003": 1, "HB0000000004": None,
                          "HB0000000005": None}
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute("UPDATE certificate_blanks SET state = 'USED', document_number = "
                               "'J421281-2024-000001', copy = 2 WHERE serial = 'HB0000000005'")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE certificate_blanks SET state = 'USED', document_number = "
                               "'J421281-2024-000001', copy = 3 WHERE serial = 'HB0000000005'")
