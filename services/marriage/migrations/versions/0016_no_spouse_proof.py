"""A party who is not a mainland resident presents a no-spouse proof (无配偶证明, rules.md §1.3),
kept with the party on the record: its kind, issuer, number and issue date (domain.proofs). All
nullable: mainland residents carry none, and neither do rows registered or imported before; a row
carries either all four or none (CHECK).

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op
from servicekit.migrations import add_checked_columns, drop_checked_columns

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "marriage_parties"
CONSTRAINT = "no_spouse_proof"  # the naming convention makes it ck_marriage_parties_…
COLUMNS = (
    sa.Column("proof_kind", sa.Text),
    sa.Column("proof_issuer", sa.Text),
    sa.Column("proof_document", sa.Text),
    sa.Column("proof_date", sa.Date),
)
CHECK = ("(proof_kind IS NULL AND proof_issuer IS NULL AND proof_document IS NULL AND proof_date IS NULL) OR "
         "(proof_kind IN ('NOTARIZED_DECLARATION','CONSULAR_CERTIFICATE','AUTHENTICATED_CERTIFICATE',"
         "'APOSTILLE_CERTIFICATE') AND coalesce(proof_issuer, '') <> '' AND coalesce(proof_document, '') <> '' "
         "AND proof_date IS NOT NULL)")


def upgrade() -> None:
    add_checked_columns(op, SCHEMA, TABLE, COLUMNS, CONSTRAINT, CHECK)


def downgrade() -> None:
    drop_checked_columns(op, SCHEMA, TABLE, COLUMNS, CONSTRAINT)
