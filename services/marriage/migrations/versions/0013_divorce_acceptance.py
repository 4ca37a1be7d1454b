"""What a divorce application's acceptance rested on (rules.md §1.3, §1.5): the registrar's
confirmation that both parties have full civil capacity (full_civil_capacity, never false: the
application is refused without it) and what the couple presented for their marriage certificates
(certificates_presented: BOTH, ONE_WITH_LOSS_DECLARATION, ARCHIVE_COPY_WITH_LOSS_DECLARATION).

Applications accepted before this revision recorded neither: they keep full_civil_capacity NULL and
certificates_presented 'NOT_RECORDED' (shown as 未记录) — nothing is assumed of them. The default
stays: the service always writes what was presented (and refuses NOT_RECORDED on a new application),
while the previous release, still running during a rollout or after a rollback, writes applications
without the column and would otherwise fail on NOT NULL (migrations here add before they remove).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "divorce_applications"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("full_civil_capacity", sa.Boolean), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("certificates_presented", sa.Text, nullable=False,
                                   server_default="NOT_RECORDED"), schema=SCHEMA)
    op.create_check_constraint("full_civil_capacity", TABLE, "full_civil_capacity", schema=SCHEMA)
    op.create_check_constraint("certificates_presented", TABLE,
                               "certificates_presented IN ('BOTH','ONE_WITH_LOSS_DECLARATION',"
                               "'ARCHIVE_COPY_WITH_LOSS_DECLARATION','NOT_RECORDED')", schema=SCHEMA)


def downgrade() -> None:
    op.drop_constraint("certificates_presented", TABLE, schema=SCHEMA, type_="check")
    op.drop_constraint("full_civil_capacity", TABLE, schema=SCHEMA, type_="check")
    op.drop_column(TABLE, "certificates_presented", schema=SCHEMA)
    op.drop_column(TABLE, "full_civil_capacity", schema=SCHEMA)
