"""Tables every service has in its own schema: outbox, processed events, dead letters, audit, idempotency,
the PII keys' check values."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.pii_keys import pii_key_checks_table

AUDIT_TIME_INDEX = "ix_audit_log_at_id"


@dataclass(frozen=True)
class KitTables:
    outbox: Table
    processed_events: Table
    dead_letters: Table
    audit_log: Table
    idempotency: Table
    pii_key_checks: Table


def kit_tables(metadata: MetaData) -> KitTables:
    """Define the kit's tables on a service's metadata (its schema); migrations create the same."""
    return KitTables(*(build(metadata) for build in _BUILDERS))


def _outbox(md: MetaData) -> Table:
    return Table(
        "outbox", md,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("subject", Text, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )


def _processed_events(md: MetaData) -> Table:
    return Table(
        "processed_events", md,
        Column("consumer", Text, nullable=False),
        Column("event_id", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id"),
    )


def _dead_letters(md: MetaData) -> Table:
    return Table(
        "dead_letters", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("consumer", Text, nullable=False),
        Column("event_id", Text, nullable=False),
        Column("subject", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("replayed_at", DateTime(timezone=True)),
    )


def _audit_log(md: MetaData) -> Table:
    return Table(
        "audit_log", md,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor", Text, nullable=False),
        Column("request_id", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("resource", Text, nullable=False),
        Column("reason", Text, nullable=False, server_default=""),
        Column("before", JSONB),
        Column("after", JSONB),
        # The division code of the record's office: the jurisdiction the row is listed under
        # (servicekit.audit). "" on old rows no record could be traced to: the whole bureau's.
        # Collation C: a division-code prefix (LIKE '4212%') is a range of this index in any locale.
        Column("office_code", Text(collation="C"), nullable=False, server_default=""),
        # The 审计 screen's filters, newest first (each index scanned backwards): one record's
        # history; an office's trail (an auditor's jurisdiction), with or without a time range; one
        # actor's changes; and the whole bureau's trail by time.
        Index("ix_audit_log_resource", "resource", "at"),
        Index("ix_audit_log_office_at", "office_code", "at", "id"),
        Index("ix_audit_log_actor_at", "actor", "at", "id"),
        # ListAuditRecords pages newest first by (at, id): read backwards, this serves each page
        # with one seek, where a sort of the whole trail was needed before.
        Index(AUDIT_TIME_INDEX, "at", "id"),
    )


def _idempotency(md: MetaData) -> Table:
    return Table(
        "idempotency", md,
        Column("request_id", Text, primary_key=True),
        Column("method", Text, nullable=False),
        Column("response", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # servicekit.fingerprints: who sent what; NULL on records from before it was kept.
        Column("fingerprint", LargeBinary, nullable=True),
    )


_BUILDERS = (_outbox, _processed_events, _dead_letters, _audit_log, _idempotency, pii_key_checks_table)

# Audit rows are append-only: the database refuses UPDATE and DELETE on them.
AUDIT_APPEND_ONLY_SQL = (
    """CREATE OR REPLACE FUNCTION {schema}.audit_log_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {schema}.audit_log
    FOR EACH ROW EXECUTE FUNCTION {schema}.audit_log_append_only()""",
    # Row triggers do not fire on TRUNCATE, which would empty the trail in one statement.
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {schema}.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.audit_log_append_only()""",
)
