"""PostgreSQL access: SQLAlchemy 2 async on asyncpg, one schema per service."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from sqlalchemy import MetaData, event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """The metadata every table of a service hangs off: its own schema, stable constraint names."""
    return MetaData(schema=schema, naming_convention=NAMING)


def sqlalchemy_url(url: str) -> str:
    """postgresql://… (what DATABASE_URL holds) → postgresql+asyncpg://…"""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}")
    return urlunsplit(("postgresql+asyncpg", *parts[1:]))


def plain_url(url: str) -> str:
    """postgresql+asyncpg://… → postgresql://… for raw asyncpg connections (LISTEN, COPY)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


_CONNECTION = "civic.connection"

# PostgreSQL's own log must not hold personal data either (design.md §5): no statement parameters
# (names, free text, and ID numbers typed into the wrong field, logged with every statement slower
# than log_min_duration_statement and, by default, on errors) and no DETAIL lines, which quote the
# values of a failing row or key ("Failing row contains (…)"). Statements themselves stay logged:
# ours carry values only as parameters. The prod Cluster (deploy/k8s/generate.py) and the embedded
# server of `make run` and the tests (servicekit.devstack.embedded) both run with these.
SERVER_LOG_SETTINGS = {
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
    "log_error_verbosity": "terse",
}


class Database:
    def __init__(self, url: str, schema: str, pool_size: int = 10) -> None:
        self.url = plain_url(url)
        self.schema = schema
        self.engine: AsyncEngine = create_async_engine(
            sqlalchemy_url(url),
            # A hard cap and no overflow: an overflow connection is closed when it is returned,
            # so a service running above its pool size opened a connection (authentication,
            # session setup, type introspection, every statement prepared again) for a share of
            # its transactions — at 32 callers on a pool of 10 + 10 that took a quarter of the
            # window mix's throughput (docs/benchmarks.md). Above the cap, a transaction waits for
            # a connection (its call's deadline still applies).
            pool_size=pool_size,
            max_overflow=0,
            # Statement errors without "[parameters: …]": their text ends up in logs and dead letters.
            hide_parameters=True,
            connect_args={"server_settings": {"search_path": f"{schema},public", "application_name": schema}},
        )
        # Instead of pool_pre_ping (a round trip before every transaction): a pooled connection
        # whose socket has closed (PostgreSQL restarted, connection killed) is replaced at
        # checkout. One that dies unnoticed fails its first statement; SQLAlchemy then sees the
        # disconnect and invalidates the whole pool, so the next transaction starts afresh.
        event.listen(self.engine.sync_engine, "checkout", _refuse_closed)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error.

        The transaction belongs to the connection and the session joins it (``begin_nested``
        makes savepoints inside it; the session never commits or ends it). A use case that sends
        everything through ``driver_connection`` then never pays for the session's own
        transaction bookkeeping: ≈ 0.33 ms of CPU per transaction less (docs/benchmarks.md)."""
        async with self.engine.connect() as connection, connection.begin():
            session = AsyncSession(bind=connection, expire_on_commit=False,
                                   join_transaction_mode="rollback_only")
            session.info[_CONNECTION] = connection
            try:
                yield session
            finally:
                if session.in_transaction():  # a session that sent nothing holds nothing
                    await session.close()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


# The database is out of reach (restarting, failing over, refusing connections, every pooled
# connection busy): the call may succeed if retried, unlike a failing statement.
_OUT_OF_REACH = (
    ConnectionError,  # refused, reset, broken pipe (OSError subclasses of the socket layer)
    asyncpg.PostgresConnectionError,  # "connection was closed in the middle of operation", …
    asyncpg.AdminShutdownError,  # "terminating connection due to administrator command"
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,  # "the database system is starting up / shutting down"
    asyncpg.TooManyConnectionsError,
    exc.DisconnectionError,
    exc.TimeoutError,  # no pooled connection came free in time
)


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not e for e in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_out_of_reach(error: BaseException) -> bool:
    """Whether ``error`` (or one it was raised from) says the database could not be reached."""
    return any(isinstance(e, _OUT_OF_REACH) or (isinstance(e, exc.DBAPIError) and e.connection_invalidated)
               for e in _chain(error))


def is_unstorable_text(error: BaseException) -> bool:
    """Whether PostgreSQL refused a text value it cannot hold (a NUL character): the caller's input."""
    return any(isinstance(e, (asyncpg.CharacterNotInRepertoireError, asyncpg.UntranslatableCharacterError))
               for e in _chain(error))


def _refuse_closed(dbapi_connection, connection_record, connection_proxy) -> None:  # noqa: ARG001
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("pooled connection closed")


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under ``session``, inside the session's transaction.

    For hot paths and COPY: statements sent here skip SQLAlchemy's statement building and
    compilation (through SQLAlchemy a registration's statements cost more than in PostgreSQL),
    and commit or roll back with everything else the session did. SQLAlchemy's asyncpg adapter
    sends BEGIN lazily, before its first statement; when nothing has gone through the session
    yet, BEGIN is sent here the same way, so these statements never run outside the transaction.
    (``tests/servicekit/integration/test_db_driver.py`` holds SQLAlchemy to that.)"""
    connection = session.info.get(_CONNECTION) or await session.connection()
    adapted = (await connection.get_raw_connection()).dbapi_connection
    if adapted._transaction is None:  # noqa: SLF001 - see the docstring
        await adapted._start_transaction()  # noqa: SLF001
    return adapted.driver_connection
