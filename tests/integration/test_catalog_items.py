"""Items through the REST API: creation with packs, SKU duplicates, roles, search, paging."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from scanfloor.catalog.models import Barcode, Item, PackLevel
from scanfloor.extensions import db

GTIN13 = "4006381333931"
GTIN13_AS_14 = "04006381333931"
CASE_GTIN14 = "10012345678902"


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def create(client, headers, **body):
    body.setdefault("name", f"Item {body['sku']}")
    return client.post("/api/v1/items", json=body, headers=headers)


def test_item_is_created_with_its_packs_and_gtins_stored_as_14_digits(client, auth):
    r = create(
        client,
        auth("manager"),
        sku="abc-1",
        name="Blue widget",
        attributes={"colour": "blue"},
        packs=[
            {"level": "case", "quantity": 12, "barcodes": [CASE_GTIN14]},
            {"level": "each", "quantity": 1, "barcodes": [GTIN13, "WIDGET-BLUE"]},
        ],
    )
    assert r.status_code == 201, r.get_json()
    item = r.get_json()
    assert item["sku"] == "ABC-1"
    assert item["attributes"] == {"colour": "blue"}
    assert [(p["level"], p["quantity"]) for p in item["packs"]] == [("each", 1), ("case", 12)]
    each, case = item["packs"]
    assert {(b["code"], b["symbology"]) for b in each["barcodes"]} == {
        (GTIN13_AS_14, "gtin"),
        ("WIDGET-BLUE", "internal"),
    }
    assert [b["code"] for b in case["barcodes"]] == [CASE_GTIN14]
    fetched = client.get(f"/api/v1/items/{item['id']}", headers=auth("worker"))
    assert fetched.status_code == 200
    assert fetched.get_json() == item


def test_item_created_without_packs_gets_an_each_pack_of_one(client, auth):
    r = create(client, auth("manager"), sku="PLAIN-1")
    assert r.status_code == 201
    assert [(p["level"], p["quantity"], p["barcodes"]) for p in r.get_json()["packs"]] == [
        ("each", 1, [])
    ]
    assert r.get_json()["tracking"] == "none"
    assert r.get_json()["base_unit"] == "each"


@pytest.mark.parametrize("variant", [" abc-1", "ABC-1 ", "Abc-1", "a b c-1"])
def test_sku_differing_only_in_case_or_spaces_is_a_duplicate(client, auth, variant):
    assert create(client, auth("manager"), sku="ABC-1").status_code == 201
    r = create(client, auth("manager"), sku=variant)
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "duplicate_sku"
    assert err["details"]["existing_sku"] == "ABC-1"
    assert count(Item) == 1


def test_bad_gtin_check_digit_is_refused_and_nothing_is_created(client, auth):
    r = create(
        client,
        auth("manager"),
        sku="BAD-GTIN",
        packs=[{"level": "each", "quantity": 1, "barcodes": ["4006381333932"]}],
    )
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "invalid_barcode"
    assert "should be 1" in err["message"]
    assert (count(Item), count(PackLevel), count(Barcode)) == (0, 0, 0)


@pytest.mark.parametrize(
    "packs",
    [
        [{"level": "inner", "quantity": 12}, {"level": "case", "quantity": 6}],
        [{"level": "case", "quantity": 1}],
        [{"level": "each", "quantity": 2}],
    ],
)
def test_pack_quantities_that_do_not_rise_with_level_are_refused(client, auth, packs):
    r = create(client, auth("manager"), sku="LADDER-1", packs=packs)
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_failed"
    assert count(Item) == 0


def test_expiry_tracking_needs_lot_tracking(client, auth):
    r = create(client, auth("manager"), sku="MILK-1", expiry_tracked=True)
    assert r.status_code == 422
    ok = create(client, auth("manager"), sku="MILK-1", tracking="lot", expiry_tracked=True)
    assert ok.status_code == 201


def test_worker_may_read_items_but_not_create_them(client, auth):
    r = create(client, auth("worker"), sku="NOPE-1")
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"
    assert count(Item) == 0
    assert client.get("/api/v1/items", headers=auth("worker")).status_code == 200
    assert create(client, auth("supervisor"), sku="NOPE-1").status_code == 403
    assert create(client, auth("admin"), sku="YES-1").status_code == 201


def test_items_are_not_listed_without_signing_in(client):
    r = client.get("/api/v1/items")
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_unknown_item_is_not_found(client, auth):
    r = client.get("/api/v1/items/999999", headers=auth("worker"))
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_list_finds_an_item_by_scanned_gtin13_sku_part_or_name(client, auth):
    h = auth("manager")
    create(
        client,
        h,
        sku="TEA-GREEN",
        name="Green tea 20 bags",
        packs=[{"level": "each", "quantity": 1, "barcodes": [GTIN13_AS_14]}],
    )
    create(client, h, sku="COF-1", name="Coffee beans")

    def skus(q):
        r = client.get("/api/v1/items", query_string={"q": q}, headers=auth("worker"))
        assert r.status_code == 200
        return [i["sku"] for i in r.get_json()["items"]]

    assert skus(GTIN13) == ["TEA-GREEN"]  # scanned as 13 digits, stored as 14
    assert skus("tea-g") == ["TEA-GREEN"]
    assert skus("tea green") == []  # words in another order match neither
    assert skus("GREEN TEA") == ["TEA-GREEN"]
    assert skus("beans") == ["COF-1"]
    assert skus("6381333") == ["TEA-GREEN"]  # part of a barcode
    assert skus("%") == []  # LIKE wildcards are matched literally
    assert sorted(skus("")) == ["COF-1", "TEA-GREEN"]


def test_list_pages_by_cursor_until_the_last_page(client, auth):
    h = auth("manager")
    for n in range(5):
        assert create(client, h, sku=f"PAGE-{n}").status_code == 201
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/items", query_string=query, headers=h).get_json()
        seen += [i["sku"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"PAGE-{n}" for n in range(5)]
    assert pages == 3


@pytest.mark.parametrize("query", [{"limit": 201}, {"limit": 0}, {"cursor": "nope"}])
def test_list_refuses_a_page_size_over_200_or_a_made_up_cursor(client, auth, query):
    r = client.get("/api/v1/items", query_string=query, headers=auth("worker"))
    assert r.status_code == 422


def test_list_reads_packs_and_barcodes_in_a_fixed_number_of_queries(client, auth, app):
    h = auth("manager")

    def statements_for_list():
        seen = []

        def log(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", log)
        try:
            assert client.get("/api/v1/items?limit=200", headers=h).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", log)
        return len(seen)

    create(client, h, sku="N1-0", packs=[{"level": "case", "quantity": 6, "barcodes": ["N1-C0"]}])
    one = statements_for_list()
    for n in range(1, 8):
        create(
            client,
            h,
            sku=f"N1-{n}",
            packs=[{"level": "case", "quantity": 6, "barcodes": [f"N1-C{n}"]}],
        )
    assert statements_for_list() == one


def test_active_filter_and_soft_delete(client, auth):
    h = auth("manager")
    keep = create(client, h, sku="KEEP-1").get_json()
    gone = create(client, h, sku="GONE-1").get_json()
    r = client.delete(f"/api/v1/items/{gone['id']}", headers=h)
    assert r.status_code == 200
    assert r.get_json()["active"] is False
    assert client.get(f"/api/v1/items/{gone['id']}", headers=h).get_json()["active"] is False

    def skus(active):
        q = {"active": active}
        return [
            i["sku"]
            for i in client.get("/api/v1/items", query_string=q, headers=h).get_json()["items"]
        ]

    assert skus("true") == [keep["sku"]]
    assert skus("false") == [gone["sku"]]
    back = client.patch(f"/api/v1/items/{gone['id']}", json={"active": True}, headers=h)
    assert back.get_json()["active"] is True
    assert count(Item) == 2


def test_item_can_be_renamed_but_not_given_another_items_sku(client, auth):
    h = auth("manager")
    a = create(client, h, sku="REN-A").get_json()
    create(client, h, sku="REN-B")
    r = client.patch(f"/api/v1/items/{a['id']}", json={"sku": "ren-b "}, headers=h)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_sku"
    r = client.patch(
        f"/api/v1/items/{a['id']}",
        json={"sku": "ren-a2", "name": "Renamed", "attributes": {"k": 1}},
        headers=h,
    )
    assert r.status_code == 200
    assert (r.get_json()["sku"], r.get_json()["name"], r.get_json()["attributes"]) == (
        "REN-A2",
        "Renamed",
        {"k": 1},
    )


def test_base_unit_and_tracking_are_fixed_once_the_item_has_moved(client, auth):
    from tests.factories import make_bin, receive

    h = auth("manager")
    item = create(client, h, sku="MOVED-1").get_json()
    fresh = create(client, h, sku="FRESH-1").get_json()
    receive(db.session.get(Item, item["id"]), make_bin(), 5)

    for change in ({"base_unit": "g"}, {"tracking": "lot"}):
        r = client.patch(f"/api/v1/items/{item['id']}", json=change, headers=h)
        assert r.status_code == 409, change
        r = client.patch(f"/api/v1/items/{fresh['id']}", json=change, headers=h)
        assert r.status_code == 200, change
    assert client.get(f"/api/v1/items/{item['id']}", headers=h).get_json()["base_unit"] == "each"


def test_replayed_create_with_the_same_idempotency_key_creates_one_item(client, auth):
    h = auth("manager") | {"Idempotency-Key": "create-item-1"}
    first = create(client, h, sku="ONCE-1")
    again = create(client, h, sku="ONCE-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = create(client, h, sku="ONCE-2")
    assert other.status_code == 409
    assert count(Item) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"sku": "X-1"},
        {"sku": "X-1", "name": "n", "colour": "red"},
        {"sku": "X-1", "name": "n", "tracking": "batch"},
        {"sku": "   ", "name": "n"},
        {"sku": "X-1", "name": "   "},
        {"sku": "X-1", "name": "n", "packs": [{"level": "case", "quantity": 1.5}]},
    ],
)
def test_malformed_item_bodies_are_refused_with_422(client, auth, body):
    r = client.post("/api/v1/items", json=body, headers=auth("manager"))
    assert r.status_code == 422
    assert set(r.get_json()["error"]) == {"code", "message", "details"}
    assert count(Item) == 0
