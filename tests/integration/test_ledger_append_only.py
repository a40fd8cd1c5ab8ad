"""Movements and postings are never updated or deleted: the database itself refuses it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scanfloor.extensions import db
from tests.ledger_helpers import assert_ledger_clean, counts, location_id, make_bin, make_item, move


@pytest.fixture
def posted(app: Any) -> dict[str, int]:
    item, bin_a = make_item(), make_bin()
    result = move(item, 7, location_id("VENDOR"), bin_a, "receipt", key="append-only-1")
    return {"movement": result.movement_ids[0], "posting": result.posting_id}


def refused(sql: str, **params: Any) -> str:
    """Run a statement that must fail; the session is rolled back; returns the error text."""
    with pytest.raises(DBAPIError) as info:
        db.session.execute(text(sql), params)
    db.session.rollback()
    message = str(info.value)
    # The refusal must come from the append-only guard, not some other constraint.
    assert "append-only" in message, message
    return message


def movement_row(movement_id: int) -> tuple[Any, ...]:
    row = db.session.execute(
        text("SELECT quantity, to_location_id, idempotency_key FROM movements WHERE id = :id"),
        {"id": movement_id},
    ).one()
    db.session.commit()
    return tuple(row)


def test_updating_a_movement_is_refused_by_the_database(posted):
    before = movement_row(posted["movement"])

    refused("UPDATE movements SET quantity = 700 WHERE id = :id", id=posted["movement"])
    refused("UPDATE movements SET reason_code = 'oops'")

    assert movement_row(posted["movement"]) == before
    assert_ledger_clean()


def test_deleting_a_movement_is_refused_by_the_database(posted):
    before = counts()

    refused("DELETE FROM movements WHERE id = :id", id=posted["movement"])
    refused("DELETE FROM movements")

    assert counts() == before
    assert movement_row(posted["movement"])[0] == 7
    assert_ledger_clean()


def test_updating_or_deleting_a_posting_is_refused_by_the_database(posted):
    before = counts()

    refused("UPDATE postings SET idempotency_key = 'other' WHERE id = :id", id=posted["posting"])
    refused("DELETE FROM postings WHERE id = :id", id=posted["posting"])
    refused("DELETE FROM postings")

    assert counts() == before
    key = db.session.scalar(
        text("SELECT idempotency_key FROM postings WHERE id = :id"), {"id": posted["posting"]}
    )
    assert key == "system/append-only-1"  # keys are scoped by caller (no actor: system)


def test_truncating_the_ledger_is_refused_on_postgresql(posted, backend):
    if backend != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement (SQLite has only DELETE, refused above)")
    before = counts()

    # CASCADE: finance's tables reference movements, and without it PostgreSQL refuses on
    # that foreign key before any trigger runs; with it the append-only guard must refuse.
    refused("TRUNCATE movements CASCADE")
    refused("TRUNCATE postings CASCADE")

    assert counts() == before
    assert_ledger_clean()
