"""imports.content_sha256: the SHA-256 of each archive file as uploaded, so the same file sent again
(a retry under a new request id, a second upload) is refused instead of making every record twice.
Imports made before it have none and are not compared.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.add_column("imports", sa.Column("content_sha256", sa.LargeBinary()), schema=SCHEMA)
    op.create_index("ix_imports_content_sha256", "imports", ["content_sha256"], schema=SCHEMA,
                    postgresql_where=sa.text("content_sha256 IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_imports_content_sha256", table_name="imports", schema=SCHEMA)
    op.drop_column("imports", "content_sha256", schema=SCHEMA)
