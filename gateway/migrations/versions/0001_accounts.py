"""Accounts, exchange clients, revoked tokens and the audit log.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from servicekit.tables import AUDIT_APPEND_ONLY_SQL, kit_tables
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _sign_in_state() -> list[sa.Column]:
    return [
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.Text, primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("roles", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("jurisdiction", sa.Text, nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.text("true")),
        *_sign_in_state(),
        schema=SCHEMA,
    )
    op.create_table(
        "clients",
        sa.Column("client_id", sa.Text, primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("scopes", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("jurisdiction", sa.Text, nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.text("true")),
        *_sign_in_state(),
        schema=SCHEMA,
    )
    op.create_table(
        "revocations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("jti", sa.Text, unique=True),
        sa.Column("subject", sa.Text),
        sa.Column("issued_before", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_revocations_expires_at", "revocations", ["expires_at"], schema=SCHEMA)
    kit_tables(sa.MetaData(schema=SCHEMA)).audit_log.create(op.get_bind())
    for statement in AUDIT_APPEND_ONLY_SQL:
        op.execute(statement.format(schema=SCHEMA))


def downgrade() -> None:
    for table in ("audit_log", "revocations", "clients", "users"):
        op.drop_table(table, schema=SCHEMA)
    op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.audit_log_append_only()")
