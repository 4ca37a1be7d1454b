"""Values never reach a log through a database error (design.md §5): not PostgreSQL's own server log
(slow-statement parameters, the DETAIL of a failing row or key), not the text of the exception a
service logs when a statement fails — whether it went through SQLAlchemy or straight to asyncpg."""
from __future__ import annotations


import asyncpg
import pytest
from sqlalchemy import text

from servicekit.db import driver_connection
from servicekit.logging import error_text, get_logger

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


async def test_a_failing_statement_through_sqlalchemy_carries_no_parameters(db):
    with pytest.raises(Exception) as failure:
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO people VALUES (1, :name, :id)"),
                                  {"name": NAME, "id": ID_NUMBER})
    assert "people" in str(failure.value)
    assert NAME not in str(failure.value) and NAME not in repr(failure.value)
    assert ID_NUMBER not in str(failure.value)


@pytest.mark.parametrize("through", ["sqlalchemy", "driver"])
async def test_logged_database_errors_carry_no_row_values(db, log_output, through):
    with pytest.raises(Exception) as failure:
        async with db.transaction() as session:
            if through == "driver":
                await (await driver_connection(session)).execute(
                    "INSERT INTO people VALUES (1, $1, $2)", NAME, "4201")
            else:
                await session.execute(text("INSERT INTO people VALUES (1, :name, :id)"),
                                      {"name": NAME, "id": "4201"})
    if through == "driver":  # asyncpg's text has the DETAIL: "Failing row contains (1, 欧阳测试, 4201)"
        assert NAME in str(failure.value)
    try:
        raise RuntimeError("wrapped") from failure.value
    except RuntimeError as exc:
        get_logger("test").exception("rpc_unhandled_error", error=repr(exc.__cause__))
        get_logger("test").warning("event_retry", error=error_text(exc.__cause__))
        get_logger("test").warning("consumer_error", error=exc.__cause__)
    written = log_output.getvalue()
    assert "violates check constraint" in written  # the error is logged, only not the row
    assert NAME not in written
