"""Revocation cases (撤销婚姻登记, rules.md §1.4, §1.7): a finding of identity fraud reviewed (审查),
notified to the parties (告知), decided (决定: revoke or decline), served (送达) and filed (归档).
A new table only: nothing existing changes, so the previous release runs beside it (it never reads
the table; its RevokeRegistration does not know of open cases — see docs/operations.md).

Each step's columns are set exactly from its state on (CHECKs `notified`, `decided`,
`served_filed`), a decision comes after the objection deadline, and a marriage holds one undecided
case (REVIEWING or NOTIFIED) at most: the partial unique index `uq_revocation_cases_open`.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "revocation_cases"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("marriage_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.marriages.id"), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("document_number", sa.Text, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("notice_method", sa.Text),
        sa.Column("notice_date", sa.Date),
        sa.Column("objection_deadline", sa.Date),
        sa.Column("outcome", sa.Text),
        sa.Column("decision_number", sa.Text, nullable=False, server_default=""),
        sa.Column("decision_date", sa.Date),
        sa.Column("declined_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("service_date", sa.Date),
        sa.Column("filed_date", sa.Date),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("state IN ('REVIEWING','NOTIFIED','REVOKED','DECLINED','SERVED','FILED')", name="state"),
        sa.CheckConstraint("source IN ('COURT','PROCURATORATE','POLICE')", name="source"),
        sa.CheckConstraint("document_number <> ''", name="document_number"),
        sa.CheckConstraint("notice_method IN ('IN_PERSON','MAIL','PUBLIC_NOTICE')", name="notice_method"),
        sa.CheckConstraint("(state = 'REVIEWING') = (notice_date IS NULL) AND (notice_date IS NULL) = "
                           "(notice_method IS NULL) AND (notice_date IS NULL) = (objection_deadline IS NULL)",
                           name="notified"),
        sa.CheckConstraint("outcome IN ('REVOKE','DECLINE')", name="outcome"),
        sa.CheckConstraint("(state IN ('REVIEWING','NOTIFIED')) = (outcome IS NULL)"
                           " AND (outcome IS NULL) = (decision_date IS NULL)"
                           " AND (outcome IS NULL OR (decision_number <> '' AND decision_date > objection_deadline))"
                           " AND (state <> 'REVOKED' OR outcome = 'REVOKE') AND (state <> 'DECLINED' OR outcome = 'DECLINE')"
                           " AND (outcome IS DISTINCT FROM 'DECLINE' OR declined_reason <> '')", name="decided"),
        sa.CheckConstraint("(state IN ('SERVED','FILED')) = (service_date IS NOT NULL)"
                           " AND (state = 'FILED') = (filed_date IS NOT NULL)", name="served_filed"),
        schema=SCHEMA,
    )
    op.create_index("ix_revocation_cases_marriage", TABLE, ["marriage_id"], schema=SCHEMA)
    op.create_index("ix_revocation_cases_received_id", TABLE, ["received_on", "id"], schema=SCHEMA)
    op.create_index("ix_revocation_cases_office_received", TABLE, ["office_code", "received_on"], schema=SCHEMA)
    op.create_index("uq_revocation_cases_open", TABLE, ["marriage_id"], unique=True, schema=SCHEMA,
                    postgresql_where=sa.text("state IN ('REVIEWING','NOTIFIED')"))


def downgrade() -> None:
    op.drop_table(TABLE, schema=SCHEMA)  # its indexes go with it
