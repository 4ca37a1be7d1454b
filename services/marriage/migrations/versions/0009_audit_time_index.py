"""The audit log's (at, id) index: ListAuditRecords pages newest first by (at, id) with one index
seek per page (servicekit.paging), where a sort of the whole trail was needed before.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
from servicekit.migrations import add_audit_time_index, drop_audit_time_index

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    add_audit_time_index(op, SCHEMA)


def downgrade() -> None:
    drop_audit_time_index(op, SCHEMA)
