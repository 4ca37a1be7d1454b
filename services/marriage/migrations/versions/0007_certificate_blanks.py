"""Blank certificate booklets (空白证书, rules.md §1.5a): one row per printed serial, received into
stock, used for one printed certificate or voided with a reason — never deleted, never reused.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    # The primary key (kind, serial) is what refuses a serial received twice, by any office.
    op.create_table(
        "certificate_blanks",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("serial", sa.Text, nullable=False),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("document_number", sa.Text, nullable=False, server_default=""),
        sa.Column("marriage_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.marriages.id")),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("used_on", sa.Date),
        sa.Column("voided_on", sa.Date),
        sa.Column("void_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("kind", "serial"),
        sa.CheckConstraint("kind IN ('MARRIAGE','DIVORCE')", name="kind"),
        sa.CheckConstraint("state IN ('IN_STOCK','USED','VOIDED')", name="state"),
        schema=SCHEMA,
    )
    op.create_index("ix_certificate_blanks_office_kind_state", "certificate_blanks",
                    ["office_code", "kind", "state", "serial"], schema=SCHEMA)
    op.create_index("ix_certificate_blanks_marriage_id", "certificate_blanks", ["marriage_id"], schema=SCHEMA,
                    postgresql_where=sa.text("marriage_id IS NOT NULL"))


def downgrade() -> None:
    raise RuntimeError("the account of blank certificates is controlled stationery: never dropped by a downgrade")
