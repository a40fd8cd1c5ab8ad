"""order facts: order_facts, order_line_facts and order_ship_facts, the records the fill
rates and order cycle time count of every settled order (reporting/order_facts_models.py,
docs/decisions/0029). They arrive empty and that is correct: an order without facts is
assembled from its rows as it stands, as before this revision, so every report answers the
same at once. `scanfloor facts rebuild` fills them for the orders settled before the
upgrade (from then on each settles into them as its transaction commits); no frozen copy of
the assembly (Python: kits, the shipped-per-line rule) is kept here. orders.ordered_at is
indexed: the reports choose orders by when they were captured.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    # The reports choose orders by when they were captured.
    op.create_index("ix_orders_ordered_at", "orders", ["ordered_at"])
    op.create_table(
        "order_facts",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("completed_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("ix_order_facts_completed_at", "order_facts", ["completed_at"])
    op.create_table(
        "order_line_facts",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("ordered", sa.BigInteger(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("demand", sa.BigInteger(), nullable=False),
        sa.Column("shipped", sa.BigInteger(), nullable=False),
        sa.Column("first_shipment_id", sa.BigInteger(), nullable=True),
        sa.Column("first_units", sa.BigInteger(), nullable=False),
        sa.Column("by_promise", sa.BigInteger(), nullable=False),
        sa.Column("last_shipped_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["order_facts.order_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", "line_no"),
    )
    op.create_table(
        "order_ship_facts",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("confirmed_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["order_facts.order_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", "line_no", "shipment_id"),
    )


def downgrade():
    op.drop_table("order_ship_facts")
    op.drop_table("order_line_facts")
    op.drop_index("ix_order_facts_completed_at", table_name="order_facts")
    op.drop_table("order_facts")
    op.drop_index("ix_orders_ordered_at", table_name="orders")
