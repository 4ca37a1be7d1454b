"""A reissue records who applied (rules.md §1.6): the party it was for — certificates.party_position,
a column 0001 created and nothing wrote until now — whether an agent (代理人) applied, the agent's
document (keyed hash, encrypted number, masked form, as the parties' numbers are kept), name, and
the notarized power of attorney's reference (公证书编号). All nullable: rows written before, and
divorce certificates, did not record an application (NULL = not recorded). A row by proxy must
carry the agent's document and the reference (CHECK).

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SCHEMA = "marriage"
TABLE = "certificates"
CONSTRAINT = "proxy_has_power_of_attorney"  # the naming convention makes it ck_certificates_…
COLUMNS = (
    sa.Column("by_proxy", sa.Boolean),
    sa.Column("agent_id_type", sa.Text),
    sa.Column("agent_id_hash", sa.LargeBinary),
    sa.Column("agent_id_enc", sa.LargeBinary),
    sa.Column("agent_id_masked", sa.Text),
    sa.Column("agent_name", sa.Text),
    sa.Column("power_of_attorney", sa.Text),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column(TABLE, column, schema=SCHEMA)
    op.create_check_constraint(CONSTRAINT, TABLE, "by_proxy IS NOT TRUE OR (agent_id_hash IS NOT NULL AND "
                               "agent_id_enc IS NOT NULL AND power_of_attorney <> '')", schema=SCHEMA)


def downgrade() -> None:
    op.drop_constraint(CONSTRAINT, TABLE, schema=SCHEMA, type_="check")
    for column in reversed(COLUMNS):
        op.drop_column(TABLE, column.name, schema=SCHEMA)
