"""The status look-up is the window's most frequent call; with a million archive records a
sequential scan of the import defects would cost more than the rest of the look-up together."""
from __future__ import annotations

from marriage.adapters.repository import _RECORDS_OF
from servicekit.db import driver_connection


async def test_the_status_look_up_reads_open_defects_through_the_partial_index(marriage):
    async with marriage.infra.db.transaction() as session:
        conn = await driver_connection(session)
        await conn.execute("SET LOCAL enable_seqscan = off")  # an index it can use, it will
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + _RECORDS_OF, b"\x00" * 32))
    assert "ix_import_defects_open_by_marriage" in plan, plan
