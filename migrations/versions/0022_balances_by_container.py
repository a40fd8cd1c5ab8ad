"""Index balances by container: a tote's or a carton's contents are read by its id (a pick
binding a tote checks that the tote is empty; a cancel, a pack and a container's page
list what it holds), which without this index read every balance row.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 22:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_balances_container", "balances", ["container_id"])


def downgrade():
    op.drop_index("ix_balances_container", table_name="balances")
