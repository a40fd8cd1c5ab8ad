"""One writer, watched at the database: every statement that writes the movements or balances
tables while stock is received, put away, transferred, reversed and allocated comes from the
ledger writer, and allocating an order writes neither (reservation is not movement)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from scanfloor.allocation import channels_service
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.extensions import db
from scanfloor.ledger.service import ManualLine, post_manual_movements, reverse_movement
from scanfloor.putaway.service import PutawayScan, confirm_putaway
from scanfloor.receiving.confirmation import Confirmation
from scanfloor.receiving.receive_service import receive
from tests.factories import make_po, make_supplier
from tests.ledger_write_scan import WRITE_SQL, WRITER_MODULES
from tests.putaway_helpers import build_site, item, ledger_clean, tasks_of

Writes = list[tuple[str, str]]  # (table, module that issued the statement)


def _issuer() -> str:
    """The innermost scanfloor module on the stack, past the transaction plumbing."""
    frame = sys._getframe(1)
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name.startswith("scanfloor.") and not name.startswith("scanfloor.database"):
            return name
        frame = frame.f_back  # type: ignore[assignment]
    return "<no scanfloor frame>"


@contextmanager
def ledger_writes() -> Iterator[Callable[[], Writes]]:
    """Record every statement sent to the database that writes a ledger table; the context
    yields a function that returns (and forgets) what was recorded so far."""
    seen: Writes = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        found = WRITE_SQL.search(statement)
        if found:
            seen.append((found.group(1).lower(), _issuer()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:

        def take() -> Writes:
            out = list(seen)
            seen.clear()
            return out

        yield take
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def test_only_the_ledger_writer_writes_movements_and_balances(client, auth, users):
    site = build_site()
    it = item()
    po = make_po(make_supplier(), [(it, 12)])
    channels_service.create_channel("WEB", kind="web", name="Web shop", warehouses=["WH1"])
    db.session.commit()
    steps: dict[str, Writes] = {}

    with ledger_writes() as take:
        received = receive(
            po.id,
            Confirmation(line_id=po.lines[0].id, quantity=12, to_location=site.dock.id),
            actor_id=users["worker"].id,
            role="worker",
            key="one-writer-receive",
        )
        steps["receive"] = take()

        [task] = tasks_of(client, auth("worker"))
        take()  # signing in and listing tasks write no stock
        confirm_putaway(
            PutawayScan(task_id=task["id"], to_location=task["suggested_location"]["code"]),
            actor_id=users["worker"].id,
        )
        steps["putaway"] = take()

        moved = post_manual_movements(
            "transfer",
            [
                ManualLine(
                    item_id=it.id,
                    quantity=2,
                    from_location=task["suggested_location"]["code"],
                    to_location=site.bin("B1").id,
                )
            ],
            actor_id=users["manager"].id,
        )
        steps["transfer"] = take()

        reverse_movement(moved.movement_ids[0], actor_id=users["manager"].id, reason="typo")
        steps["reversal"] = take()

        captured = capture_order(
            OrderInput(channel="WEB", external_id="W-1", lines=[LineInput(quantity=3, sku=it.sku)])
        )
        steps["allocation"] = take()

    assert received["po_state"] == "received"
    assert captured.order.status == "allocated"
    for step in ("receive", "putaway", "transfer", "reversal"):
        assert {table for table, _ in steps[step]} == {"movements", "balances"}, step
    assert steps["allocation"] == []
    issuers = {module for writes in steps.values() for _, module in writes}
    assert issuers <= WRITER_MODULES, issuers
    assert ledger_clean()


def test_a_ledger_write_from_anywhere_else_is_caught_and_named(app):
    """The watch has teeth: a balance update sent from outside the writer (here, this test)
    is recorded with where it came from, which is not the writer."""
    with ledger_writes() as take:
        db.session.execute(text("UPDATE balances SET quantity = quantity WHERE 1 = 0"))
        db.session.rollback()
        [(table, issuer)] = take()
    assert table == "balances"
    assert issuer not in WRITER_MODULES
