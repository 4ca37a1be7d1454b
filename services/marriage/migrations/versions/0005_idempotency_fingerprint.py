"""The request fingerprint beside each idempotency record (servicekit.fingerprints): a request_id
reused by another caller or on another body is refused instead of answered with the first response.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
from servicekit.migrations import add_idempotency_fingerprint, drop_idempotency_fingerprint

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    add_idempotency_fingerprint(op, SCHEMA)


def downgrade() -> None:
    drop_idempotency_fingerprint(op, SCHEMA)
