"""The office code on each audit row, as the services' (servicekit.tables): an account's or exchange
client's jurisdiction, the rows written before included.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
from servicekit.migrations import add_audit_office, drop_audit_office

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "gateway"

BACKFILL = ("""
UPDATE {schema}.audit_log SET office_code = coalesce(after->>'jurisdiction', before->>'jurisdiction', '')
WHERE office_code = ''""",)


def upgrade() -> None:
    add_audit_office(op, SCHEMA, BACKFILL)


def downgrade() -> None:
    drop_audit_office(op, SCHEMA)
