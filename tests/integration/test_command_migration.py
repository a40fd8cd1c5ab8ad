"""Migration 0007 carries every kept answer into the one command store, so a scanner or an
integration replaying a key across the upgrade gets the answer it would have got before."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T0 = datetime(2026, 11, 30, 12, 0, 0)


def _t(name: str, *cols: str, **typed: Any) -> sa.TableClause:
    return sa.table(
        name, *(sa.column(c) for c in cols), *(sa.column(c, t) for c, t in typed.items())
    )


def _fill_at_0004(conn: sa.Connection) -> dict[str, Any]:
    """What 0004 kept: an HTTP answer, a movements-API answer, a receiving scan's key and
    answer on its receipt line, and a putaway scan's key on its posting."""
    ins = lambda table, **row: conn.execute(table.insert().values(**row))  # noqa: E731
    ins(_t("users", "id", "username", "display_name", "role", "pin_failures", "active",
           created_at=sa.DateTime()),
        id=7, username="w", display_name="W", role="worker", pin_failures=0, active=True,
        created_at=T0)  # fmt: skip
    ins(_t("items", "id", "sku", "sku_key", "name", "base_unit", "tracking", "expiry_tracked",
           "active", attributes=sa.JSON(), created_at=sa.DateTime()),
        id=1, sku="A", sku_key="A", name="A", base_unit="each", tracking="none",
        expiry_tracked=False, active=True, attributes={}, created_at=T0)  # fmt: skip
    loc = _t("locations", "id", "code", "name", "level", "type", "is_virtual", "sellable",
             "active")  # fmt: skip
    ins(loc, id=20, code="DOCK-1", name="Dock", level=0, type="dock", is_virtual=False,
        sellable=False, active=True)  # fmt: skip
    ins(loc, id=21, code="A-1", name="A-1", level=0, type="storage", is_virtual=False,
        sellable=True, active=True)  # fmt: skip
    ins(_t("suppliers", "id", "code", "name", "over_receipt_tolerance_pct", "active",
           created_at=sa.DateTime()),
        id=1, code="S", name="S", over_receipt_tolerance_pct=0, active=True,
        created_at=T0)  # fmt: skip
    ins(_t("purchase_orders", "id", "number", "supplier_id", "state", "blind_receipt",
           created_at=sa.DateTime()),
        id=3, number="PO-1", supplier_id=1, state="open", blind_receipt=False,
        created_at=T0)  # fmt: skip
    ins(_t("purchase_order_lines", "id", "po_id", "line_no", "item_id", "ordered", "received",
           "damaged", "unit_cost"),
        id=4, po_id=3, line_no=1, item_id=1, ordered=10, received=2, damaged=0,
        unit_cost=1)  # fmt: skip
    postings = _t("postings", "id", "movement_type", "idempotency_key", "fingerprint",
                  "actor_id", "source_type", "source_id", recorded_at=sa.DateTime())  # fmt: skip
    moves = _t("movements", "id", "posting_id", "item_id", "quantity", "from_location_id",
               "to_location_id", "movement_type", "idempotency_key", "reason_code",
               occurred_at=sa.DateTime(), recorded_at=sa.DateTime())  # fmt: skip
    ins(postings, id=100, movement_type="receipt", idempotency_key="scan-r1", fingerprint="f" * 64,
        actor_id=7, source_type="purchase_order", source_id="3", recorded_at=T0)  # fmt: skip
    ins(moves, id=200, posting_id=100, item_id=1, quantity=2, from_location_id=1,
        to_location_id=20, movement_type="receipt", idempotency_key="scan-r1#1",
        occurred_at=T0, recorded_at=T0)  # fmt: skip
    ins(postings, id=101, movement_type="putaway", idempotency_key="scan-p1", fingerprint="e" * 64,
        actor_id=7, source_type="putaway", source_id="B20", recorded_at=T0)  # fmt: skip
    ins(moves, id=201, posting_id=101, item_id=1, quantity=2, from_location_id=20,
        to_location_id=21, movement_type="putaway", idempotency_key="scan-p1#1",
        reason_code="full", occurred_at=T0, recorded_at=T0)  # fmt: skip
    ins(_t("receipts", "id", "po_id", "actor_id", business_date=sa.Date(),
           started_at=sa.DateTime(), last_at=sa.DateTime()),
        id=5, po_id=3, actor_id=7, business_date=date(2026, 11, 30), started_at=T0,
        last_at=T0)  # fmt: skip
    answer = {"receipt_line": {"quantity": 2, "expiry": None}, "po_line": {"id": 4},
              "po_state": "open", "warnings": []}  # fmt: skip
    ins(_t("receipt_lines", "id", "receipt_id", "po_line_id", "item_id", "quantity",
           "damaged_quantity", "variance", "location_id", "posting_id", "idempotency_key",
           "fingerprint", answer=sa.JSON(), created_at=sa.DateTime()),
        id=6, receipt_id=5, po_line_id=4, item_id=1, quantity=2, damaged_quantity=0, variance=0,
        location_id=20, posting_id=100, idempotency_key="scan-r1", fingerprint="a" * 64,
        answer=answer, created_at=T0)  # fmt: skip
    http = _t("idempotency_records", "key", "principal", "method", "path", "fingerprint",
              "status", "body", created_at=sa.DateTime())  # fmt: skip
    ins(http, key="item-1", principal="user:7", method="POST", path="/api/v1/items",
        fingerprint="b" * 64, status=201, body='{"id": 1}', created_at=T0)  # fmt: skip
    body = {"posting_id": 100, "replayed": False, "movements": [{"id": 200}]}
    ins(http, key="move-1", principal="user:7", method="POST", path="/api/v1/movements",
        fingerprint="c" * 64, status=201, body=json.dumps(body), created_at=T0)  # fmt: skip
    ins(http, key="scan-r1", principal="user:7", method="POST",
        path="/api/v1/purchase-orders/3/receive", fingerprint="d" * 64, status=201,
        body="{}", created_at=T0)  # fmt: skip
    return answer


def test_kept_answers_move_into_the_command_store_and_still_replay(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        with db.engine.begin() as conn:
            answer = _fill_at_0004(conn)
        upgrade(directory=MIGRATIONS, revision="heads")

        from scanfloor.commands.models import CommandRecord

        kept = {(r.caller, r.key): r for r in db.session.scalars(sa.select(CommandRecord)).all()}
        assert set(kept) == {
            ("user:7", "item-1"),
            ("user:7", "move-1"),
            ("user:7", "scan-r1"),
            ("user:7", "scan-p1"),
        }
        item = kept[("user:7", "item-1")]
        assert (item.command, item.fingerprint) == ("POST /api/v1/items", "b" * 64)
        assert item.answer == {"status": 201, "body": '{"id": 1}'}
        move = kept[("user:7", "move-1")]
        assert (move.command, move.fingerprint) == ("ledger.manual", None)
        assert move.answer == {"posting_id": 100, "movement_ids": [200]}
        scan = kept[("user:7", "scan-r1")]  # the receipt line's copy, not the HTTP one
        assert (scan.command, scan.fingerprint) == ("receiving.receive", "a" * 64)
        assert scan.answer == {**answer, "receipt_line_id": 6, "blind_receipt": False}
        put = kept[("user:7", "scan-p1")]
        assert (put.command, put.fingerprint) == ("putaway.confirm", None)
        assert put.answer == {
            "posting_id": 101,
            "movement_ids": [201],
            "task_id": "B20",
            "to_location": {"id": 21, "code": "A-1"},
            "quantity": 2,
            "overridden": True,
            "reason_code": "full",
        }
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("receipt_lines")}
        assert not columns & {"idempotency_key", "fingerprint", "answer"}
        assert not sa.inspect(db.engine).has_table("idempotency_records")

        # A movements-API key first used before the upgrade replays after it, posting nothing.
        from scanfloor.ledger.service import ManualLine, post_manual_movements

        again = post_manual_movements(
            "transfer",
            [ManualLine(item_id=1, quantity=1, from_location="DOCK-1", to_location="A-1")],
            actor_id=7,
            idempotency_key="move-1",
        )
        assert (again.posting_id, again.movement_ids, again.replayed) == (100, (200,), True)
        db.session.remove()
        db.engine.dispose()
