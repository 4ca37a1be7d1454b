"""Marriage records, divorce applications, certificates, offices and appointments, counseling,
and the kit tables.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from servicekit.migrations import create_kit_tables
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "marriage"


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def _marriages() -> None:
    op.create_table(
        "marriages",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("register_date", sa.Date, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("end_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("end_reference", sa.Text, nullable=False, server_default=""),
        sa.Column("historical", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("import_id", UUID(as_uuid=True)),
        sa.Column("reissue_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("deceased_position", sa.SmallInteger),
        *_timestamps(),
        sa.CheckConstraint("state IN ('REGISTERED','DIVORCED','ENDED_BY_DEATH','REVOKED')", name="state"),
        schema=SCHEMA,
    )
    op.create_index("uq_marriages_certificate_number", "marriages", ["certificate_number"], unique=True,
                    postgresql_where=sa.text("NOT historical"), schema=SCHEMA)
    op.create_index("ix_marriages_office_date", "marriages", ["office_code", "register_date"], schema=SCHEMA)
    op.create_index("ix_marriages_register_date_id", "marriages", ["register_date", "id"], schema=SCHEMA)
    op.create_index("ix_marriages_import_id", "marriages", ["import_id"], schema=SCHEMA)

    op.create_table(
        "marriage_parties",
        sa.Column("marriage_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.marriages.id"), nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("id_type", sa.Text, nullable=False),
        sa.Column("id_hash", sa.LargeBinary),
        sa.Column("id_enc", sa.LargeBinary),
        sa.Column("id_masked", sa.Text, nullable=False, server_default=""),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sex", sa.Text, nullable=False, server_default=""),
        sa.Column("birth_date", sa.Date),
        sa.Column("nationality", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("marriage_id", "position"),
        schema=SCHEMA,
    )
    op.create_index("ix_marriage_parties_id_hash", "marriage_parties", ["id_hash"], schema=SCHEMA)

    # One row per party of every REGISTERED marriage: the database refuses a second current spouse.
    op.create_table(
        "current_spouses",
        sa.Column("party_hash", sa.LargeBinary, primary_key=True),
        sa.Column("marriage_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{SCHEMA}.marriages.id", deferrable=True, initially="DEFERRED"), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_current_spouses_marriage_id", "current_spouses", ["marriage_id"], schema=SCHEMA)

    # Gapless serials per (kind, office, year), allocated inside the issuing transaction.
    op.create_table(
        "certificate_serials",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last_serial", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("kind", "office_code", "year"),
        schema=SCHEMA,
    )


def _divorces() -> None:
    op.create_table(
        "divorce_applications",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("marriage_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.marriages.id"), nullable=False),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("receipt_number", sa.Text, nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=False),
        sa.Column("cooling_off_end", sa.Date, nullable=False),
        sa.Column("issue_deadline", sa.Date, nullable=False),
        sa.Column("agreement", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("outcome", sa.Text),
        sa.Column("closed_on", sa.Date),
        sa.Column("withdrawn_by", sa.SmallInteger),
        sa.Column("certificate_number", sa.Text, nullable=False, server_default=""),
        sa.Column("refusal_reason", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.CheckConstraint("outcome IN ('WITHDRAWN','DEEMED_WITHDRAWN','DIVORCED','REFUSED')", name="outcome"),
        schema=SCHEMA,
    )
    op.create_index("ix_divorce_applications_marriage", "divorce_applications", ["marriage_id"], schema=SCHEMA)
    op.create_index("ix_divorce_applications_office_accepted", "divorce_applications",
                    ["office_code", "accepted_on"], schema=SCHEMA)
    op.create_index("ix_divorce_applications_open_deadline", "divorce_applications", ["issue_deadline"],
                    postgresql_where=sa.text("outcome IS NULL"), schema=SCHEMA)
    op.create_index("uq_divorce_applications_open", "divorce_applications", ["marriage_id"], unique=True,
                    postgresql_where=sa.text("outcome IS NULL"), schema=SCHEMA)

    op.create_table(
        "certificates",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("marriage_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.marriages.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("number", sa.Text, nullable=False, unique=True),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("party_position", sa.SmallInteger),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_certificates_marriage_id", "certificates", ["marriage_id"], schema=SCHEMA)
    op.create_index("ix_certificates_office_date", "certificates", ["office_code", "issue_date"], schema=SCHEMA)


def _appointments() -> None:
    op.create_table(
        "offices",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("opens", sa.Time, nullable=False),
        sa.Column("closes", sa.Time, nullable=False),
        sa.Column("daily_capacity", sa.Integer, nullable=False),
        sa.Column("rush_opens", sa.Time, nullable=False),
        sa.Column("rush_closes", sa.Time, nullable=False),
        sa.Column("rush_multiplier", sa.Integer, nullable=False, server_default=sa.text("2")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("daily_capacity > 0 AND rush_multiplier > 0", name="capacity"),
        schema=SCHEMA,
    )
    op.create_table(
        "special_dates",
        sa.Column("office_code", sa.Text, sa.ForeignKey(f"{SCHEMA}.offices.code"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("opens", sa.Time),
        sa.Column("closes", sa.Time),
        sa.Column("capacity", sa.Integer),
        sa.PrimaryKeyConstraint("office_code", "date"),
        schema=SCHEMA,
    )
    op.create_table(
        "appointment_days",
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("issued", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("office_code", "date"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="not_overbooked"),
        schema=SCHEMA,
    )
    op.create_table(
        "appointments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("queue_number", sa.Integer, nullable=False),
        sa.Column("contact_name", sa.Text, nullable=False, server_default=""),
        sa.Column("contact_phone", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.CheckConstraint("state IN ('BOOKED','CANCELLED','SERVED')", name="state"),
        schema=SCHEMA,
    )
    op.create_index("ix_appointments_office_date", "appointments", ["office_code", "date", "queue_number"],
                    schema=SCHEMA)


def _counseling() -> None:
    op.create_table(
        "counseling_cases",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("office_code", sa.Text, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("closed_on", sa.Date),
        sa.Column("divorce_application_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{SCHEMA}.divorce_applications.id")),
        sa.Column("topic", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.CheckConstraint("outcome IN ('RECONCILED','PROCEEDED','REFERRED')", name="outcome"),
        schema=SCHEMA,
    )
    op.create_index("ix_counseling_cases_office_received", "counseling_cases", ["office_code", "received_on"],
                    schema=SCHEMA)
    op.create_table(
        "counseling_sessions",
        sa.Column("case_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.counseling_cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("counselor", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("case_id", "seq"),
        schema=SCHEMA,
    )


def upgrade() -> None:
    create_kit_tables(op, SCHEMA)
    _marriages()
    _divorces()
    _appointments()
    _counseling()


def downgrade() -> None:
    raise RuntimeError("marriage records are kept long-term (长期保管): never dropped by a downgrade")
