"""The hash chain's pure half: what a movement's link covers, and that it covers it exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.ledger.chain import FIELDS, GENESIS, canonical, cost_as_stored, link_hash


def movement(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 41,
        "posting_id": 7,
        "item_id": 3,
        "lot_id": None,
        "quantity": 12,
        "from_location_id": 1,
        "from_container_id": None,
        "to_location_id": 9,
        "to_container_id": 4,
        "movement_type": "receipt",
        "reason_code": None,
        "actor_id": 2,
        "device_id": "HH-04",
        "source_type": "receipt",
        "source_id": "R-1",
        "idempotency_key": "scan-1#1",
        "unit_cost": Decimal("1.250000"),
        "reverses_movement_id": None,
        "occurred_at": datetime(2026, 12, 6, 17, 0, 0, 123456, tzinfo=UTC),
        "recorded_at": datetime(2026, 12, 6, 17, 0, 1, tzinfo=UTC),
    }
    row.update(changes)
    return row


def test_the_same_movement_gives_the_same_link():
    assert link_hash(GENESIS, movement()) == link_hash(GENESIS, movement())
    assert len(link_hash(GENESIS, movement())) == 64


@pytest.mark.parametrize("name", FIELDS)
def test_changing_any_field_breaks_the_link(name):
    row = movement()
    value = row[name]
    if isinstance(value, datetime):
        changed: Any = value + timedelta(microseconds=1)
    elif isinstance(value, Decimal):
        changed = value + Decimal("0.000001")
    elif isinstance(value, int):
        changed = value + 1
    elif isinstance(value, str):
        changed = value + "x"
    else:
        changed = 5  # None -> a value
    assert link_hash(GENESIS, movement(**{name: changed})) != link_hash(GENESIS, row)


def test_a_link_depends_on_the_previous_link():
    first = link_hash(GENESIS, movement(id=1))
    assert link_hash(first, movement(id=2)) != link_hash(GENESIS, movement(id=2))


def test_a_missing_value_and_an_empty_string_are_different_movements():
    assert canonical(movement(reason_code=None)) != canonical(movement(reason_code=""))


def test_a_time_hashes_the_same_whatever_zone_it_is_given_in():
    utc = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=1)))
    naive_utc = utc.replace(tzinfo=None)  # how PostgreSQL hands it back through a raw read
    assert {canonical(movement(occurred_at=t)) for t in (utc, paris, naive_utc)} == {
        canonical(movement(occurred_at=utc))
    }


def test_a_cost_hashes_as_the_six_places_the_column_keeps():
    # SQLite keeps Numeric(18, 6) as a double and hands back 6 places; PostgreSQL exactly.
    written = Decimal("123456789012.123456")
    read_back_from_sqlite = Decimal("123456789012.123459")
    assert canonical(movement(unit_cost=written)) == canonical(
        movement(unit_cost=read_back_from_sqlite)
    )
    assert cost_as_stored(Decimal("0.1234567")) == Decimal("0.123457")
    assert canonical(movement(unit_cost=Decimal("1.25"))) == canonical(movement())


def test_a_value_the_database_cannot_hold_is_refused_not_hashed():
    with pytest.raises(TypeError):
        canonical(movement(quantity=1.5))
    with pytest.raises(TypeError):
        canonical(movement(quantity=True))
