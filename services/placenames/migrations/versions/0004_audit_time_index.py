"""The audit log's (at, id) index: ListAuditRecords pages newest first by (at, id) with one index
seek per page (servicekit.paging), where a sort of the whole trail was needed before.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
from servicekit.migrations import add_audit_time_index, drop_audit_time_index

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "placenames"


def upgrade() -> None:
    add_audit_time_index(op, SCHEMA)


def downgrade() -> None:
    drop_audit_time_index(op, SCHEMA)
