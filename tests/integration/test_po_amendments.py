"""Amending a purchase order over HTTP on SQLite and PostgreSQL: each amendment keeps its
history and re-sends a sent PO; an approved one goes back to draft; a draft's lines are
edited freely; every refusal changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.extensions import db
from scanfloor.purchasing.suggestion_models import SuggestionLine, SuggestionRun
from tests.po_lifecycle_helpers import (
    PO_URL,
    act,
    build_site,
    create,
    messages,
    ok,
    receive,
    refused,
    sent_po,
    snapshot,
)


@pytest.fixture
def site(app: Any) -> Any:
    app.config.update(SCANFLOOR_OUTBOX_KICK=False)
    return build_site()


def test_an_amendment_keeps_history_and_re_sends_the_po(client, auth, site, users):
    po = sent_po(client, auth, site, [("WIDGET", 24, "2.00"), ("GADGET", 5, "10")])
    body = {
        "reason": "supplier price change",
        "lines": [
            {"line_no": 1, "quantity": 36, "unit_cost": "1.90"},
            {"sku": "GADGET", "quantity": 2, "unit_cost": "9.00", "expected_date": "2026-08-01"},
        ],
        "remove": [2],
    }
    amended = ok(act(client, auth, "supervisor", po["id"], "amend", **body))
    assert (amended["state"], amended["revision"]) == ("sent", 1)
    assert [(ln["line_no"], ln["item"]["sku"], ln["ordered"]) for ln in amended["lines"]] == [
        (1, "WIDGET", 36),
        (3, "GADGET", 2),
    ]
    history = ok(client.get(f"{PO_URL}/{po['id']}/amendments", headers=auth("supervisor")))
    [first] = history["amendments"]
    assert (first["revision"], first["reason"]) == (1, "supplier price change")
    assert first["actor"]["id"] == users["supervisor"].id
    assert first["changes"] == [
        {"line_no": 1, "field": "quantity", "old": 24, "new": 36},
        {"line_no": 1, "field": "unit_cost", "old": "2.00", "new": "1.90"},
        {
            "line_no": 2,
            "field": "line",
            "old": {"quantity": 5, "unit_cost": "10.00", "expected_date": None},
            "new": None,
        },
        {
            "line_no": 3,
            "field": "line",
            "old": None,
            "new": {
                "sku": "GADGET",
                "quantity": 2,
                "unit_cost": "9.00",
                "expected_date": "2026-08-01",
            },
        },
    ]
    resent = messages()[-1]
    assert resent.topic == "purchase_order.amended"
    assert (resent.payload["po"]["revision"], resent.payload["po"]["total"]) == (1, "86.40")
    assert resent.payload["amendment"]["changes"] == first["changes"]

    ok(
        act(
            client,
            auth,
            "supervisor",
            po["id"],
            "amend",
            reason="later",
            lines=[{"line_no": 3, "expected_date": None}],
        )
    )
    history = ok(client.get(f"{PO_URL}/{po['id']}/amendments", headers=auth("supervisor")))
    assert [a["revision"] for a in history["amendments"]] == [1, 2]
    assert history["amendments"][1]["changes"] == [
        {"line_no": 3, "field": "expected_date", "old": "2026-08-01", "new": None}
    ]


def test_an_amendment_never_orders_less_than_received_and_refusals_change_nothing(
    client, auth, site
):
    po = sent_po(client, auth, site, [("WIDGET", 24, "2.00"), ("GADGET", 5, "10")])
    receive(client, auth, po, 1, 10, site.dock)
    before = snapshot(po["id"])
    amend = lambda **b: act(client, auth, "supervisor", po["id"], "amend", reason="x", **b)  # noqa: E731
    refused(amend(lines=[{"line_no": 1, "quantity": 9}]), 409, "below_received")
    refused(amend(remove=[1]), 409, "line_received")
    refused(amend(lines=[{"line_no": 9, "quantity": 1}]), 404, "not_found")
    refused(amend(lines=[{"line_no": 2, "quantity": 5}]), 422, "nothing_to_amend")
    refused(amend(lines=[{"line_no": 2, "quantity": 1}], remove=[2]), 422, "validation_failed")
    refused(amend(lines=[{"sku": "NOPE", "quantity": 1, "unit_cost": "1"}]), 404, "not_found")
    assert snapshot(po["id"]) == before
    # Cutting the open line to nothing more than received completes the PO.
    done = ok(amend(lines=[{"line_no": 1, "quantity": 10}], remove=[2]))
    assert (done["state"], done["revision"]) == ("received", 1)


def test_amending_an_approved_po_sends_it_back_to_draft_for_approval(client, auth, site):
    po = create(client, auth, "ACME", [("WIDGET", 12, "2")])
    ok(act(client, auth, "supervisor", po["id"], "approve"))
    back = ok(
        act(
            client,
            auth,
            "supervisor",
            po["id"],
            "amend",
            reason="more",
            lines=[{"line_no": 1, "quantity": 24}],
        )
    )
    assert (back["state"], back["approved_by"], back["revision"]) == ("draft", None, 1)
    assert messages() == []  # never sent: the supplier has nothing to be told
    refused(act(client, auth, "supervisor", po["id"], "send"), 409, "invalid_state")
    ok(act(client, auth, "supervisor", po["id"], "approve"))
    assert ok(act(client, auth, "supervisor", po["id"], "send"))["lines"][0]["ordered"] == 24


def test_a_draft_line_is_edited_freely_and_an_approved_one_is_not(client, auth, site):
    po = create(client, auth, "ACME", [("WIDGET", 12, "2")])
    url = f"{PO_URL}/{po['id']}/lines/1"
    edited = ok(
        client.patch(url, headers=auth("supervisor"), json={"quantity": 30, "unit_cost": "1.5"})
    )
    assert (edited["lines"][0]["ordered"], edited["lines"][0]["unit_cost"], edited["value"]) == (
        30,
        "1.50",
        "45.00",
    )
    assert edited["revision"] == 1  # edited by a person: a suggestion run leaves it alone
    assert ok(client.get(f"{PO_URL}/{po['id']}/amendments", headers=auth("supervisor"))) == {
        "amendments": []
    }
    refused(
        client.patch(
            f"{PO_URL}/{po['id']}/lines/7", headers=auth("supervisor"), json={"quantity": 1}
        ),
        404,
        "not_found",
    )
    ok(act(client, auth, "supervisor", po["id"], "approve"))
    before = snapshot(po["id"])
    refused(
        client.patch(url, headers=auth("supervisor"), json={"quantity": 1}), 409, "invalid_state"
    )
    assert snapshot(po["id"]) == before


def test_removing_a_suggested_line_keeps_the_suggestion_without_its_line(client, auth, site):
    po = sent_po(client, auth, site, [("WIDGET", 24, "2.00"), ("GADGET", 5, "10")])
    run = SuggestionRun(trigger="api", as_of=date(2026, 6, 1), history_days=365)
    db.session.add(run)
    db.session.flush()
    db.session.add(
        SuggestionLine(
            run_id=run.id,
            item_id=site.gadget.id,
            warehouse_id=site.wh.id,
            supplier_id=site.supplier.id,
            policy="min_max",
            outcome="ordered",
            quantity=5,
            on_hand=0,
            open_po=0,
            in_transit=0,
            reserved=0,
            backordered=0,
            position=0,
            demand_source="none",
            demand_per_day=Decimal(0),
            demand_sd=Decimal(0),
            lead_time_days=Decimal(14),
            lead_time_sd=Decimal(0),
            lead_time_source="promised",
            steps=[],
            po_line_id=po["lines"][1]["id"],
        )
    )
    db.session.commit()
    ok(act(client, auth, "supervisor", po["id"], "amend", reason="not this one", remove=[2]))
    db.session.rollback()
    suggestion = db.session.query(SuggestionLine).one()
    assert (suggestion.outcome, suggestion.po_line_id) == ("ordered", None)
