"""outbound: waves, pick tasks, count tasks, cartons, carriers, shipments

New tables only (the outbound half had none): existing rows are untouched, and an order
that was allocated before the upgrade is released into a wave like any other.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 20:26:49.491862

"""
from alembic import op
import sqlalchemy as sa

import scanfloor.dbtypes


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('carriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('adapter', sa.String(length=32), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('tracking_prefix', sa.String(length=16), nullable=False),
    sa.Column('tracking_next', sa.BigInteger(), nullable=True),
    sa.Column('tracking_last', sa.BigInteger(), nullable=True),
    sa.Column('tracking_url_template', sa.String(length=300), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('tracking_next IS NULL OR tracking_last IS NULL OR tracking_next <= tracking_last + 1', name=op.f('ck_carriers_tracking_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carriers')),
    sa.UniqueConstraint('code', name=op.f('uq_carriers_code'))
    )
    op.create_table('carton_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('tare_g', sa.Integer(), nullable=False),
    sa.Column('max_weight_g', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length_mm > 0 AND width_mm > 0 AND height_mm > 0 AND tare_g >= 0', name=op.f('ck_carton_types_sizes')),
    sa.CheckConstraint('max_weight_g IS NULL OR max_weight_g > 0', name=op.f('ck_carton_types_max_weight')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carton_types')),
    sa.UniqueConstraint('code', name=op.f('uq_carton_types_code'))
    )
    op.create_table('count_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source_type', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.String(length=64), nullable=True),
    sa.Column('raised_by', sa.Integer(), nullable=True),
    sa.Column('created_at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open','counted','cancelled')", name=op.f('ck_count_tasks_status')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_count_tasks_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_count_tasks_location_id_locations')),
    sa.ForeignKeyConstraint(['raised_by'], ['users.id'], name=op.f('fk_count_tasks_raised_by_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_count_tasks_warehouse_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_tasks'))
    )
    with op.batch_alter_table('count_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_count_tasks_open', ['location_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_count_tasks_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('dock_door_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open','confirmed','cancelled')", name=op.f('ck_shipments_status')),
    sa.ForeignKeyConstraint(['carrier_id'], ['carriers.id'], name=op.f('fk_shipments_carrier_id_carriers')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'], name=op.f('fk_shipments_confirmed_by_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_shipments_created_by_users')),
    sa.ForeignKeyConstraint(['dock_door_id'], ['locations.id'], name=op.f('fk_shipments_dock_door_id_locations')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_shipments_warehouse_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index('ix_shipments_open', ['warehouse_id', 'status'], unique=False)

    op.create_table('waves',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('unit_count', sa.BigInteger(), nullable=False),
    sa.Column('path_length', sa.BigInteger(), nullable=False),
    sa.Column('released_by', sa.Integer(), nullable=True),
    sa.Column('released_via', sa.String(length=64), nullable=False),
    sa.Column('released_at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("mode IN ('single','cluster','zone')", name=op.f('ck_waves_mode')),
    sa.CheckConstraint("status IN ('released','picking','picked','cancelled')", name=op.f('ck_waves_status')),
    sa.ForeignKeyConstraint(['released_by'], ['users.id'], name=op.f('fk_waves_released_by_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_waves_warehouse_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waves'))
    )
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waves_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_waves_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('cartons',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('container_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('carton_type_id', sa.Integer(), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('packed_by', sa.Integer(), nullable=True),
    sa.Column('opened_at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('open','closed','shipped')", name=op.f('ck_cartons_status')),
    sa.CheckConstraint('weight_g IS NULL OR weight_g > 0', name=op.f('ck_cartons_weight_positive')),
    sa.ForeignKeyConstraint(['carton_type_id'], ['carton_types.id'], name=op.f('fk_cartons_carton_type_id_carton_types')),
    sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_cartons_container_id_containers')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_cartons_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cartons_order_id_orders')),
    sa.ForeignKeyConstraint(['packed_by'], ['users.id'], name=op.f('fk_cartons_packed_by_users')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_cartons_shipment_id_shipments')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_cartons_warehouse_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cartons')),
    sa.UniqueConstraint('container_id', name=op.f('uq_cartons_container_id')),
    sa.UniqueConstraint('tracking_number', name=op.f('uq_cartons_tracking_number'))
    )
    with op.batch_alter_table('cartons', schema=None) as batch_op:
        batch_op.create_index('ix_cartons_order', ['order_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_cartons_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('floor_exceptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('source_type', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_floor_exceptions_actor_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_floor_exceptions_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_floor_exceptions_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_floor_exceptions_order_id_orders')),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_floor_exceptions_resolved_by_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_floor_exceptions_warehouse_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floor_exceptions'))
    )
    with op.batch_alter_table('floor_exceptions', schema=None) as batch_op:
        batch_op.create_index('ix_floor_exceptions_open', ['warehouse_id', 'resolved_at'], unique=False)

    op.create_table('pick_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('wave_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('priority', sa.BigInteger(), nullable=False),
    sa.Column('assigned_to', sa.Integer(), nullable=True),
    sa.Column('claimed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('completed_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('path_length', sa.BigInteger(), nullable=False),
    sa.Column('created_at', scanfloor.dbtypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open','claimed','done','cancelled')", name=op.f('ck_pick_tasks_status')),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_pick_tasks_assigned_to_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['locations.id'], name=op.f('fk_pick_tasks_warehouse_id_locations')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_pick_tasks_wave_id_waves'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['locations.id'], name=op.f('fk_pick_tasks_zone_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_tasks'))
    )
    with op.batch_alter_table('pick_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_tasks_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index('ix_pick_tasks_queue', ['warehouse_id', 'status', 'priority', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_tasks_wave_id'), ['wave_id'], unique=False)

    op.create_table('wave_orders',
    sa.Column('wave_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('tote_container_id', sa.Integer(), nullable=True),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_wave_orders_order_id_orders')),
    sa.ForeignKeyConstraint(['tote_container_id'], ['containers.id'], name=op.f('fk_wave_orders_tote_container_id_containers')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_wave_orders_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'order_id', name=op.f('pk_wave_orders'))
    )
    with op.batch_alter_table('wave_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wave_orders_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_wave_orders_tote', ['tote_container_id', 'open'], unique=False)

    op.create_table('pick_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('wave_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reservation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('picked_qty', sa.BigInteger(), nullable=False),
    sa.Column('short_qty', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('picked_by', sa.Integer(), nullable=True),
    sa.Column('picked_at', scanfloor.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open','picked','short','cancelled')", name=op.f('ck_pick_lines_status')),
    sa.CheckConstraint('picked_qty >= 0 AND short_qty >= 0 AND picked_qty + short_qty <= quantity', name=op.f('ck_pick_lines_not_over_picked')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_pick_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_pick_lines_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_pick_lines_location_id_locations')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_pick_lines_lot_id_lots')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_pick_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_pick_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['picked_by'], ['users.id'], name=op.f('fk_pick_lines_picked_by_users')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_pick_lines_reservation_id_reservations')),
    sa.ForeignKeyConstraint(['task_id'], ['pick_tasks.id'], name=op.f('fk_pick_lines_task_id_pick_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_pick_lines_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_lines'))
    )
    with op.batch_alter_table('pick_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_lines_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_pick_lines_order_line', ['order_line_id'], unique=False)
        batch_op.create_index('ix_pick_lines_task', ['task_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_lines_wave_id'), ['wave_id'], unique=False)



def downgrade():
    with op.batch_alter_table("pick_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_lines_wave_id'))
        batch_op.drop_index('ix_pick_lines_task')
        batch_op.drop_index('ix_pick_lines_order_line')
        batch_op.drop_index(batch_op.f('ix_pick_lines_order_id'))
        batch_op.drop_index(batch_op.f('ix_pick_lines_location_id'))

    op.drop_table('pick_lines')
    with op.batch_alter_table('wave_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_wave_orders_tote')
        batch_op.drop_index(batch_op.f('ix_wave_orders_order_id'))

    op.drop_table('wave_orders')
    with op.batch_alter_table('pick_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_tasks_wave_id'))
        batch_op.drop_index('ix_pick_tasks_queue')
        batch_op.drop_index(batch_op.f('ix_pick_tasks_assigned_to'))

    op.drop_table('pick_tasks')
    with op.batch_alter_table('floor_exceptions', schema=None) as batch_op:
        batch_op.drop_index('ix_floor_exceptions_open')

    op.drop_table('floor_exceptions')
    with op.batch_alter_table('cartons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cartons_shipment_id'))
        batch_op.drop_index('ix_cartons_order')

    op.drop_table('cartons')
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waves_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_waves_status'))

    op.drop_table('waves')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index('ix_shipments_open')

    op.drop_table('shipments')
    with op.batch_alter_table('count_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_count_tasks_warehouse_id'))
        batch_op.drop_index('ix_count_tasks_open')

    op.drop_table('count_tasks')
    op.drop_table('carton_types')
    op.drop_table('carriers')
