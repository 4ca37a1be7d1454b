"""The gateway's own tables (schema `gateway`): staff accounts, exchange clients, revoked tokens,
and the kit's append-only audit log for account changes."""

from __future__ import annotations

from pathlib import Path

from servicekit.db import service_metadata
from servicekit.tables import kit_tables
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Identity,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

SCHEMA = "gateway"
metadata = service_metadata(SCHEMA)


def _timestamps() -> list[Column]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


def _sign_in_state() -> list[Column]:
    """Failures in a row and the time until which sign-in is refused (back-off or lock-out)."""
    return [
        Column("failed_attempts", Integer, nullable=False, server_default=text("0")),
        Column("locked_until", DateTime(timezone=True)),
    ]


users = Table(
    "users",
    metadata,
    Column("username", Text, primary_key=True),
    Column("display_name", Text, nullable=False, server_default=""),
    Column("password_hash", Text, nullable=False),
    Column("roles", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    # Division-code prefix of the office ("" = the whole bureau).
    Column("jurisdiction", Text, nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    # 培训考核合格日期: the last passed training assessment of a registrar (rules.md §1.4); NULL = not
    # recorded (accounts older than migration 0004). gateway.accounts.qualification reads it.
    Column("assessed_on", Date),
    *_sign_in_state(),
    *_timestamps(),
)

clients = Table(
    "clients",
    metadata,
    Column("client_id", Text, primary_key=True),
    Column("display_name", Text, nullable=False, server_default=""),
    Column("secret_hash", Text, nullable=False),
    Column("scopes", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("jurisdiction", Text, nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    *_sign_in_state(),
    *_timestamps(),
)

# A row revokes one token (jti), or every token of a subject issued before a time (password or role
# change, deactivation). Rows are kept until the tokens they cover have expired anyway.
revocations = Table(
    "revocations",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("jti", Text, unique=True),
    Column("subject", Text),
    Column("issued_before", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The kit's audit table, defined from the same builder the services use (only this one of the kit's
# tables: the gateway has no outbox or consumers).
audit_log = kit_tables(MetaData(schema=SCHEMA)).audit_log

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
