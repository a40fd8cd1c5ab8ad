"""finance: chart of accounts and account roles (a default chart seeded), cost methods per
item and category, accounting periods, stock values per item and place, FIFO cost layers and
their issues, one valuation per valued movement, and the journal (entries and lines).
Journal entries and lines, layer issues and movement values are append-only (database
triggers, as for the ledger). Existing stock gets no value here: valuation starts with the
first movement after the upgrade (an opening valuation is a later step).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 06:56:12.835590

"""

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


APPEND_ONLY = ("journal_entries", "journal_lines", "layer_issues", "movement_values")
CHART = (
    # code, name, kind, role
    ("1200", "Channel receivables", "asset", "channel_receivable"),
    ("1300", "Inventory", "asset", "inventory"),
    ("1310", "Inventory in transit", "asset", "in_transit"),
    ("2000", "Accounts payable", "liability", "accounts_payable"),
    ("2100", "Goods received not invoiced", "liability", "grni"),
    ("2200", "Sales tax payable", "liability", "tax_payable"),
    ("4000", "Sales revenue", "revenue", "revenue"),
    ("4100", "Sales returns", "revenue", "returns"),
    ("5000", "Cost of goods sold", "expense", "cogs"),
    ("5100", "Inventory shrinkage", "expense", "shrinkage"),
    ("5200", "Scrap expense", "expense", "scrap_expense"),
    ("5300", "Purchase price variance", "expense", "price_variance"),
    ("5900", "Rounding differences", "expense", "rounding"),
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


def _seed_chart():
    accounts = sa.table(
        "accounts",
        sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
        sa.column("kind", sa.String), sa.column("active", sa.Boolean),
        sa.column("created_at", scanfloor.dbtypes.UTCDateTime()),
    )  # fmt: skip
    roles = sa.table(
        "account_roles",
        sa.column("role", sa.String),
        sa.column("warehouse_id", sa.Integer),
        sa.column("account_id", sa.Integer),
    )
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    op.bulk_insert(
        accounts,
        [{"code": c, "name": n, "kind": k, "active": True, "created_at": now}
         for c, n, k, _ in CHART],
    )  # fmt: skip
    ids = dict(op.get_bind().execute(sa.text("SELECT code, id FROM accounts")).all())
    op.bulk_insert(
        roles, [{"role": r, "warehouse_id": None, "account_id": ids[c]} for c, _, _, r in CHART]
    )


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('asset','liability','equity','revenue','expense')",
            name=op.f("ck_accounts_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_table(
        "category_cost_methods",
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "method IN ('moving_average','fifo')", name=op.f("ck_category_cost_methods_method")
        ),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_category_cost_methods")),
    )
    op.create_table(
        "account_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('inventory','in_transit','grni','accounts_payable','price_variance',"
            "'cogs','shrinkage','scrap_expense','rounding','revenue','channel_receivable',"
            "'tax_payable','returns')",
            name=op.f("ck_account_roles_role"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_roles_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["locations.id"], name=op.f("fk_account_roles_warehouse_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_roles")),
    )
    with op.batch_alter_table("account_roles", schema=None) as batch_op:
        batch_op.create_index(
            "uq_account_roles_default",
            ["role"],
            unique=True,
            sqlite_where=sa.text("warehouse_id IS NULL"),
            postgresql_where=sa.text("warehouse_id IS NULL"),
        )
        batch_op.create_index(
            "uq_account_roles_warehouse",
            ["role", "warehouse_id"],
            unique=True,
            sqlite_where=sa.text("warehouse_id IS NOT NULL"),
            postgresql_where=sa.text("warehouse_id IS NOT NULL"),
        )

    op.create_table(
        "fiscal_periods",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("closed_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open','closed')", name=op.f("ck_fiscal_periods_status")),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_fiscal_periods_closed_by_users")
        ),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_fiscal_periods")),
    )
    op.create_table(
        "item_cost_methods",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "method IN ('moving_average','fifo')", name=op.f("ck_item_cost_methods_method")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_cost_methods_item_id_items")
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_cost_methods")),
    )
    op.create_table(
        "stock_values",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("last_rate", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("updated_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_values_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["locations.id"], name=op.f("fk_stock_values_place_id_locations")
        ),
        sa.PrimaryKeyConstraint("item_id", "place_id", name=op.f("pk_stock_values")),
    )
    op.create_table(
        "cost_layers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("received_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("quantity_in", sa.BigInteger(), nullable=False),
        sa.Column("quantity_left", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("value_left", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_cost_layers_item_id_items")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_cost_layers_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_cost_layers_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["locations.id"], name=op.f("fk_cost_layers_place_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_layers")),
    )
    with op.batch_alter_table("cost_layers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cost_layers_movement_id"), ["movement_id"], unique=False
        )
        batch_op.create_index("ix_cost_layers_open", ["item_id", "place_id", "id"], unique=False)

    op.create_table(
        "journal_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "posting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column(
            "reverses_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_journal_entries_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_journal_entries_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.id"], name=op.f("fk_journal_entries_posting_id_postings")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reverses_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_entries_movement_id"), ["movement_id"], unique=False
        )
        batch_op.create_index("ix_journal_entries_period", ["period", "id"], unique=False)

    op.create_table(
        "movement_values",
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_place_id", sa.Integer(), nullable=True),
        sa.Column("to_place_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("cost_source", sa.String(length=16), nullable=False),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_place_id"],
            ["locations.id"],
            name=op.f("fk_movement_values_from_place_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_movement_values_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_values_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["to_place_id"], ["locations.id"], name=op.f("fk_movement_values_to_place_id_locations")
        ),
        sa.PrimaryKeyConstraint("movement_id", name=op.f("pk_movement_values")),
    )
    with op.batch_alter_table("movement_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movement_values_item_id"), ["item_id"], unique=False)

    op.create_table(
        "journal_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debit", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("credit", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(debit = 0) <> (credit = 0)", name=op.f("ck_journal_lines_one_side")),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0", name=op.f("ck_journal_lines_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_journal_lines_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_lines_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_journal_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["locations.id"], name=op.f("fk_journal_lines_warehouse_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_lines")),
    )
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.create_index("ix_journal_lines_account", ["account_id", "entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_lines_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "layer_issues",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("layer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "movement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["cost_layers.id"], name=op.f("fk_layer_issues_layer_id_cost_layers")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_layer_issues_movement_id_movements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layer_issues")),
    )
    with op.batch_alter_table("layer_issues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_layer_issues_layer_id"), ["layer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_layer_issues_movement_id"), ["movement_id"], unique=False
        )

    _append_only_triggers()
    _seed_chart()


def downgrade():
    _drop_append_only_triggers()
    with op.batch_alter_table("layer_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_layer_issues_movement_id"))
        batch_op.drop_index(batch_op.f("ix_layer_issues_layer_id"))

    op.drop_table("layer_issues")
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_lines_entry_id"))
        batch_op.drop_index("ix_journal_lines_account")

    op.drop_table("journal_lines")
    with op.batch_alter_table("movement_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movement_values_item_id"))

    op.drop_table("movement_values")
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entries_period")
        batch_op.drop_index(batch_op.f("ix_journal_entries_movement_id"))

    op.drop_table("journal_entries")
    with op.batch_alter_table("cost_layers", schema=None) as batch_op:
        batch_op.drop_index("ix_cost_layers_open")
        batch_op.drop_index(batch_op.f("ix_cost_layers_movement_id"))

    op.drop_table("cost_layers")
    op.drop_table("stock_values")
    op.drop_table("item_cost_methods")
    op.drop_table("fiscal_periods")
    with op.batch_alter_table("account_roles", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_roles_warehouse",
            sqlite_where=sa.text("warehouse_id IS NOT NULL"),
            postgresql_where=sa.text("warehouse_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_account_roles_default",
            sqlite_where=sa.text("warehouse_id IS NULL"),
            postgresql_where=sa.text("warehouse_id IS NULL"),
        )

    op.drop_table("account_roles")
    op.drop_table("category_cost_methods")
    op.drop_table("accounts")
