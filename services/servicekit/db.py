"""PostgreSQL access: SQLAlchemy 2 async on asyncpg, one schema per service."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

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


class Database:
    def __init__(self, url: str, schema: str, pool_size: int = 10) -> None:
        self.url = plain_url(url)
        self.schema = schema
        self.engine: AsyncEngine = create_async_engine(
            sqlalchemy_url(url),
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args={"server_settings": {"search_path": f"{schema},public", "application_name": schema}},
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
