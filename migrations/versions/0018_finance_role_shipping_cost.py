"""finance role and carton shipping cost: users may hold the role 'finance' (beside the
worker < supervisor < manager < admin ladder, docs/decisions/0026; existing users keep
their roles), and a carton records what its carrier charges to carry it, as quoted when its
shipment is confirmed (NULL for cartons shipped before: their cost is unknown, and margin
says so).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


LADDER = ("worker", "supervisor", "manager", "admin")
WITH_FINANCE = (*LADDER, "finance")


def _set_user_roles(roles):
    # SQLite rebuilds the table to change a CHECK (env.py turns foreign keys off for the
    # rebuild and checks them before commit: many tables point at users).
    check = "role IN (" + ",".join(f"'{r}'" for r in roles) + ")"
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), check)


def upgrade():
    _set_user_roles(WITH_FINANCE)
    with op.batch_alter_table("cartons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_cost", sa.Numeric(20, 4), nullable=True))
        batch_op.add_column(sa.Column("shipping_currency", sa.String(length=3), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_cartons_shipping_cost_not_negative"),
            "shipping_cost IS NULL OR shipping_cost >= 0",
        )


def downgrade():
    with op.batch_alter_table("cartons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_cartons_shipping_cost_not_negative"), type_="check"
        )
        batch_op.drop_column("shipping_currency")
        batch_op.drop_column("shipping_cost")
    # A finance user has no rung to fall back to: the downgrade refuses rather than guess
    # what they may do (an admin changes their role first).
    bind = op.get_bind()
    held = bind.execute(sa.text("SELECT COUNT(*) FROM users WHERE role = 'finance'")).scalar()
    if held:
        raise RuntimeError(
            f"{held} user(s) hold the finance role: give them another role before downgrading"
        )
    _set_user_roles(LADDER)
