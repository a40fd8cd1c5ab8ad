"""Posting, listing and reversing movements over HTTP, with Idempotency-Key."""

from __future__ import annotations

from scanfloor.ledger.verify import verify_ledger
from tests.factories import make_bin, make_item, receive


def _transfer(client, auth, item, src, dst, quantity):
    """A manager moves stock between two bins over HTTP."""
    line = {
        "item_id": item.id,
        "quantity": quantity,
        "from_location": src.id,
        "to_location": dst.id,
    }
    return client.post(
        "/api/v1/movements", headers=auth("manager"), json={"type": "transfer", "lines": [line]}
    )


def _balance(client, headers, item_id, location_id):
    r = client.get(f"/api/v1/balances?item_id={item_id}&location_id={location_id}", headers=headers)
    assert r.status_code == 200, r.get_json()
    return sum(b["quantity"] for b in r.get_json()["balances"])


def test_transfer_moves_stock_and_balances_match_the_rebuild(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 30)
    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json={
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 12, "from_location": a.code, "to_location": b.id}
            ],
        },
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["replayed"] is False
    assert body["movements"][0]["from_location_code"] == a.code
    assert _balance(client, auth("worker"), item.id, a.id) == 18
    assert _balance(client, auth("worker"), item.id, b.id) == 12
    assert verify_ledger().clean


def test_same_idempotency_key_twice_posts_once(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 10)
    payload = {
        "type": "transfer",
        "lines": [{"item_id": item.id, "quantity": 4, "from_location": a.id, "to_location": b.id}],
    }
    headers = {**auth("manager"), "Idempotency-Key": "move-abc-1"}
    first = client.post("/api/v1/movements", headers=headers, json=payload)
    second = client.post("/api/v1/movements", headers=headers, json=payload)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == {**first.get_json(), "replayed": True}
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert _balance(client, auth("worker"), item.id, a.id) == 6
    listed = client.get(
        f"/api/v1/movements?item_id={item.id}&type=transfer", headers=auth("worker")
    ).get_json()
    assert len(listed["movements"]) == 1


def test_same_idempotency_key_with_another_body_is_refused(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 10)
    headers = {**auth("manager"), "Idempotency-Key": "move-abc-2"}
    line = {"item_id": item.id, "quantity": 4, "from_location": a.id, "to_location": b.id}
    assert (
        client.post(
            "/api/v1/movements", headers=headers, json={"type": "transfer", "lines": [line]}
        ).status_code
        == 201
    )
    r = client.post(
        "/api/v1/movements",
        headers=headers,
        json={"type": "transfer", "lines": [{**line, "quantity": 5}]},
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _balance(client, auth("worker"), item.id, a.id) == 6


def test_transfer_that_would_empty_a_bin_below_zero_is_refused_whole(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 5)
    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json={
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 3, "from_location": a.id, "to_location": b.id},
                {"item_id": item.id, "quantity": 3, "from_location": a.id, "to_location": b.id},
            ],
        },
    )
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "insufficient_stock"
    assert err["details"]["requested"] == 6 and err["details"]["available"] == 5
    assert _balance(client, auth("worker"), item.id, a.id) == 5
    assert _balance(client, auth("worker"), item.id, b.id) == 0


def test_adjustment_needs_a_reason_and_goes_through_inventory_loss_gain(client, auth):
    item, a = make_item(), make_bin()
    receive(item, a, 5)
    line = {"item_id": item.id, "quantity": 2, "from_location": a.id, "to_location": "INV-ADJ"}
    r = client.post(
        "/api/v1/movements", headers=auth("manager"), json={"type": "adjustment", "lines": [line]}
    )
    assert r.status_code == 422
    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json={"type": "adjustment", "lines": [{**line, "reason_code": "damaged"}]},
    )
    assert r.status_code == 201
    assert _balance(client, auth("worker"), item.id, a.id) == 3


def test_bad_input_is_a_clear_4xx_and_changes_nothing(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 5)
    bad = [
        {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 1.5, "from_location": a.id, "to_location": b.id}
            ],
        },
        {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 0, "from_location": a.id, "to_location": b.id}
            ],
        },
        {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 1, "from_location": a.id, "to_location": a.id}
            ],
        },
        {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 1, "from_location": "NOPE", "to_location": b.id}
            ],
        },
        {
            "type": "transfer",
            "lines": [
                {"item_id": 99999, "quantity": 1, "from_location": a.id, "to_location": b.id}
            ],
        },
        {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": 1, "from_location": "VENDOR", "to_location": b.id}
            ],
        },
        {"type": "teleport", "lines": []},
        ["not", "an", "object"],
    ]
    for payload in bad:
        r = client.post("/api/v1/movements", headers=auth("manager"), json=payload)
        assert 400 <= r.status_code < 500, (payload, r.status_code)
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
    assert _balance(client, auth("worker"), item.id, a.id) == 5
    assert verify_ledger().clean


def test_reversal_restores_balances_and_happens_once(client, auth):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 10)
    moved = _transfer(client, auth, item, a, b, 7).get_json()["movements"][0]
    r = client.post(
        f"/api/v1/movements/{moved['id']}/reverse",
        headers=auth("manager"),
        json={"reason": "wrong bin"},
    )
    assert r.status_code == 201, r.get_json()
    rev = r.get_json()["movements"][0]
    assert rev["reverses_movement_id"] == moved["id"]
    assert rev["from_location_id"] == b.id and rev["to_location_id"] == a.id
    assert _balance(client, auth("worker"), item.id, a.id) == 10
    assert _balance(client, auth("worker"), item.id, b.id) == 0
    again = client.post(
        f"/api/v1/movements/{moved['id']}/reverse", headers=auth("manager"), json={}
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_reversed"
    assert verify_ledger().clean


def test_reversal_is_refused_when_the_stock_has_moved_on(client, auth):
    item, a, b, c = make_item(), make_bin(), make_bin(), make_bin()
    receive(item, a, 5)
    first = _transfer(client, auth, item, a, b, 5).get_json()["movements"][0]
    _transfer(client, auth, item, b, c, 5)
    r = client.post(f"/api/v1/movements/{first['id']}/reverse", headers=auth("manager"), json={})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "insufficient_stock"


def test_movements_list_pages_with_a_cursor(client, auth):
    item, a = make_item(), make_bin()
    for n in range(5):
        receive(item, a, 1, key=f"rcv-{n}")
    seen, cursor = [], None
    while True:
        url = f"/api/v1/movements?item_id={item.id}&limit=2" + (
            f"&cursor={cursor}" if cursor else ""
        )
        page = client.get(url, headers=auth("worker")).get_json()
        seen += [m["id"] for m in page["movements"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)


def test_balances_report_totals_physical_stock_only(client, auth):
    item, a, b = make_item(), make_bin(), make_bin(type="quarantine")
    receive(item, a, 4)
    receive(item, b, 3)
    body = client.get(f"/api/v1/balances?item_id={item.id}", headers=auth("worker")).get_json()
    assert body["totals"] == [{"item_id": item.id, "sku": item.sku, "on_hand": 7, "sellable": 4}]
    assert {x["location_code"] for x in body["balances"]} == {a.code, b.code}


def test_ledger_verify_endpoint_is_for_admins(client, auth):
    assert client.get("/api/v1/ledger/verify", headers=auth("manager")).status_code == 403
    r = client.get("/api/v1/ledger/verify", headers=auth("admin"))
    assert r.status_code == 200 and r.get_json()["clean"] is True
