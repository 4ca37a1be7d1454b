"""divorce_applications.outcome may be TERMINATED: the marriage ended otherwise (a court's judgment,
a party's death, a revoked registration) while the application was open.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "divorce_applications"
CONSTRAINT = "outcome"  # the naming convention makes it ck_divorce_applications_outcome


def _outcomes(*names: str) -> None:
    op.drop_constraint(CONSTRAINT, TABLE, schema=SCHEMA, type_="check")
    listed = ",".join(f"'{name}'" for name in names)
    op.create_check_constraint(CONSTRAINT, TABLE, f"outcome IN ({listed})", schema=SCHEMA)


def upgrade() -> None:
    _outcomes("WITHDRAWN", "DEEMED_WITHDRAWN", "DIVORCED", "REFUSED", "TERMINATED")


def downgrade() -> None:
    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET outcome = 'WITHDRAWN' WHERE outcome = 'TERMINATED'")
    _outcomes("WITHDRAWN", "DEEMED_WITHDRAWN", "DIVORCED", "REFUSED")
