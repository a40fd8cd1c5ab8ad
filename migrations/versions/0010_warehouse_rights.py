"""warehouse rights: user_warehouses says which warehouses a worker or supervisor may see
(managers and admins see every warehouse and need no rows); the live feed's warehouse rooms
check it on join

Revision ID: 0010
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import scanfloor.dbtypes

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: every existing row (users, locations) is untouched, and nobody has a
    # right yet, so a worker sees no warehouse's live feed until a manager assigns one.
    op.create_table(
        "user_warehouses",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_warehouses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["locations.id"],
            name=op.f("fk_user_warehouses_warehouse_id_locations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "warehouse_id", name=op.f("pk_user_warehouses")),
    )
    with op.batch_alter_table("user_warehouses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_warehouses_warehouse_id"), ["warehouse_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("user_warehouses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_warehouses_warehouse_id"))
    op.drop_table("user_warehouses")
