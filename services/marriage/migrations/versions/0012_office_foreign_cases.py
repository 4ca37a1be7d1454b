"""Offices record whether the province designated them for foreign, Hong Kong/Macao/Taiwan and
overseas-Chinese marriage cases (rules.md §1.1, 婚姻登记条例 Art 2: such cases only at the provincial
department or a registry it designates). Existing offices are not designated: an administrator
sets the flag (UpsertOffice) for the offices the province named.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.add_column("offices", sa.Column("foreign_cases", sa.Boolean, nullable=False, server_default=sa.text("false")),
                  schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("offices", "foreign_cases", schema=SCHEMA)
