"""`driver_connection`: statements sent on the asyncpg connection under a session belong to the
session's transaction — committed with it, rolled back with it — whether or not SQLAlchemy has sent
anything yet; and a pooled connection that has closed is replaced at checkout (no pre-ping)."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from servicekit.db import Database, driver_connection

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def db(database_with):
    return await database_with("public", "CREATE TABLE t (v int PRIMARY KEY)")


async def values(db: Database) -> list[int]:
    async with db.transaction() as session:
        return [r.v for r in await session.execute(text("SELECT v FROM t ORDER BY v"))]


@pytest.mark.parametrize("sqlalchemy_first", [False, True])
async def test_driver_statements_roll_back_with_the_session(db, sqlalchemy_first):
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            if sqlalchemy_first:
                await session.execute(text("INSERT INTO t VALUES (1)"))
            conn = await driver_connection(session)
            assert conn.is_in_transaction()
            await conn.execute("INSERT INTO t VALUES (2)")
            await session.execute(text("INSERT INTO t VALUES (3)"))
            raise RuntimeError("abort")
    assert await values(db) == []


async def test_driver_statements_commit_with_the_session(db):
    async with db.transaction() as session:
        await (await driver_connection(session)).execute("INSERT INTO t VALUES (2)")
        await session.execute(text("INSERT INTO t VALUES (3)"))
        await (await driver_connection(session)).execute("INSERT INTO t VALUES (4)")
    assert await values(db) == [2, 3, 4]


async def test_a_closed_pooled_connection_is_replaced_at_checkout(db):
    async with db.transaction() as session:
        conn = await driver_connection(session)
        pid = await conn.fetchval("SELECT pg_backend_pid()")
    killer = await asyncpg.connect(db.url)
    try:
        assert await killer.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await killer.close()
    for _ in range(50):  # the pooled connection notices the closed socket
        if conn.is_closed():
            break
        await asyncio.sleep(0.02)
    assert conn.is_closed()
    assert await values(db) == []  # a fresh connection, no error


async def test_a_savepoint_rolled_back_keeps_the_rest_of_the_transaction(db):
    async with db.transaction() as session:
        await session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(Exception):
            async with session.begin_nested():
                await session.execute(text("INSERT INTO t VALUES (2)"))
                await session.execute(text("INSERT INTO t VALUES (2)"))  # duplicate key
        await (await driver_connection(session)).execute("INSERT INTO t VALUES (3)")
    assert await values(db) == [1, 3]
