"""Division registry and the kit tables.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

from servicekit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "placenames"


def upgrade() -> None:
    create_kit_tables(op, SCHEMA)
    op.create_table(
        "divisions",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("parent_code", sa.Text, index=True),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("level IN ('province','prefecture','county','township','village')", name="level"),
        schema=SCHEMA,
    )
    op.create_table(
        "division_changes",
        sa.Column("code", sa.Text, sa.ForeignKey(f"{SCHEMA}.divisions.code"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("successor_code", sa.Text, nullable=False, server_default=""),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('CREATED','RENAMED','MERGED','ABOLISHED')", name="kind"),
        schema=SCHEMA,
    )
    op.create_index("ix_division_changes_kind_date", "division_changes", ["kind", "effective_date"], schema=SCHEMA)


def downgrade() -> None:
    raise RuntimeError("the division registry is never dropped by a downgrade")
