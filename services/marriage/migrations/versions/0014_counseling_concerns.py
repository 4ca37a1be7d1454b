"""Counseling concerns (rules.md §1.9, 条例 2025): domestic violence met in counseling, with the help
the victim was told of, and suspected trafficking or abduction, with its report to the police. A
concern is recorded complete: the CHECKs refuse a DV row without help and a trafficking row without
the report's time and reference.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.create_table(
        "counseling_concerns",
        sa.Column("case_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.counseling_cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("noted_on", sa.Date, nullable=False),
        sa.Column("action", sa.Text, nullable=False, server_default=""),
        sa.Column("help", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("reported_at", sa.DateTime(timezone=True)),
        sa.Column("report_reference", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("case_id", "seq"),
        sa.CheckConstraint("kind IN ('DOMESTIC_VIOLENCE','TRAFFICKING_SUSPECTED')", name="kind"),
        sa.CheckConstraint("kind <> 'DOMESTIC_VIOLENCE' OR (cardinality(help) > 0 AND reported_at IS NULL)",
                           name="violence_help"),
        sa.CheckConstraint("kind <> 'TRAFFICKING_SUSPECTED' OR (reported_at IS NOT NULL AND report_reference <> ''"
                           " AND cardinality(help) = 0)", name="trafficking_reported"),
        schema=SCHEMA,
    )
    op.create_index("ix_counseling_concerns_kind_noted", "counseling_concerns", ["kind", "noted_on"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_counseling_concerns_kind_noted", "counseling_concerns", schema=SCHEMA)
    op.drop_table("counseling_concerns", schema=SCHEMA)
