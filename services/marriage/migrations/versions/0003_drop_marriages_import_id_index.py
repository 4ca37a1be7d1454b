"""Drop ix_marriages_import_id: no statement reads marriages by import (the import's finishing
statements reach its marriages through import_rows and the current-spouse claims), and every row a
historical import writes paid for it — a b-tree insert per marriage, all under one key.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.drop_index("ix_marriages_import_id", table_name="marriages", schema=SCHEMA)


def downgrade() -> None:
    op.create_index("ix_marriages_import_id", "marriages", ["import_id"], schema=SCHEMA)
