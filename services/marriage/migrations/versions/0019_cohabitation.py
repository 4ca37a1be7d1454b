"""补办结婚登记 (rules.md §1.2, 民法典 1049): a registration of an earlier cohabitation keeps the day
the couple declare they began living together and the day the marriage's effect dates back to
(domain.retroactive). Both nullable, set together: ordinary registrations and archive records carry
neither. The CHECK keeps the order the domain gives: start ≤ effect ≤ registration.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op
from servicekit.migrations import add_checked_columns, drop_checked_columns

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "marriages"
CONSTRAINT = "cohabitation_dates"  # the naming convention makes it ck_marriages_…
COLUMNS = (sa.Column("cohabitation_start_date", sa.Date), sa.Column("effective_date", sa.Date))
CHECK = ("(cohabitation_start_date IS NULL AND effective_date IS NULL) OR "
         "(cohabitation_start_date IS NOT NULL AND effective_date IS NOT NULL"
         " AND cohabitation_start_date <= effective_date AND effective_date <= register_date)")


def upgrade() -> None:
    add_checked_columns(op, SCHEMA, TABLE, COLUMNS, CONSTRAINT, CHECK)


def downgrade() -> None:
    drop_checked_columns(op, SCHEMA, TABLE, COLUMNS, CONSTRAINT)
