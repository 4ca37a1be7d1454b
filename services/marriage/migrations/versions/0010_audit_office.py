"""The office code on each audit row (ListAuditRecords lists a caller the rows of the offices in its
jurisdiction) and the indexes of the 审计 screen's filters.

Rows written before get their record's office: a marriage's registry office, or for an archived
(补录) record the jurisdiction of the bureau that imported it (as new rows do: marriage.app.access.
record_office); a divorce application's, counseling case's, appointment's or blank's office; an
office's own code; an import's, its rows' and its corrections' importer jurisdiction. A row that
names no record found here keeps "", read by the whole bureau's callers only.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
from servicekit.migrations import add_audit_office, drop_audit_office

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SCHEMA = "marriage"

_BY_RECORD = """
UPDATE {schema}.audit_log a SET office_code = r.office FROM (%s) AS r (resource, office)
WHERE a.resource = r.resource AND a.office_code = ''"""

BACKFILL = (
    _BY_RECORD % """
    SELECT 'marriages/' || m.id,
           CASE WHEN m.historical AND i.id IS NOT NULL THEN i.jurisdiction ELSE m.office_code END
    FROM {schema}.marriages m LEFT JOIN {schema}.imports i ON i.id = m.import_id""",
    _BY_RECORD % "SELECT 'divorceApplications/' || id, office_code FROM {schema}.divorce_applications",
    _BY_RECORD % "SELECT 'counselingCases/' || id, office_code FROM {schema}.counseling_cases",
    _BY_RECORD % "SELECT 'appointments/' || id, office_code FROM {schema}.appointments",
    _BY_RECORD % "SELECT 'offices/' || code, code FROM {schema}.offices",
    _BY_RECORD % """
    SELECT 'corrections/' || c.id, i.jurisdiction FROM {schema}.corrections c JOIN {schema}.imports i
    ON i.id = c.import_id""",
    # An import's report (historicalImports/{id}) and its rows (historicalImports/{id}/rows/{n}).
    """
UPDATE {schema}.audit_log a SET office_code = i.jurisdiction FROM {schema}.imports i
WHERE a.resource LIKE 'historicalImports/%' AND split_part(a.resource, '/', 2) = i.id::text
  AND a.office_code = ''""",
    # A blank's rows (certificateBlanks/{kind}/{serial}, or a received range): the office is in
    # each snapshot, as the blanks' table has it.
    """
UPDATE {schema}.audit_log SET office_code = after->>'office_code'
WHERE resource LIKE 'certificateBlanks/%' AND after->>'office_code' IS NOT NULL AND office_code = ''""",
)


def upgrade() -> None:
    add_audit_office(op, SCHEMA, BACKFILL)


def downgrade() -> None:
    drop_audit_office(op, SCHEMA)
