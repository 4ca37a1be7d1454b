"""The office code on each audit row (ListAuditRecords lists a caller the rows within its
jurisdiction) and the indexes of the 审计 screen's filters. A division's rows fall under its own code,
the rows written before included.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
from servicekit.migrations import add_audit_office, drop_audit_office

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "placenames"

BACKFILL = ("""
UPDATE {schema}.audit_log SET office_code = substr(resource, length('divisions/') + 1)
WHERE resource LIKE 'divisions/%' AND office_code = ''""",)


def upgrade() -> None:
    add_audit_office(op, SCHEMA, BACKFILL)


def downgrade() -> None:
    drop_audit_office(op, SCHEMA)
