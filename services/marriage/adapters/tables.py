"""The marriage schema.

Concurrency guarantees live in the database, not only in Python:
- `current_spouses` has one row per party of every REGISTERED marriage, keyed by the party's ID
  hash: two registrations racing on the same person cannot both commit (unique violation).
- `certificate_serials` is a counter row per (kind, office, year), bumped inside the registering
  transaction: serials are gapless, and a rollback gives the number back.
- `certificate_blanks` is keyed by (kind, printed serial): a serial cannot be received twice, and
  each use or void locks its row FOR UPDATE, so two windows cannot print on the same blank; a
  partial unique index on (字号, copy) keeps a number on two USED blanks at most, one booklet per
  party (printed again, a spoiled one is voided first).
- `appointment_days` is a counter row per (office, date), locked FOR UPDATE by each booking, with
  CHECK booked <= capacity: concurrent bookings of the last slot cannot both commit.
"""
from __future__ import annotations

from servicekit.db import service_metadata
from servicekit.tables import kit_tables
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    Time,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

SCHEMA = "marriage"
# A judgment is recorded whole or not at all, and only on a VOID record (migration 0017).
ANNULMENT_RECORDED = (
    "(state = 'VOID' AND annulment_kind IS NOT NULL AND annulment_ground IS NOT NULL"
    " AND annulment_court IS NOT NULL AND annulment_document IS NOT NULL AND annulment_date IS NOT NULL)"
    " OR (state <> 'VOID' AND annulment_kind IS NULL AND annulment_ground IS NULL"
    " AND annulment_court IS NULL AND annulment_document IS NULL AND annulment_date IS NULL)")
COHABITATION_DATES = (
    "(cohabitation_start_date IS NULL AND effective_date IS NULL) OR "
    "(cohabitation_start_date IS NOT NULL AND effective_date IS NOT NULL"
    " AND cohabitation_start_date <= effective_date AND effective_date <= register_date)")
metadata = service_metadata(SCHEMA)
kit = kit_tables(metadata)

marriages = Table(
    "marriages", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("certificate_number", Text, nullable=False),
    Column("office_code", Text, nullable=False),
    Column("register_date", Date, nullable=False),
    Column("state", Text, nullable=False),  # REGISTERED, DIVORCED, ENDED_BY_DEATH, REVOKED, VOID
    Column("end_date", Date),
    Column("end_reason", Text, nullable=False, server_default=""),
    Column("end_reference", Text, nullable=False, server_default=""),
    Column("historical", Boolean, nullable=False, server_default=text("false")),
    Column("import_id", UUID(as_uuid=True)),
    Column("reissue_count", Integer, nullable=False, server_default=text("0")),
    Column("deceased_position", SmallInteger),  # which party died, when ENDED_BY_DEATH
    # A court's judgment of a void (VOID) or annulled (ANNULLED) marriage (migration 0017): all set
    # in state VOID, all NULL otherwise.
    Column("annulment_kind", Text),
    Column("annulment_ground", Text),
    Column("annulment_court", Text),
    Column("annulment_document", Text),
    Column("annulment_date", Date),
    # 补办结婚登记 (migration 0019): the declared cohabitation's start and the effect's first day;
    # both NULL on an ordinary registration.
    Column("cohabitation_start_date", Date),
    Column("effective_date", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("state IN ('REGISTERED','DIVORCED','ENDED_BY_DEATH','REVOKED','VOID')", name="state"),
    CheckConstraint(ANNULMENT_RECORDED, name="annulment_recorded"),
    CheckConstraint(COHABITATION_DATES, name="cohabitation_dates"),
    # Historical archives may hold duplicate numbers (flagged as defects); new ones never do.
    Index("uq_marriages_certificate_number", "certificate_number", unique=True,
          postgresql_where=text("NOT historical")),
    Index("ix_marriages_office_date", "office_code", "register_date"),
    Index("ix_marriages_register_date_id", "register_date", "id"),
)

marriage_parties = Table(
    "marriage_parties", metadata,
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id), nullable=False),
    Column("position", SmallInteger, nullable=False),  # 0 man / 1 woman (or order on the record)
    Column("id_type", Text, nullable=False),
    # PiiCipher.digest / PiiCipher.encrypt of the canonical number (NULL: missing on an archive row).
    Column("id_hash", LargeBinary),
    Column("id_enc", LargeBinary),
    Column("id_masked", Text, nullable=False, server_default=""),
    Column("name", Text, nullable=False),
    Column("sex", Text, nullable=False, server_default=""),  # 'M' / 'F'
    Column("birth_date", Date),
    Column("nationality", Text, nullable=False, server_default=""),
    # The no-spouse proof a party who is not a mainland resident presented (domain.proofs; 0016).
    Column("proof_kind", Text),
    Column("proof_issuer", Text),
    Column("proof_document", Text),
    Column("proof_date", Date),
    CheckConstraint("(proof_kind IS NULL AND proof_issuer IS NULL AND proof_document IS NULL AND proof_date IS NULL)"
                    " OR (proof_kind IN ('NOTARIZED_DECLARATION','CONSULAR_CERTIFICATE','AUTHENTICATED_CERTIFICATE',"
                    "'APOSTILLE_CERTIFICATE') AND coalesce(proof_issuer, '') <> '' AND coalesce(proof_document, '') <> '' "
                    "AND proof_date IS NOT NULL)", name="no_spouse_proof"),
    PrimaryKeyConstraint("marriage_id", "position"),
    Index("ix_marriage_parties_id_hash", "id_hash"),
)

current_spouses = Table(
    "current_spouses", metadata,
    Column("party_hash", LargeBinary, primary_key=True),
    # Deferred: RegisterMarriage claims both parties first, then inserts the marriage.
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id, deferrable=True, initially="DEFERRED"),
           nullable=False, index=True),
)

certificate_serials = Table(
    "certificate_serials", metadata,
    Column("kind", Text, nullable=False),  # J, L, BJ, BL, ZM (婚姻登记记录证明)
    Column("office_code", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_serial", Integer, nullable=False),
    PrimaryKeyConstraint("kind", "office_code", "year"),
)

divorce_applications = Table(
    "divorce_applications", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id), nullable=False),
    Column("office_code", Text, nullable=False),
    Column("receipt_number", Text, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("cooling_off_end", Date, nullable=False),
    Column("issue_deadline", Date, nullable=False),
    Column("agreement", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    # NULL while open (COOLING_OFF / AWAITING_ISSUE follow from the dates); else the closing state.
    Column("outcome", Text),
    Column("closed_on", Date),
    Column("withdrawn_by", SmallInteger),  # party position
    Column("certificate_number", Text, nullable=False, server_default=""),
    Column("refusal_reason", Text, nullable=False, server_default=""),
    # What the acceptance rested on (rules.md §1.5); NULL / NOT_RECORDED for applications accepted
    # before they were recorded (migration 0013). Never false: an application is not accepted without it.
    Column("full_civil_capacity", Boolean),
    # The default is for the previous release's inserts during a rollout (migration 0013).
    Column("certificates_presented", Text, nullable=False, server_default="NOT_RECORDED"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("outcome IN ('WITHDRAWN','DEEMED_WITHDRAWN','DIVORCED','REFUSED','TERMINATED')", name="outcome"),
    CheckConstraint("full_civil_capacity", name="full_civil_capacity"),
    CheckConstraint("certificates_presented IN ('BOTH','ONE_WITH_LOSS_DECLARATION',"
                    "'ARCHIVE_COPY_WITH_LOSS_DECLARATION','NOT_RECORDED')", name="certificates_presented"),
    Index("ix_divorce_applications_marriage", "marriage_id"),
    Index("ix_divorce_applications_office_accepted", "office_code", "accepted_on"),
    Index("ix_divorce_applications_open_deadline", "issue_deadline", postgresql_where=text("outcome IS NULL")),
    # At most one open application per marriage.
    Index("uq_divorce_applications_open", "marriage_id", unique=True, postgresql_where=text("outcome IS NULL")),
)

certificates = Table(
    "certificates", metadata,
    # Every certificate handed out after registration: divorce (L), reissues (BJ/BL), record certificates (ZM).
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id), nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False, unique=True),
    Column("office_code", Text, nullable=False),
    Column("issue_date", Date, nullable=False),
    # A reissue's application (rules.md §1.6, since 0015; NULL on older rows and on divorce
    # certificates: not recorded): the party it was for (its position on the record), whether an
    # agent applied, and the agent's document (hash/encrypted/masked as the parties' numbers are),
    # name and the notarized power of attorney's reference (公证书编号).
    Column("party_position", SmallInteger),
    Column("by_proxy", Boolean),
    Column("agent_id_type", Text),
    Column("agent_id_hash", LargeBinary),
    Column("agent_id_enc", LargeBinary),
    Column("agent_id_masked", Text),
    Column("agent_name", Text),
    Column("power_of_attorney", Text),
    Column("reason", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("by_proxy IS NOT TRUE OR (agent_id_hash IS NOT NULL AND agent_id_enc IS NOT NULL "
                    "AND power_of_attorney <> '')", name="proxy_has_power_of_attorney"),
    Index("ix_certificates_office_date", "office_code", "issue_date"),
)

offices = Table(
    "offices", metadata,
    Column("code", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("opens", Time, nullable=False),
    Column("closes", Time, nullable=False),
    Column("daily_capacity", Integer, nullable=False),
    Column("rush_opens", Time, nullable=False),
    Column("rush_closes", Time, nullable=False),
    Column("rush_multiplier", Integer, nullable=False, server_default=text("2")),
    # Designated by the province for foreign / HK-Macao-Taiwan / overseas-Chinese cases (rules.md §1.1).
    Column("foreign_cases", Boolean, nullable=False, server_default=text("false")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("daily_capacity > 0 AND rush_multiplier > 0", name="capacity"),
)

special_dates = Table(
    "special_dates", metadata,
    # Dates an administrator adds: extended hours and capacity (2·14, 5·20, 七夕 are built in).
    Column("office_code", Text, ForeignKey(offices.c.code), nullable=False),
    Column("date", Date, nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("opens", Time),  # NULL: the office's rush hours
    Column("closes", Time),
    Column("capacity", Integer),  # NULL: the office's rush capacity
    PrimaryKeyConstraint("office_code", "date"),
)

appointment_days = Table(
    "appointment_days", metadata,
    # Locked FOR UPDATE by every booking of the day; CHECK booked <= capacity makes overbooking
    # impossible in the database even if the application check were wrong.
    Column("office_code", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("booked", Integer, nullable=False, server_default=text("0")),
    Column("issued", Integer, nullable=False, server_default=text("0")),  # queue numbers handed out
    PrimaryKeyConstraint("office_code", "date"),
    CheckConstraint("booked >= 0 AND booked <= capacity", name="not_overbooked"),
)

appointments = Table(
    "appointments", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("office_code", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("kind", Text, nullable=False),  # MARRIAGE, DIVORCE, REISSUE
    Column("state", Text, nullable=False),  # BOOKED, CANCELLED, SERVED
    Column("queue_number", Integer, nullable=False),
    Column("contact_name", Text, nullable=False, server_default=""),
    Column("contact_phone", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("state IN ('BOOKED','CANCELLED','SERVED')", name="state"),
    Index("ix_appointments_office_date", "office_code", "date", "queue_number"),
)

counseling_cases = Table(
    "counseling_cases", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("office_code", Text, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("outcome", Text),  # NULL while open
    Column("closed_on", Date),
    Column("divorce_application_id", UUID(as_uuid=True), ForeignKey(divorce_applications.c.id)),
    Column("topic", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("outcome IN ('RECONCILED','PROCEEDED','REFERRED')", name="outcome"),
    Index("ix_counseling_cases_office_received", "office_code", "received_on"),
)

counseling_sessions = Table(
    "counseling_sessions", metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(counseling_cases.c.id), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("counselor", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("case_id", "seq"),
)

counseling_concerns = Table(
    # Domestic violence or suspected trafficking met in counseling, with what staff did (rules.md
    # §1.9). Recorded complete, and the CHECKs hold it so: help told to a DV victim, the police report
    # of a trafficking suspicion.
    "counseling_concerns", metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(counseling_cases.c.id), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("noted_on", Date, nullable=False),
    Column("action", Text, nullable=False, server_default=""),
    Column("help", ARRAY(Text), nullable=False, server_default="{}"),
    Column("reported_at", DateTime(timezone=True)),
    Column("report_reference", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("case_id", "seq"),
    CheckConstraint("kind IN ('DOMESTIC_VIOLENCE','TRAFFICKING_SUSPECTED')", name="kind"),
    CheckConstraint("kind <> 'DOMESTIC_VIOLENCE' OR (cardinality(help) > 0 AND reported_at IS NULL)",
                    name="violence_help"),
    CheckConstraint("kind <> 'TRAFFICKING_SUSPECTED' OR (reported_at IS NOT NULL AND report_reference <> ''"
                    " AND cardinality(help) = 0)", name="trafficking_reported"),
    # GetStatistics counts the cases of each kind recorded in a period.
    Index("ix_counseling_concerns_kind_noted", "kind", "noted_on"),
)

certificate_blanks = Table(
    "certificate_blanks", metadata,
    # Blank certificate booklets (空白证书): one row per printed serial, never deleted or reused.
    Column("kind", Text, nullable=False),  # MARRIAGE (J, BJ) or DIVORCE (L, BL)
    Column("serial", Text, nullable=False),  # 印制号
    Column("office_code", Text, nullable=False),
    Column("state", Text, nullable=False),  # IN_STOCK, USED, VOIDED
    Column("document_number", Text, nullable=False, server_default=""),  # the 字号 printed on it
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id)),
    Column("received_on", Date, nullable=False),
    Column("used_on", Date),
    Column("voided_on", Date),
    Column("void_reason", Text, nullable=False, server_default=""),
    Column("copy", SmallInteger),  # which of its number's two booklets (one per party) it was used as
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("kind", "serial"),
    CheckConstraint("kind IN ('MARRIAGE','DIVORCE')", name="kind"),
    CheckConstraint("state IN ('IN_STOCK','USED','VOIDED')", name="state"),
    Index("ix_certificate_blanks_office_kind_state", "office_code", "kind", "state", "serial"),
    Index("ix_certificate_blanks_marriage_id", "marriage_id", postgresql_where=text("marriage_id IS NOT NULL")),
    # A 字号 stands on two blanks at most (one booklet per party): printed again, a spoiled one is
    # voided first.
    CheckConstraint("copy IN (1, 2)", name="copy"),
    Index("uq_certificate_blanks_document_copy_in_use", "document_number", "copy", unique=True,
          postgresql_where=text("state = 'USED'")),
)

revocation_cases = Table(
    # 撤销婚姻登记 cases (rules.md §1.4, §1.7): 审查 → 告知 → 决定 → 送达 → 归档. Each step's columns are
    # set from its state on (CHECKs), and a marriage has one undecided case at most (partial unique index).
    "revocation_cases", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("marriage_id", UUID(as_uuid=True), ForeignKey(marriages.c.id), nullable=False),
    Column("source", Text, nullable=False),  # COURT, PROCURATORATE, POLICE
    Column("document_number", Text, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("office_code", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("notice_method", Text),
    Column("notice_date", Date),
    Column("objection_deadline", Date),
    Column("outcome", Text),  # REVOKE, DECLINE once decided
    Column("decision_number", Text, nullable=False, server_default=""),
    Column("decision_date", Date),
    Column("declined_reason", Text, nullable=False, server_default=""),
    Column("service_date", Date),
    Column("filed_date", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("state IN ('REVIEWING','NOTIFIED','REVOKED','DECLINED','SERVED','FILED')", name="state"),
    CheckConstraint("source IN ('COURT','PROCURATORATE','POLICE')", name="source"),
    CheckConstraint("document_number <> ''", name="document_number"),
    CheckConstraint("notice_method IN ('IN_PERSON','MAIL','PUBLIC_NOTICE')", name="notice_method"),
    CheckConstraint("(state = 'REVIEWING') = (notice_date IS NULL) AND (notice_date IS NULL) = (notice_method IS NULL)"
                    " AND (notice_date IS NULL) = (objection_deadline IS NULL)", name="notified"),
    CheckConstraint("outcome IN ('REVOKE','DECLINE')", name="outcome"),
    CheckConstraint("(state IN ('REVIEWING','NOTIFIED')) = (outcome IS NULL)"
                    " AND (outcome IS NULL) = (decision_date IS NULL)"
                    " AND (outcome IS NULL OR (decision_number <> '' AND decision_date > objection_deadline))"
                    " AND (state <> 'REVOKED' OR outcome = 'REVOKE') AND (state <> 'DECLINED' OR outcome = 'DECLINE')"
                    " AND (outcome IS DISTINCT FROM 'DECLINE' OR declined_reason <> '')", name="decided"),
    CheckConstraint("(state IN ('SERVED','FILED')) = (service_date IS NOT NULL)"
                    " AND (state = 'FILED') = (filed_date IS NOT NULL)", name="served_filed"),
    Index("ix_revocation_cases_marriage", "marriage_id"),
    Index("ix_revocation_cases_received_id", "received_on", "id"),
    Index("ix_revocation_cases_office_received", "office_code", "received_on"),
    # One undecided case per marriage.
    Index("uq_revocation_cases_open", "marriage_id", unique=True,
          postgresql_where=text("state IN ('REVIEWING','NOTIFIED')")),
)
