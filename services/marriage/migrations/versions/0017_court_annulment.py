"""A court's judgment of a void (宣告婚姻无效, 民法典 1051) or annulled (撤销婚姻, 1052/1053) marriage is
recorded on the archive (rules.md §1.7): five columns on marriages — kind, ground, court, the
judgment's number and date — and the state VOID. The CHECK annulment_recorded keeps the judgment
whole: all five set on a VOID record, all NULL on any other.

Downgrade: the previous release knows no VOID state, so VOID rows become REVOKED — the nearest it
has, and the one it already treats as no marriage for marital status (the parties stay free). A
record that had ended before the judgment keeps its end_reason; one the judgment ended gets
end_reason REVOKED. The judgment's court and number survive in end_reference (appended to it when
the record had ended otherwise); its kind, ground and date are dropped with the columns.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "marriages"
STATE = "state"  # the naming convention makes these ck_marriages_…
RECORDED = "annulment_recorded"
COLUMNS = (
    sa.Column("annulment_kind", sa.Text),
    sa.Column("annulment_ground", sa.Text),
    sa.Column("annulment_court", sa.Text),
    sa.Column("annulment_document", sa.Text),
    sa.Column("annulment_date", sa.Date),
)
_NAMES = [c.name for c in COLUMNS]
ALL_SET = " AND ".join(f"{name} IS NOT NULL" for name in _NAMES)
ALL_NULL = " AND ".join(f"{name} IS NULL" for name in _NAMES)


def _states(*names: str) -> None:
    op.drop_constraint(STATE, TABLE, schema=SCHEMA, type_="check")
    listed = ",".join(f"'{name}'" for name in names)
    op.create_check_constraint(STATE, TABLE, f"state IN ({listed})", schema=SCHEMA)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column(TABLE, column, schema=SCHEMA)
    _states("REGISTERED", "DIVORCED", "ENDED_BY_DEATH", "REVOKED", "VOID")
    op.create_check_constraint(RECORDED, TABLE,
                               f"(state = 'VOID' AND {ALL_SET}) OR (state <> 'VOID' AND {ALL_NULL})", schema=SCHEMA)


def downgrade() -> None:
    op.drop_constraint(RECORDED, TABLE, schema=SCHEMA, type_="check")
    # VOID rows become REVOKED (see the docstring): the previous release's nearest state.
    op.execute(f"""
        UPDATE {SCHEMA}.{TABLE} SET state = 'REVOKED',
          end_reference = CASE WHEN end_reason IN ('COURT_VOID', 'COURT_ANNULLED') THEN end_reference
                               ELSE concat_ws('；', nullif(end_reference, ''),
                                              annulment_court || ' ' || annulment_document) END,
          end_reason = CASE WHEN end_reason IN ('COURT_VOID', 'COURT_ANNULLED') THEN 'REVOKED'
                            ELSE end_reason END
        WHERE state = 'VOID'""")
    _states("REGISTERED", "DIVORCED", "ENDED_BY_DEATH", "REVOKED")
    for column in reversed(COLUMNS):
        op.drop_column(TABLE, column.name, schema=SCHEMA)
