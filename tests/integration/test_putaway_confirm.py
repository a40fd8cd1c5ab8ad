"""Confirming a putaway posts dock -> bin through the ledger; every refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.auth.models import User
from scanfloor.catalog.models import Container
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement, Posting
from tests.putaway_helpers import (
    build_site,
    item,
    ledger_clean,
    on_hand,
    pallet,
    receive,
    snapshot,
    tasks_of,
)

CONFIRM = "/api/v1/putaway/confirm"


def confirm(client: Any, headers: dict[str, str], key: str | None = None, **body: Any) -> Any:
    h = dict(headers)
    if key is not None:
        h["Idempotency-Key"] = key
    return client.post(CONFIRM, json=body, headers=h)


def error_code(resp: Any) -> str:
    return str(resp.get_json()["error"]["code"])


@pytest.fixture
def dock_stock(app: Any) -> tuple[Any, Any]:
    """12 of a new item on the dock; bin A-1 already holds the item, so it is suggested."""
    site = build_site(capacities={"A2": 5})
    it = item(barcode="4006381333931")
    receive(it.id, site.bin("A1").id, 3)
    receive(it.id, site.dock.id, 12)
    return site, it


def test_confirming_to_the_suggested_bin_moves_the_stock_off_the_dock(client, auth, dock_stock):
    site, it = dock_stock
    [task] = tasks_of(client, auth("worker"))
    assert task["suggested_location"]["code"] == "A-1"

    r = confirm(client, auth("worker"), key="scan-1", task_id=task["id"], to_location="A-1")

    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["to_location"] == {"id": site.bin("A1").id, "code": "A-1"}
    assert body["overridden"] is False
    assert body["remaining_quantity"] == 0
    assert body["quantity"] == 12
    assert on_hand(it.id, site.dock.id) == 0
    assert on_hand(it.id, site.bin("A1").id) == 15
    [mv] = db.session.scalars(select(Movement).where(Movement.id.in_(body["movement_ids"])))
    assert (mv.movement_type, mv.source_type, mv.source_id) == ("putaway", "putaway", task["id"])
    assert (mv.from_location_id, mv.to_location_id, mv.quantity) == (
        site.dock.id,
        mv.to_location_id,
        12,
    )
    assert mv.reason_code is None
    assert mv.actor_id is not None
    assert ledger_clean()
    assert tasks_of(client, auth("worker")) == []


def test_a_bin_barcode_scanned_with_scanner_prefix_and_case_still_resolves(
    client, auth, dock_stock
):
    site, it = dock_stock
    [task] = tasks_of(client, auth("worker"))
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="]C0a-1")
    assert r.status_code == 201, r.get_json()
    assert on_hand(it.id, site.bin("A1").id) == 15


def test_part_of_the_loose_stock_can_be_put_away_and_the_rest_stays_a_task(
    client, auth, dock_stock
):
    site, it = dock_stock
    [task] = tasks_of(client, auth("worker"))

    r = confirm(client, auth("worker"), task_id=task["id"], to_location="A-1", quantity=5)

    assert r.status_code == 201
    assert r.get_json()["remaining_quantity"] == 7
    [left] = tasks_of(client, auth("worker"))
    assert (left["id"], left["quantity"]) == (task["id"], 7)
    assert on_hand(it.id, site.bin("A1").id) == 8
    assert ledger_clean()


def test_another_bin_is_refused_without_a_reason_and_taken_with_one(client, auth, dock_stock):
    site, it = dock_stock
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()

    r = confirm(client, auth("worker"), task_id=task["id"], to_location="B-1")

    assert r.status_code == 422
    assert error_code(r) == "override_reason_required"
    assert r.get_json()["error"]["details"]["suggested_location"]["code"] == "A-1"
    assert snapshot() == before

    r = confirm(
        client,
        auth("worker"),
        task_id=task["id"],
        to_location="B-1",
        override_reason="closer to dock",
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["overridden"] is True
    assert r.get_json()["reason_code"] == "closer to dock"
    mv = db.session.get(Movement, r.get_json()["movement_ids"][0])
    assert mv.reason_code == "closer to dock"
    assert on_hand(it.id, site.bin("B1").id) == 12
    assert ledger_clean()


def test_a_cached_suggestion_that_still_follows_the_rules_needs_no_reason(client, auth, app):
    """The scanner showed B-1 (empty, the item's zone); meanwhile another item went into
    A-1... the live suggestion may differ, but B-1 is still a rule-following bin."""
    site = build_site()
    it = item(zone="B")
    receive(it.id, site.dock.id, 4)
    [task] = tasks_of(client, auth("worker"))
    shown = task["suggested_location"]
    assert shown["code"] == "B-1"
    receive(it.id, site.bin("B2").id, 1)  # now B-2 holds the item: the live suggestion moves
    [now] = tasks_of(client, auth("worker"))
    assert now["suggested_location"]["code"] == "B-2"

    r = confirm(
        client,
        auth("worker"),
        task_id=task["id"],
        to_location="B-1",
        suggested_location_id=shown["id"],
    )

    assert r.status_code == 201, r.get_json()
    assert r.get_json()["overridden"] is False


def test_a_whole_pallet_moves_with_one_scan_and_goes_where_its_stock_went(client, auth):
    site = build_site()
    a, b = item(), item()
    lpn = pallet(site.dock.id, "LPN-PA-1")
    receive(a.id, site.dock.id, 5, container_id=lpn.id)
    receive(b.id, site.dock.id, 7, container_id=lpn.id)
    [task] = tasks_of(client, auth("worker"))
    target = task["suggested_location"]

    r = confirm(client, auth("worker"), task_id=task["id"], to_location=target["code"])

    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert len(body["movement_ids"]) == 2
    assert body["remaining_quantity"] == 0
    moves = db.session.scalars(select(Movement).where(Movement.id.in_(body["movement_ids"]))).all()
    assert len({m.posting_id for m in moves}) == 1
    assert all(m.from_container_id == m.to_container_id == lpn.id for m in moves)
    assert on_hand(a.id, target["id"], lpn.id) == 5
    assert on_hand(b.id, target["id"], lpn.id) == 7
    assert on_hand(a.id, site.dock.id, lpn.id) == 0
    db.session.expire_all()
    assert db.session.get(Container, lpn.id).location_id == target["id"]
    assert ledger_clean()
    assert tasks_of(client, auth("worker")) == []


def test_a_pallet_cannot_be_split_by_giving_a_quantity(client, auth):
    site = build_site()
    a = item()
    lpn = pallet(site.dock.id)
    receive(a.id, site.dock.id, 5, container_id=lpn.id)
    before = snapshot()

    r = confirm(client, auth("worker"), task_id=f"c-{lpn.id}", to_location="A-1", quantity=2)

    assert r.status_code == 422
    assert snapshot() == before


def test_a_bin_without_room_is_refused_with_its_numbers(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()

    r = confirm(
        client, auth("worker"), task_id=task["id"], to_location="A-2", override_reason="nearer"
    )

    assert r.status_code == 409
    assert error_code(r) == "bin_full"
    details = r.get_json()["error"]["details"]
    assert (details["capacity"], details["on_hand"], details["requested"]) == (5, 0, 12)
    assert snapshot() == before


def test_an_unknown_barcode_is_refused(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="NO-SUCH-BIN")
    assert r.status_code == 404
    assert error_code(r) == "unknown_barcode"
    assert snapshot() == before


def test_an_item_barcode_where_a_bin_was_expected_is_refused(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="4006381333931")
    assert r.status_code == 422
    assert error_code(r) == "not_a_location"
    assert snapshot() == before


@pytest.mark.parametrize("where", ["dock", "quarantine", "other_warehouse", "virtual"])
def test_a_place_that_does_not_take_putaway_is_the_wrong_location(client, auth, where):
    site = build_site()
    far = build_site(prefix="X")
    it = item()
    receive(it.id, site.dock.id, 2)
    [task] = tasks_of(client, auth("worker"))
    scanned = {
        "dock": site.dock.code,
        "quarantine": site.bin("QUAR").code,
        "other_warehouse": far.bin("A1").code,
        "virtual": "VENDOR",
    }[where]
    before = snapshot()

    r = confirm(
        client, auth("worker"), task_id=task["id"], to_location=scanned, override_reason="try"
    )

    assert r.status_code == 422, r.get_json()
    assert error_code(r) == "wrong_location"
    assert snapshot() == before


def test_a_task_whose_stock_has_gone_is_stale(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    assert (
        confirm(
            client, auth("worker"), key="k-1", task_id=task["id"], to_location="A-1"
        ).status_code
        == 201
    )
    before = snapshot()

    r = confirm(client, auth("worker"), key="k-2", task_id=task["id"], to_location="A-1")

    assert r.status_code == 409
    assert error_code(r) == "task_stale"
    assert snapshot() == before


def test_more_than_is_on_the_dock_is_refused_by_the_ledger(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="A-1", quantity=13)
    assert r.status_code == 409
    assert error_code(r) == "insufficient_stock"
    assert snapshot() == before


def test_a_repeated_scan_posts_once_by_header_or_by_client_scan_id(client, auth, dock_stock):
    site, it = dock_stock
    [task] = tasks_of(client, auth("worker"))
    body = {"task_id": task["id"], "to_location": "A-1", "quantity": 4}

    first = confirm(client, auth("worker"), key="hdr-1", **body)
    again = confirm(client, auth("worker"), key="hdr-1", **body)
    assert first.status_code == again.status_code == 201
    # The same answer, now saying it is a replay (header and body, whichever key was used).
    assert again.get_json() == {**first.get_json(), "replayed": True}
    assert again.headers.get("Idempotent-Replayed") == "true"

    by_body = confirm(client, auth("worker"), client_scan_id="scan-77", **body)
    replay = confirm(client, auth("worker"), client_scan_id="scan-77", **body)
    assert by_body.status_code == replay.status_code == 201
    assert replay.get_json()["movement_ids"] == by_body.get_json()["movement_ids"]
    assert replay.get_json()["replayed"] is True

    assert on_hand(it.id, site.dock.id) == 4
    keys = db.session.scalars(
        select(Posting.idempotency_key).where(Posting.movement_type == "putaway")
    ).all()
    # Keys are scoped by caller (commands/): the posting carries the worker's scoped key.
    worker_id = db.session.scalar(select(User.id).where(User.username == "worker"))
    assert sorted(keys) == [f"user:{worker_id}/hdr-1", f"user:{worker_id}/scan-77"]
    other = confirm(client, auth("worker"), client_scan_id="scan-77", **{**body, "quantity": 1})
    assert other.status_code == 409
    assert error_code(other) == "idempotency_key_reused"


def test_a_worker_may_confirm_and_a_stranger_may_not(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    before = snapshot()
    r = client.post(CONFIRM, json={"task_id": task["id"], "to_location": "A-1"})
    assert r.status_code == 401
    assert snapshot() == before
    assert confirm(client, auth("worker"), task_id=task["id"], to_location="A-1").status_code == 201
