"""demand projection: demand_days (per warehouse, UTC day and item: shipped, ship lines,
restocked returns, net sellable change) and channel_demand_days (shipped and returned per
channel), kept by a ledger subscriber from now on and backfilled here from the whole ledger.

The backfill statements are a frozen copy of purchasing/demand_rebuild.py as of this
revision (a released migration must not change when the app's code does).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:34:22.394318

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _day(col, dialect):
    return f"substr({col}, 1, 10)" if dialect == "sqlite" else f"CAST({col} AS date)"


_FROM = (
    "FROM movements m JOIN locations f ON f.id = m.from_location_id "
    "JOIN locations t ON t.id = m.to_location_id"
)
_TO_CUSTOMER = "t.is_virtual AND t.code = 'CUSTOMER'"
_FROM_CUSTOMER = "f.is_virtual AND f.code = 'CUSTOMER'"
_F_IN_WH = "NOT f.is_virtual AND f.warehouse_id IS NOT NULL"
_T_IN_WH = "NOT t.is_virtual AND t.warehouse_id IS NOT NULL"
_RESTOCK = (
    "m.movement_type = 'return' AND t.sellable AND NOT (f.sellable AND NOT f.is_virtual "
    "AND COALESCE(f.warehouse_id = t.warehouse_id, false))"
)


def _days_sql(dialect):
    d = _day("m.occurred_at", dialect)
    ship = f"m.movement_type = 'ship' AND {_TO_CUSTOMER}"
    return f"""
INSERT INTO demand_days (warehouse_id, day, item_id, shipped, ships, returned, net)
SELECT wh, d, item_id, SUM(shipped), SUM(ships), SUM(returned), SUM(net) FROM (
  SELECT f.warehouse_id AS wh, {d} AS d, m.item_id AS item_id,
    CASE WHEN {ship} THEN m.quantity ELSE 0 END AS shipped,
    CASE WHEN {ship} THEN 1 ELSE 0 END AS ships,
    0 AS returned,
    CASE WHEN f.sellable THEN -m.quantity ELSE 0 END AS net
  {_FROM} WHERE {_F_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id,
    CASE WHEN m.movement_type = 'reversal' AND {_FROM_CUSTOMER} THEN -m.quantity ELSE 0 END,
    0,
    CASE WHEN {_RESTOCK} THEN m.quantity ELSE 0 END,
    CASE WHEN t.sellable THEN m.quantity ELSE 0 END
  {_FROM} WHERE {_T_IN_WH}
) s GROUP BY wh, d, item_id
HAVING SUM(shipped) <> 0 OR SUM(ships) <> 0 OR SUM(returned) <> 0 OR SUM(net) <> 0
"""


def _channel_days_sql(dialect):
    d = _day("m.occurred_at", dialect)
    return f"""
INSERT INTO channel_demand_days (warehouse_id, day, item_id, channel_id, shipped, returned)
SELECT wh, d, item_id, ch, SUM(shipped), SUM(returned) FROM (
  SELECT f.warehouse_id AS wh, {d} AS d, m.item_id AS item_id, o.channel_id AS ch,
    m.quantity AS shipped, 0 AS returned
  {_FROM} JOIN cartons c ON c.container_id = m.from_container_id
  JOIN orders o ON o.id = c.order_id
  WHERE m.movement_type = 'ship' AND {_TO_CUSTOMER} AND {_F_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id, o.channel_id, -m.quantity, 0
  {_FROM} JOIN movements s ON s.id = m.reverses_movement_id AND s.movement_type = 'ship'
  JOIN cartons c ON c.container_id = s.from_container_id
  JOIN orders o ON o.id = c.order_id
  WHERE m.movement_type = 'reversal' AND {_FROM_CUSTOMER} AND {_T_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id, r.channel_id, 0, m.quantity
  {_FROM} JOIN return_authorisations r ON CAST(r.id AS TEXT) = m.source_id
  WHERE m.source_type = 'return' AND {_RESTOCK} AND {_T_IN_WH}
) s GROUP BY wh, d, item_id, ch
HAVING SUM(shipped) <> 0 OR SUM(returned) <> 0
"""


def upgrade():
    op.create_table(
        "channel_demand_days",
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("shipped", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("returned", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_channel_demand_days_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_channel_demand_days_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["locations.id"],
            name=op.f("fk_channel_demand_days_warehouse_id_locations"),
        ),
        sa.PrimaryKeyConstraint(
            "warehouse_id", "day", "item_id", "channel_id", name=op.f("pk_channel_demand_days")
        ),
    )
    op.create_table(
        "demand_days",
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("shipped", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("ships", sa.Integer(), server_default="0", nullable=False),
        sa.Column("returned", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("net", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_demand_days_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["locations.id"], name=op.f("fk_demand_days_warehouse_id_locations")
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "day", "item_id", name=op.f("pk_demand_days")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(sa.text(_days_sql(dialect)))
    op.execute(sa.text(_channel_days_sql(dialect)))


def downgrade():
    op.drop_table("demand_days")
    op.drop_table("channel_demand_days")
