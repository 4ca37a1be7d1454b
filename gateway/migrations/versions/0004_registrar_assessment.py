"""The date of a staff account's last passed training assessment (培训考核合格日期; rules.md §1.4: a
registrar registers only within 2 years of it). Existing accounts keep it NULL: unknown, not invented.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column("users", sa.Column("assessed_on", sa.Date(), nullable=True), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("users", "assessed_on", schema=SCHEMA)
