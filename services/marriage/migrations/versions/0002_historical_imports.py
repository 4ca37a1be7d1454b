"""Historical imports (补录): imports, their rows (originals kept encrypted), defects, corrections.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("request_id", sa.Text, nullable=False, server_default=""),
        sa.Column("source_name", sa.Text, nullable=False, server_default=""),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("encoding", sa.Text, nullable=False, server_default=""),
        sa.Column("rows_read", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("rows_imported", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("rows_with_defects", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("rows_unreadable", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("defect_counts", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("imported_by", sa.Text, nullable=False, server_default=""),
        sa.Column("jurisdiction", sa.Text, nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        schema=SCHEMA,
    )
    op.create_table(
        "import_rows",
        sa.Column("import_id", UUID(as_uuid=True), nullable=False),  # no per-row key check: see import_tables
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False, server_default=""),
        sa.Column("certificate_number", sa.Text, nullable=False, server_default=""),
        sa.Column("event_date", sa.Date),
        sa.Column("man_hash", sa.LargeBinary),
        sa.Column("woman_hash", sa.LargeBinary),
        sa.Column("marriage_id", UUID(as_uuid=True)),
        sa.Column("ended_marriage_id", UUID(as_uuid=True)),
        sa.Column("original_enc", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("import_id", "row_number", name="pk_import_rows"),
        sa.CheckConstraint("kind IN ('marriage','divorce','')", name="ck_import_rows_kind"),
        schema=SCHEMA,
    )
    op.create_index("ix_import_rows_marriage_id", "import_rows", ["marriage_id"], schema=SCHEMA,
                    postgresql_where=sa.text("marriage_id IS NOT NULL"))
    op.create_index("ix_import_rows_unmatched_divorces", "import_rows", ["man_hash", "woman_hash"],
                    schema=SCHEMA, postgresql_where=sa.text("kind = 'divorce' AND ended_marriage_id IS NULL"))
    op.create_table(
        "import_defects",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("import_id", UUID(as_uuid=True), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False, server_default=""),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("informational", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("marriage_id", UUID(as_uuid=True)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("resolved_by", UUID(as_uuid=True)),
        schema=SCHEMA,
    )
    op.create_index("ix_import_defects_import_code", "import_defects", ["import_id", "code"], schema=SCHEMA)
    op.create_index("ix_import_defects_row", "import_defects", ["import_id", "row_number"], schema=SCHEMA)
    op.create_index("ix_import_defects_open_by_marriage", "import_defects", ["marriage_id"], schema=SCHEMA,
                    postgresql_where=sa.text("resolved_at IS NULL AND NOT informational"))
    op.create_table(
        "corrections",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("import_id", UUID(as_uuid=True), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("marriage_id", UUID(as_uuid=True)),
        sa.Column("defect_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.import_defects.id")),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("original_enc", sa.LargeBinary, nullable=False),
        sa.Column("corrected_enc", sa.LargeBinary, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence_ref", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False, server_default=""),
        sa.Column("decision_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(["import_id", "row_number"],
                                [f"{SCHEMA}.import_rows.import_id", f"{SCHEMA}.import_rows.row_number"]),
        sa.CheckConstraint("state IN ('PROPOSED','APPROVED','REJECTED')", name="ck_corrections_state"),
        schema=SCHEMA,
    )
    op.create_index("ix_corrections_row", "corrections", ["import_id", "row_number"], schema=SCHEMA)
    op.create_index("ix_corrections_state_created", "corrections", ["state", "created_at"], schema=SCHEMA)


def downgrade() -> None:
    raise RuntimeError("archive imports and their corrections are never dropped by a downgrade")
