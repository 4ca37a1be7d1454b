"""The PII keys' check values (servicekit.pii_keys): every process checks its keys against them
before it encrypts or looks up personal data, so a changed key refuses to start instead of writing
values the old ones cannot read (or looking up digests that find no one).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
from servicekit.migrations import create_pii_key_checks

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "placenames"


def upgrade() -> None:
    create_pii_key_checks(op, SCHEMA)


def downgrade() -> None:
    op.drop_table("pii_key_checks", schema=SCHEMA)
