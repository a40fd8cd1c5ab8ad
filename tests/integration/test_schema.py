"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import re
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from scanfloor.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn, warnings.catch_warnings():
        # Alembic cannot compare expression indexes (uq_balances_key); checked below.
        warnings.simplefilter("ignore")
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_one_balance_row_per_key_even_without_lot_or_container(app):
    """The unique key treats a NULL lot/container as one value (expression index)."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from tests.factories import make_bin, make_item

    item, loc = make_item(), make_bin()
    insert = text(
        "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at)"
        " VALUES (:i, :l, NULL, NULL, 1, CURRENT_TIMESTAMP)"
    )
    db.session.execute(insert, {"i": item.id, "l": loc.id})
    with pytest.raises(IntegrityError):
        db.session.execute(insert, {"i": item.id, "l": loc.id})
    db.session.rollback()


def test_openapi_describes_every_api_route(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = set(spec["paths"])
    rules = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule)
        for r in client.application.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and not r.rule.endswith("openapi.json")
    }
    assert rules <= documented, rules - documented
