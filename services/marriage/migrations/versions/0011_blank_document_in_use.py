"""A certificate number (字号) stands on two blank booklets at most — a 结婚证 or 离婚证 is issued
in two booklets under one number, one to each party: each used blank records which copy (1 or 2) it
is, and a partial unique index on (document_number, copy) over the USED rows refuses a third. Printed
again (a misprint found later), the spoiled booklet is voided first, which frees its copy.

Blanks used before this revision are numbered here, per number in the order they were used. If an
office had recorded one number on three or more blanks, the CHECK on copy stops the upgrade: void
the spoiled blanks through the running release (VoidCertificateBlank, with the reason), then
migrate again.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.add_column("certificate_blanks", sa.Column("copy", sa.SmallInteger), schema=SCHEMA)
    op.execute(f"""
        UPDATE {SCHEMA}.certificate_blanks b SET copy = n.copy
        FROM (SELECT kind, serial, row_number() OVER (PARTITION BY document_number
                                                      ORDER BY used_on, updated_at, serial) AS copy
              FROM {SCHEMA}.certificate_blanks WHERE state = 'USED') n
        WHERE b.kind = n.kind AND b.serial = n.serial""")
    op.create_check_constraint(op.f("ck_certificate_blanks_copy"), "certificate_blanks", "copy IN (1, 2)",
                               schema=SCHEMA)
    op.create_index("uq_certificate_blanks_document_copy_in_use", "certificate_blanks", ["document_number", "copy"],
                    unique=True, schema=SCHEMA, postgresql_where="state = 'USED'")


def downgrade() -> None:
    op.drop_index("uq_certificate_blanks_document_copy_in_use", "certificate_blanks", schema=SCHEMA)
    op.drop_constraint(op.f("ck_certificate_blanks_copy"), "certificate_blanks", schema=SCHEMA)
    op.drop_column("certificate_blanks", "copy", schema=SCHEMA)
