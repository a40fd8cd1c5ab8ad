"""The ledger's hash chain: an untouched ledger verifies clean; a movement rewritten by
someone with database access (triggers disabled first) is found, by id, at the first link
it breaks. And SQLite's INSERT OR REPLACE cannot rewrite a movement past the triggers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.ledger.chain import GENESIS
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.service import reverse_movement
from scanfloor.ledger.verify import verify_ledger
from scanfloor.ledger.writer import post
from tests.ledger_helpers import location_id, make_bin, make_item, move


@pytest.fixture
def ledger(app: Any) -> dict[str, Any]:
    """Four movements: a receipt, a two-line transfer with a cost, and a reversal."""
    item, bin_a, bin_b = make_item(), make_bin(), make_bin()
    received = move(item, 10, location_id("VENDOR"), bin_a, "receipt", key="chain-1")
    lines = tuple(
        MovementLine(
            item_id=item,
            quantity=q,
            from_location_id=bin_a,
            to_location_id=bin_b,
            unit_cost=Decimal("123456789012.123456"),
        )
        for q in (2, 3)
    )
    moved = post(PostingRequest(movement_type="transfer", lines=lines, idempotency_key="chain-2"))
    reversed_ = reverse_movement(moved.movement_ids[1], idempotency_key="chain-3")
    ids = [*received.movement_ids, *moved.movement_ids, *reversed_.movement_ids]
    db.session.commit()
    return {"ids": ids, "item": item}


def _cli(app: Any, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_an_untouched_ledger_verifies_clean_link_by_link(app, ledger):
    report = verify_ledger()
    assert report.clean, report.lines()
    assert report.chain_checked == 4
    assert ledger["ids"] == sorted(ledger["ids"])
    head = db.session.execute(text("SELECT last_movement_id, last_hash FROM ledger_chain")).one()
    assert (head.last_movement_id, head.last_hash) == (ledger["ids"][-1], report.chain_head)
    assert report.chain_head != GENESIS
    result = _cli(app, "ledger", "verify")
    assert result.exit_code == 0 and "0 differences" in result.output, result.output


def _tamper(backend: str, sql: str, **params: Any) -> None:
    """What an attacker with the database file or a superuser login can do."""
    if backend == "sqlite":
        for trigger in ("movements_no_update", "movements_no_delete", "movements_no_replace"):
            db.session.execute(text(f"DROP TRIGGER {trigger}"))
    else:
        db.session.execute(text("ALTER TABLE movements DISABLE TRIGGER ALL"))
    db.session.execute(text(sql), params)
    db.session.commit()


def test_a_rewritten_quantity_is_reported_at_its_movement(app, ledger, backend, auth):
    second = ledger["ids"][1]
    _tamper(backend, "UPDATE movements SET quantity = 1 WHERE id = :id", id=second)

    report = verify_ledger()
    assert report.broken_link is not None
    assert report.broken_link.movement_id == second
    assert report.broken_link.stored != report.broken_link.expected
    assert f"hash chain broken at movement={second}" in "\n".join(report.lines())
    result = _cli(app, "ledger", "verify")
    assert result.exit_code == 1 and f"movement={second}" in result.output
    body = app.test_client().get("/api/v1/ledger/verify", headers=auth("admin")).get_json()
    assert body["clean"] is False
    assert body["chain"]["broken_link"]["movement_id"] == second


def test_a_movement_replaced_whole_is_reported_at_its_id(app, ledger, backend):
    if backend != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's (PostgreSQL: the rewrite test above)")
    first = ledger["ids"][0]
    columns = "id, posting_id, item_id, quantity, from_location_id, to_location_id, " + (
        "movement_type, idempotency_key, occurred_at, recorded_at, chain_hash"
    )
    _tamper(
        backend,
        f"INSERT OR REPLACE INTO movements ({columns}) SELECT {columns.replace('quantity', '99')}"
        " FROM movements WHERE id = :id",
        id=first,
    )
    report = verify_ledger()
    assert report.broken_link is not None and report.broken_link.movement_id == first


def test_a_movement_removed_from_the_end_is_reported_at_the_chain_head(app, ledger, backend):
    _tamper(backend, "DELETE FROM movements WHERE id = :id", id=ledger["ids"][-1])
    report = verify_ledger()
    assert report.broken_link is not None
    assert report.broken_link.movement_id is None
    assert "hash chain broken at chain head" in "\n".join(report.lines())


def test_a_movement_inserted_behind_the_writer_is_reported(app, ledger):
    db.session.execute(
        text(
            "INSERT INTO movements (posting_id, item_id, quantity, from_location_id, "
            "to_location_id, movement_type, occurred_at, recorded_at) "
            "SELECT posting_id, item_id, 1, from_location_id, to_location_id, movement_type, "
            "occurred_at, recorded_at FROM movements WHERE id = :id"
        ),
        {"id": ledger["ids"][0]},
    )
    db.session.commit()
    report = verify_ledger()
    assert report.broken_link is not None and report.broken_link.stored is None
    assert report.broken_link.movement_id is not None
    assert report.broken_link.movement_id > ledger["ids"][-1]


def _refused(sql: str, **params: Any) -> str:
    with pytest.raises(DBAPIError) as info:
        db.session.execute(text(sql), params)
    db.session.rollback()
    message = str(info.value)
    assert "append-only" in message, message
    return message


def test_insert_or_replace_cannot_rewrite_a_movement_or_posting_on_sqlite(app, ledger, backend):
    if backend != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    first = ledger["ids"][0]
    copy = (
        "INSERT OR REPLACE INTO movements (id, posting_id, item_id, quantity, from_location_id,"
        " to_location_id, movement_type, idempotency_key, occurred_at, recorded_at)"
        " SELECT {id}, posting_id, item_id, 99, from_location_id, to_location_id,"
        " movement_type, {key}, occurred_at, recorded_at FROM movements WHERE id = :id"
    )
    _refused(copy.format(id="id", key="idempotency_key"), id=first)  # same id
    _refused(copy.format(id="NULL", key="idempotency_key"), id=first)  # same unique key
    _refused(
        "INSERT OR REPLACE INTO postings (id, movement_type, recorded_at) "
        "SELECT id, 'adjustment', recorded_at FROM postings"
    )
    report = verify_ledger()
    assert report.clean, report.lines()


def test_on_conflict_do_update_cannot_rewrite_a_movement_on_postgresql(app, ledger, backend):
    if backend != "postgresql":
        pytest.skip("SQLite's upsert is checked by the same UPDATE trigger (test above)")
    _refused(
        "INSERT INTO movements (id, posting_id, item_id, quantity, from_location_id,"
        " to_location_id, movement_type, occurred_at, recorded_at)"
        " SELECT id, posting_id, item_id, 99, from_location_id, to_location_id, movement_type,"
        " occurred_at, recorded_at FROM movements WHERE id = :id"
        " ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity",
        id=ledger["ids"][0],
    )
    report = verify_ledger()
    assert report.clean, report.lines()
