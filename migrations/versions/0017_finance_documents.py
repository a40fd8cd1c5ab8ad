"""finance documents: supplier invoices with their lines and the receipt movements each line
cleared from GRNI, landed costs and the receipts they are spread over, and cost_adjustments
(every change of a receipt's cost after receipt, split into the part on hand and the part
gone); matches and adjustments are append-only. Suppliers gain invoice quantity and price
tolerances (0 %: existing suppliers match exactly until someone sets them); order lines
gain the discount and tax the channel charged (NULL for existing lines: no discount, no
tax known); channel settlements and their lines arrive empty; exchange rates arrive empty
and receipt lines gain the currency and rate a foreign PO's cost was converted at (NULL
for existing lines: received before any conversion). Five account roles join the chart:
landed_cost (2300 Landed costs accrued), channel_clearing (1250 Channel clearing),
channel_fees (6100 Channel fees), opening_balance (3000 Opening balance equity) and
tax_receivable (1400 Input tax recoverable). Stock on hand from before valuation can now be
valued once (opening_values, append-only; its FIFO layers have no movement:
cost_layers.movement_id becomes nullable).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:12:27.397581

"""

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


APPEND_ONLY = ("cost_adjustments", "supplier_invoice_matches", "opening_values")
OLD_ROLES = (
    "inventory", "in_transit", "grni", "accounts_payable", "price_variance", "cogs",
    "shrinkage", "scrap_expense", "rounding", "revenue", "channel_receivable", "tax_payable",
    "returns",
)  # fmt: skip
NEW_CHART = (
    ("1250", "Channel clearing", "asset", "channel_clearing"),
    ("2300", "Landed costs accrued", "liability", "landed_cost"),
    ("6100", "Channel fees", "expense", "channel_fees"),
    ("3000", "Opening balance equity", "equity", "opening_balance"),
    ("1400", "Input tax recoverable", "asset", "tax_receivable"),
)
NEW_ROLES = OLD_ROLES + tuple(r for _, _, _, r in NEW_CHART)


def _roles_check(roles):
    return "role IN (" + ",".join(f"'{r}'" for r in roles) + ")"


def _set_role_check(roles):
    # SQLite rebuilds the table to change a CHECK; its two partial unique indexes are made
    # again by hand afterwards (batch mode does not carry an index's WHERE clause).
    with op.batch_alter_table("account_roles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_account_roles_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_account_roles_role"), _roles_check(roles))
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP INDEX IF EXISTS uq_account_roles_default")
        op.execute("DROP INDEX IF EXISTS uq_account_roles_warehouse")
        op.execute(
            "CREATE UNIQUE INDEX uq_account_roles_default ON account_roles (role) "
            "WHERE warehouse_id IS NULL"
        )
        op.execute(
            "CREATE UNIQUE INDEX uq_account_roles_warehouse ON account_roles "
            "(role, warehouse_id) WHERE warehouse_id IS NOT NULL"
        )


def _append_only_triggers():
    # The same database-level refusal as the ledger's (0001): the function exists there.
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION scanfloor_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION scanfloor_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'ledger table {table} is append-only: "
                    "post a reversal instead'); END"
                )


def _drop_append_only_triggers():
    for table in APPEND_ONLY:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def _add_chart():
    from datetime import UTC, datetime

    bind = op.get_bind()
    now = datetime.now(UTC)
    taken = set(bind.execute(sa.text("SELECT code FROM accounts")).scalars())
    accounts = sa.table(
        "accounts",
        sa.column("code", sa.String), sa.column("name", sa.String), sa.column("kind", sa.String),
        sa.column("active", sa.Boolean), sa.column("created_at", scanfloor.dbtypes.UTCDateTime()),
    )  # fmt: skip
    # A chart already using one of these codes keeps its account; the role points at it.
    new = [c for c in NEW_CHART if c[0] not in taken]
    if new:
        op.bulk_insert(
            accounts,
            [{"code": c, "name": n, "kind": k, "active": True, "created_at": now}
             for c, n, k, _ in new],
        )  # fmt: skip
    ids = dict(bind.execute(sa.text("SELECT code, id FROM accounts")).all())
    have = set(
        bind.execute(sa.text("SELECT role FROM account_roles WHERE warehouse_id IS NULL")).scalars()
    )
    roles = sa.table(
        "account_roles",
        sa.column("role", sa.String),
        sa.column("warehouse_id", sa.Integer),
        sa.column("account_id", sa.Integer),
    )
    rows = [{"role": r, "warehouse_id": None, "account_id": ids[c]}
            for c, _, _, r in NEW_CHART if r not in have]  # fmt: skip
    if rows:
        op.bulk_insert(roles, rows)


def upgrade():
    op.create_table(
        "cost_adjustments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("after_movement_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("on_hand_quantity", sa.BigInteger(), nullable=False),
        sa.Column("on_hand_amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("gone_amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("layer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('invoice_price','landed_cost')", name=op.f("ck_cost_adjustments_kind")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_cost_adjustments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_cost_adjustments_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_cost_adjustments_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["cost_layers.id"], name=op.f("fk_cost_adjustments_layer_id_cost_layers")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name=op.f("fk_cost_adjustments_movement_id_movements"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["locations.id"], name=op.f("fk_cost_adjustments_place_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_adjustments")),
    )
    with op.batch_alter_table("cost_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cost_adjustments_after", ["after_movement_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cost_adjustments_movement_id"), ["movement_id"], unique=False
        )
        batch_op.create_index(
            "ix_cost_adjustments_source", ["source_type", "source_id"], unique=False
        )

    op.create_table(
        "landed_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charge_kind", sa.String(length=12), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("charge_date", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint(
            "basis IN ('quantity','value','weight','volume')", name=op.f("ck_landed_costs_basis")
        ),
        sa.CheckConstraint(
            "charge_kind IN ('freight','duty','handling','insurance','other')",
            name=op.f("ck_landed_costs_charge_kind"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_landed_costs_amount_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_landed_costs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_landed_costs_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landed_costs")),
    )
    op.create_table(
        "supplier_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("tax", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=True),
        sa.Column("posted_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint(
            "status IN ('held','posted','rejected')", name=op.f("ck_supplier_invoices_status")
        ),
        sa.CheckConstraint(
            "subtotal >= 0 AND tax >= 0", name=op.f("ck_supplier_invoices_money_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_supplier_invoices_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_supplier_invoices_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_supplier_invoices_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_invoices_supplier_id_suppliers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoices")),
        sa.UniqueConstraint("supplier_id", "number", name="supplier_number"),
    )
    with op.batch_alter_table("supplier_invoices", schema=None) as batch_op:
        batch_op.create_index("ix_supplier_invoices_status", ["status", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supplier_invoices_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "landed_cost_receipts",
        sa.Column("landed_cost_id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["landed_cost_id"],
            ["landed_costs.id"],
            name=op.f("fk_landed_cost_receipts_landed_cost_id_landed_costs"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipts.id"],
            name=op.f("fk_landed_cost_receipts_receipt_id_receipts"),
        ),
        sa.PrimaryKeyConstraint(
            "landed_cost_id", "receipt_id", name=op.f("pk_landed_cost_receipts")
        ),
    )
    op.create_table(
        "supplier_invoice_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("match_status", sa.String(length=16), nullable=False),
        sa.Column("match_detail", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "match_status IN ('matched','quantity','price','quantity_price','no_receipt')",
            name=op.f("ck_supplier_invoice_lines_match_status"),
        ),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_supplier_invoice_lines_quantity_positive")
        ),
        sa.CheckConstraint(
            "unit_price >= 0", name=op.f("ck_supplier_invoice_lines_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["supplier_invoices.id"],
            name=op.f("fk_supplier_invoice_lines_invoice_id_supplier_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_supplier_invoice_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["po_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_supplier_invoice_lines_po_line_id_purchase_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice_lines")),
    )
    with op.batch_alter_table("supplier_invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_lines_po_line_id"), ["po_line_id"], unique=False
        )

    op.create_table(
        "supplier_invoice_matches",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "invoice_line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("received_value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("invoiced_value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_supplier_invoice_matches_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_line_id"],
            ["supplier_invoice_lines.id"],
            name=op.f("fk_supplier_invoice_matches_invoice_line_id_supplier_invoice_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name=op.f("fk_supplier_invoice_matches_movement_id_movements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice_matches")),
    )
    with op.batch_alter_table("supplier_invoice_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_matches_invoice_line_id"),
            ["invoice_line_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_matches_movement_id"), ["movement_id"], unique=False
        )

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount", sa.Numeric(precision=18, scale=4), nullable=True))
        batch_op.add_column(sa.Column("tax", sa.Numeric(precision=18, scale=4), nullable=True))

    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "invoice_qty_tolerance_pct",
                sa.Numeric(precision=6, scale=2),
                nullable=False,
                server_default="0",
            )
        )
        batch_op.add_column(
            sa.Column(
                "invoice_price_tolerance_pct",
                sa.Numeric(precision=6, scale=2),
                nullable=False,
                server_default="0",
            )
        )

    op.create_table(
        "channel_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("deposit_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint(
            "source IN ('shopify_payouts','amazon_v2')", name=op.f("ck_channel_settlements_source")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_channel_settlements_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_channel_settlements_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["users.id"], name=op.f("fk_channel_settlements_imported_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_settlements")),
        sa.UniqueConstraint("channel_id", "reference", name="channel_reference"),
    )
    with op.batch_alter_table("channel_settlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_settlements_channel_id"), ["channel_id"], unique=False
        )

    op.create_table(
        "channel_settlement_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("order_reference", sa.String(length=100), nullable=True),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("posted_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("fee", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('order','refund','fee','adjustment','payout','other')",
            name=op.f("ck_channel_settlement_lines_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_channel_settlement_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["channel_settlements.id"],
            name=op.f("fk_channel_settlement_lines_settlement_id_channel_settlements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_settlement_lines")),
    )
    with op.batch_alter_table("channel_settlement_lines", schema=None) as batch_op:
        batch_op.create_index("ix_channel_settlement_lines_order", ["order_id"], unique=False)
        batch_op.create_index(
            "ix_channel_settlement_lines_reference", ["order_reference"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_channel_settlement_lines_settlement_id"), ["settlement_id"], unique=False
        )

    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_exchange_rates_rate_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_exchange_rates_created_by_users")
        ),
        sa.PrimaryKeyConstraint("currency", "rate_date", name=op.f("pk_exchange_rates")),
    )
    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(
            sa.Column("exchange_rate", sa.Numeric(precision=18, scale=8), nullable=True)
        )

    op.create_table(
        "opening_values",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("cost_source", sa.String(length=16), nullable=False),
        sa.Column("correction", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("after_movement_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_opening_values_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_opening_values_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_opening_values_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_opening_values_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_opening_values_lot_id_lots")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["locations.id"], name=op.f("fk_opening_values_place_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_values")),
    )
    with op.batch_alter_table("opening_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opening_values_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("cost_layers", schema=None) as batch_op:
        batch_op.alter_column(
            "movement_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        )  # fmt: skip

    _set_role_check(NEW_ROLES)
    _add_chart()
    _append_only_triggers()


def downgrade():
    _drop_append_only_triggers()
    # The new roles go with their check; their accounts stay (journal lines may name them).
    op.execute(
        "DELETE FROM account_roles WHERE role IN ("
        + ",".join(f"'{r}'" for _, _, _, r in NEW_CHART)
        + ")"
    )
    _set_role_check(OLD_ROLES)
    with op.batch_alter_table("opening_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_values_item_id"))
    op.drop_table("opening_values")
    # Layers of the opening valuation have no movement: they go before the column is
    # required again (their stock values stay, as any value does on a downgrade).
    op.execute("DELETE FROM cost_layers WHERE movement_id IS NULL")
    with op.batch_alter_table("cost_layers", schema=None) as batch_op:
        batch_op.alter_column(
            "movement_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        )  # fmt: skip
    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.drop_column("exchange_rate")
        batch_op.drop_column("currency")
    op.drop_table("exchange_rates")
    with op.batch_alter_table("channel_settlement_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_settlement_lines_settlement_id"))
        batch_op.drop_index("ix_channel_settlement_lines_reference")
        batch_op.drop_index("ix_channel_settlement_lines_order")
    op.drop_table("channel_settlement_lines")
    with op.batch_alter_table("channel_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_settlements_channel_id"))
    op.drop_table("channel_settlements")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_column("invoice_price_tolerance_pct")
        batch_op.drop_column("invoice_qty_tolerance_pct")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("tax")
        batch_op.drop_column("discount")

    with op.batch_alter_table("supplier_invoice_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_matches_movement_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_matches_invoice_line_id"))

    op.drop_table("supplier_invoice_matches")
    with op.batch_alter_table("supplier_invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_lines_po_line_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_lines_invoice_id"))

    op.drop_table("supplier_invoice_lines")
    op.drop_table("landed_cost_receipts")
    with op.batch_alter_table("supplier_invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoices_supplier_id"))
        batch_op.drop_index("ix_supplier_invoices_status")

    op.drop_table("supplier_invoices")
    op.drop_table("landed_costs")
    with op.batch_alter_table("cost_adjustments", schema=None) as batch_op:
        batch_op.drop_index("ix_cost_adjustments_source")
        batch_op.drop_index(batch_op.f("ix_cost_adjustments_movement_id"))
        batch_op.drop_index("ix_cost_adjustments_after")

    op.drop_table("cost_adjustments")
