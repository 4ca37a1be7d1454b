"""A certificate number (字号) stands on one blank booklet at a time: a partial unique index on
certificate_blanks(document_number) for the USED rows. Printed again (a misprint found later), the
spoiled blank is voided first, then the new one is recorded; two booklets under one 字号 would be a
duplicate certificate in circulation.

If an office had recorded one number on two blanks before this revision, the index cannot be built
and the upgrade stops naming the number: void the spoiled blank (VoidCertificateBlank, with the
reason), then upgrade again.

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def upgrade() -> None:
    op.create_index("uq_certificate_blanks_document_in_use", "certificate_blanks", ["document_number"],
                    unique=True, schema=SCHEMA, postgresql_where="state = 'USED'")


def downgrade() -> None:
    op.drop_index("uq_certificate_blanks_document_in_use", "certificate_blanks", schema=SCHEMA)
