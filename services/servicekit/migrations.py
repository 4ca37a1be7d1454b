"""Alembic plumbing shared by every service: `python -m <svc> migrate` runs the service's own
migrations, with the version table in the service's own schema."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.operations import Operations
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.db import sqlalchemy_url
from servicekit.tables import AUDIT_APPEND_ONLY_SQL, AUDIT_TIME_INDEX, kit_tables


def alembic_config(migrations_dir: Path, database_url: str, schema: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url)
    cfg.attributes["schema"] = schema
    return cfg


def upgrade(migrations_dir: Path, database_url: str, schema: str, revision: str = "head") -> None:
    """Bring the service's schema to `revision`. Safe to run twice; serialised by an advisory lock."""
    command.upgrade(alembic_config(migrations_dir, database_url, schema), revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode, async engine)."""
    cfg = context.config
    schema = cfg.attributes.get("schema") or target_metadata.schema
    url = cfg.get_main_option("sqlalchemy.url")

    def do_run(connection: Connection) -> None:
        # One migrator at a time per schema, even when several pods start together.
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": f"migrate:{schema}"})
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=True,
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(sqlalchemy_url(url))
        async with engine.begin() as conn:
            await conn.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run())


def create_kit_tables(op: Operations, schema: str) -> None:
    """For a service's first migration: the kit's tables (outbox, processed events, dead letters,
    audit, idempotency), created from the same definitions the code uses."""
    metadata = MetaData(schema=schema)
    tables = kit_tables(metadata)
    bind = op.get_bind()
    for table in (tables.outbox, tables.processed_events, tables.dead_letters, tables.audit_log, tables.idempotency):
        table.create(bind)
    for statement in AUDIT_APPEND_ONLY_SQL:
        op.execute(statement.format(schema=schema))


def create_pii_key_checks(op: Operations, schema: str) -> None:
    """The PII keys' check values (servicekit.pii_keys), added to services after their first
    migration (which creates the rest of the kit's tables and must stay as it was)."""
    kit_tables(MetaData(schema=schema)).pii_key_checks.create(op.get_bind())


def add_idempotency_fingerprint(op: Operations, schema: str) -> None:
    """The request fingerprint beside each idempotency record (servicekit.fingerprints). The first
    migration creates the kit's tables from today's definitions, so a fresh database already has the
    column: IF NOT EXISTS keeps this step right for both."""
    op.execute(f'ALTER TABLE "{schema}".idempotency ADD COLUMN IF NOT EXISTS fingerprint bytea')


def drop_idempotency_fingerprint(op: Operations, schema: str) -> None:
    op.execute(f'ALTER TABLE "{schema}".idempotency DROP COLUMN IF EXISTS fingerprint')


def add_audit_time_index(op: Operations, schema: str) -> None:
    """The audit log's (at, id) index, which pages ListAuditRecords newest first (servicekit.paging).
    As for the fingerprint, a fresh database has it from the first migration: IF NOT EXISTS. A plain
    build (not CONCURRENTLY, which cannot run in the migration's transaction): audit writes wait for
    it, a few seconds for a few million rows."""
    op.execute(f'CREATE INDEX IF NOT EXISTS {AUDIT_TIME_INDEX} ON "{schema}".audit_log (at, id)')


def drop_audit_time_index(op: Operations, schema: str) -> None:
    op.execute(f'DROP INDEX IF EXISTS "{schema}".{AUDIT_TIME_INDEX}')


def add_audit_office(op: Operations, schema: str, backfill: Sequence[str] = ()) -> None:
    """The office code on each audit row, with the indexes of the 审计 screen's filters
    (servicekit.tables, servicekit.audit). The first migration creates the kit's tables from today's
    definitions, so a fresh database already has both: IF NOT EXISTS keeps this step right for both.

    ``backfill``: UPDATE statements (``{schema}`` filled in) giving the rows written before their
    record's office where the record shows it. They run in this migration's transaction with the
    append-only trigger off — they fill in the column this migration adds and touch nothing a row
    recorded — and the trigger is on again before the transaction commits. A row no record can be
    traced to keeps "": the whole bureau's callers read it, no office's."""
    table = f'"{schema}".audit_log'
    op.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS office_code text COLLATE \"C\" "
               "NOT NULL DEFAULT ''")
    if backfill:
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_log_append_only")
        for statement in backfill:
            op.execute(statement.format(schema=f'"{schema}"'))
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_log_append_only")
    for index in kit_tables(MetaData(schema=schema)).audit_log.indexes:
        index.create(op.get_bind(), checkfirst=True)


def drop_audit_office(op: Operations, schema: str) -> None:
    # The office's index goes with its column; (at, id) is the time index's migration's.
    op.execute(f'DROP INDEX IF EXISTS "{schema}".ix_audit_log_actor_at')
    op.execute(f'ALTER TABLE "{schema}".audit_log DROP COLUMN IF EXISTS office_code')


def add_checked_columns(op: Operations, schema: str, table: str, columns: Sequence, constraint: str,
                        check: str) -> None:
    """Nullable columns without a default (a catalogue change only, no rewrite of the table) and
    the CHECK that holds them together. ``columns`` are ``sqlalchemy.Column`` objects."""
    for column in columns:
        op.add_column(table, column, schema=schema)
    op.create_check_constraint(constraint, table, check, schema=schema)


def drop_checked_columns(op: Operations, schema: str, table: str, columns: Sequence, constraint: str) -> None:
    """What ``add_checked_columns`` added, the CHECK first."""
    op.drop_constraint(constraint, table, schema=schema, type_="check")
    for column in reversed(columns):
        op.drop_column(table, column.name, schema=schema)
