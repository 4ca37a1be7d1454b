"""Values never reach a log through the database (design.md §5): not PostgreSQL's own server log
(slow-statement parameters, the DETAIL of a failing row or key)."""
from __future__ import annotations

import asyncpg
import pytest

pytestmark = pytest.mark.timeout(60)

NAME = "欧阳测试"
ID_NUMBER = "420102199003071234"
SCHEMA = (
    "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, id_number text NOT NULL UNIQUE,"
    " CHECK (length(name) > 10))"
)


@pytest.fixture
async def db(database_with):
    return await database_with("public", SCHEMA)


async def test_postgres_server_log_holds_no_parameters_and_no_row_values(db, infra):
    if infra.pg is None:
        pytest.skip("the server log of an external PostgreSQL (DATABASE_URL) is not ours to read")
    server_log = infra.pg.data_dir / "server.log"
    start = server_log.stat().st_size
    conn = await asyncpg.connect(db.url)
    try:
        # As prod's log_min_duration_statement does for every statement slower than a second.
        await conn.execute("SET log_min_duration_statement = 0")
        await conn.execute("SELECT $1::text, $2::text", NAME, ID_NUMBER)
        with pytest.raises(asyncpg.CheckViolationError):  # DETAIL: Failing row contains (…)
            await conn.execute("INSERT INTO people VALUES (1, $1, $2)", NAME, ID_NUMBER)
        await conn.execute("INSERT INTO people VALUES (2, $1, $2)", NAME * 3, ID_NUMBER)
        with pytest.raises(asyncpg.UniqueViolationError):  # DETAIL: Key (id_number)=(…) already exists
            await conn.execute("INSERT INTO people VALUES (3, $1, $2)", NAME * 3, ID_NUMBER)
    finally:
        await conn.close()
    with server_log.open(encoding="utf-8", errors="replace") as file:
        file.seek(start)
        written = file.read()
    assert "violates check constraint" in written and "violates unique constraint" in written
    assert "SELECT $1::text" in written  # the statements are logged, without their values
    assert NAME not in written
    assert ID_NUMBER not in written
