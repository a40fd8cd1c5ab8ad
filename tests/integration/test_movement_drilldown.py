"""Drilling into one movement (issue 14): GET /api/v1/movements/<id> says who posted it (name
and role), from which device and when, the other lines of its posting, what reverses it or
what it reverses, its source document (with the console's page where there is one) and the
approvals the app recorded for that document: the supervisor who approved an over-receipt,
the counter, recounter and approver of a count with the approval's reason code, the inspector
of a return, the manager behind a manual posting or a reversal. Nothing else is invented.
Supervisors and above and finance read it; a worker is refused; an unknown id is a 404 in the
one error shape. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from scanfloor.auth.service import create_user
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from tests.counting_helpers import (
    classify,
    costed_item,
    count_floor,
    count_task,
    count_to_approval,
    decide,
    task_row,
)
from tests.factories import make_bin, make_item, make_po, make_supplier, receive
from tests.returns_helpers import (
    capture,
    grant,
    inspect,
    receive_scan,
    return_site,
    scanned_item,
    shipped_order,
)

BADGE, PIN = "BADGE-DD-1", "8642"


def _detail(client: Any, headers: dict[str, str], movement_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/movements/{movement_id}", headers=headers)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


def _moves(source_type: str, source_id: Any) -> list[Movement]:
    db.session.rollback()
    found = db.session.scalars(
        select(Movement)
        .where(Movement.source_type == source_type, Movement.source_id == str(source_id))
        .order_by(Movement.id)
    ).all()
    assert found, (source_type, source_id)
    return list(found)


def _steps(detail: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [
        (a["step"], a["by"]["username"] if a["by"] else None, a["by"]["role"] if a["by"] else None)
        for a in detail["approvals"]
    ]


def _manual(client: Any, auth: Any, kind: str, lines: list[dict[str, Any]], **extra: Any) -> Any:
    r = client.post(
        "/api/v1/movements", headers=auth("manager"), json={"type": kind, "lines": lines, **extra}
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_receipt_names_the_receiver_the_po_and_the_supervisor_who_approved_the_excess(
    client, auth, users
):
    boss = create_user(username="sam", role="supervisor", badge=BADGE, pin=PIN)
    item = make_item()
    make_bin("DD-DOCK", type="dock")
    po = make_po(make_supplier(), [(item, 10)])
    body = {"item_id": item.id, "quantity": 11, "to_location": "DD-DOCK",
            "device_id": "HH-7", "approval": {"badge": BADGE, "pin": PIN}}  # fmt: skip
    r = client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers={**auth("worker"), "Idempotency-Key": "dd-receive-1"},
        json=body,
    )
    assert r.status_code == 201, r.get_json()
    [move] = _moves("purchase_order", po.id)

    got = _detail(client, auth("supervisor"), move.id)

    # The movement as the ledger lists it, and who, which device, when.
    assert (got["id"], got["sku"], got["quantity"]) == (move.id, item.sku, 11)
    assert (got["from_location_code"], got["to_location_code"]) == ("VENDOR", "DD-DOCK")
    assert got["item_name"] == item.name
    assert got["actor"] == {"id": users["worker"].id, "username": "worker",
                            "display_name": "Worker", "role": "worker"}  # fmt: skip
    assert got["device_id"] == "HH-7"
    assert got["occurred_at"] and got["recorded_at"]
    # The PO it was received against, its page, and the receipt it belongs to.
    source = got["source"]
    assert (source["type"], source["id"]) == ("purchase_order", str(po.id))
    assert po.number in source["label"]
    assert source["console_url"] == f"/console/purchase-orders/{po.id}"
    assert [d["type"] for d in source["related"]] == ["receipt"]
    assert source["related"][0]["console_url"] is None
    # The over-receipt's approver, as the receipt line recorded them.
    approved = [a for a in got["approvals"] if a["step"] == "over_receipt_approved"]
    assert len(approved) == 1
    assert approved[0]["by"]["id"] == boss.id and approved[0]["by"]["role"] == "supervisor"
    assert "1 unit beyond" in approved[0]["what"]
    # One line, not reversed, not a reversal.
    assert (got["posting"]["line_count"], got["posting"]["movements"]) == (1, [])
    assert got["reversal"] == {"reversed_by": None, "reverses": None}


def test_a_count_adjustment_names_the_counter_the_recounter_and_the_approver(
    app, client, users, auth
):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    count_to_approval(cf, client, task_id, "A-1", it.each_barcode, 6, 6)
    decided = decide(cf, client, task_id, "supervisor2", reason_code="damaged_found",
                     note="four broken in the bin")  # fmt: skip
    assert decided.status == 200, decided.body
    [move] = _moves("count_task", task_id)
    assert move.posting_id == task_row(task_id).posting_id

    got = _detail(client, cf.auth("manager"), move.id)

    assert (got["movement_type"], got["quantity"]) == ("count", 4)
    assert got["actor"]["username"] == "supervisor2"  # the approval posted it
    assert got["source"]["type"] == "count_task" and got["source"]["id"] == str(task_id)
    assert cf.bin("A-1").code in got["source"]["label"]
    assert got["source"]["console_url"] is None  # no page per count task
    assert _steps(got) == [
        ("counted", "worker", "worker"),
        ("recounted", "worker2", "worker"),
        ("variance_approved", "supervisor2", "supervisor"),
    ]
    decision = got["approvals"][-1]
    assert decision["reason_code"] == "damaged_found"
    assert decision["note"] == "four broken in the bin"
    assert all(a["at"] for a in got["approvals"])
    assert got["approvals"][0]["at"] <= got["approvals"][1]["at"] <= got["approvals"][2]["at"]


def test_a_reversal_and_the_movement_it_reverses_point_at_each_other(client, auth, users):
    item, a, b = make_item(), make_bin(), make_bin()
    receive(item, a, 20)
    line = {"item_id": item.id, "quantity": 5, "from_location": a.id, "to_location": b.id}
    first = _manual(client, auth, "transfer", [line], device_id="DESK-1", source_id="TICKET-9")
    original = first["movements"][0]["id"]
    r = client.post(
        f"/api/v1/movements/{original}/reverse",
        headers=auth("manager"),
        json={"reason": "wrong_bin"},
    )
    assert r.status_code == 201, r.get_json()
    reversal = r.get_json()["movements"][0]["id"]

    moved = _detail(client, auth("supervisor"), original)
    undone = _detail(client, auth("supervisor"), reversal)

    assert moved["reversal"]["reverses"] is None
    by = moved["reversal"]["reversed_by"]
    assert (by["id"], by["movement_type"], by["quantity"]) == (reversal, "reversal", 5)
    assert by["actor"]["username"] == "manager" and by["reason_code"] == "wrong_bin"
    assert moved["source"] == {"type": "manual", "id": "TICKET-9",
                               "label": "Manual posting (reference TICKET-9)",
                               "console_url": None, "related": []}  # fmt: skip
    assert _steps(moved) == [("posted_manually", "manager", "manager")]
    assert moved["device_id"] == "DESK-1"

    assert undone["reverses_movement_id"] == original
    assert undone["reversal"]["reversed_by"] is None
    assert undone["reversal"]["reverses"]["id"] == original
    assert undone["source"]["type"] == "movement"
    assert undone["source"]["console_url"] == f"/console/movements/{original}"
    assert _steps(undone) == [("reversal_posted", "manager", "manager")]
    assert undone["approvals"][0]["reason_code"] == "wrong_bin"


def test_the_other_lines_of_the_posting_are_listed(client, auth):
    item, other, a = make_item(), make_item(), make_bin()
    lines = [
        {"item_id": item.id, "quantity": 3, "from_location": "VENDOR", "to_location": a.id},
        {"item_id": other.id, "quantity": 4, "from_location": "VENDOR", "to_location": a.id},
    ]
    posted = _manual(client, auth, "receipt", lines)
    first, second = (m["id"] for m in posted["movements"])

    got = _detail(client, auth("manager"), first)

    assert got["posting"]["id"] == posted["posting_id"]
    assert got["posting"]["line_count"] == 2 and got["posting"]["more"] is False
    [listed] = got["posting"]["movements"]
    assert (listed["id"], listed["sku"], listed["quantity"]) == (second, other.sku, 4)
    assert (listed["from_location_code"], listed["to_location_code"]) == ("VENDOR", a.code)


def test_a_return_inspection_names_the_inspector_and_opens_the_return(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 10)
    order = shipped_order(rs, [(it, 2)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=2).get_json()
    r = inspect(client, auth("supervisor"), rma["id"], got["line_id"], reason_code="cracked",
                note="lid cracked")  # fmt: skip
    assert r.status_code == 200, r.get_json()
    received, inspected = _moves("return", rma["id"])
    shipped = _moves("shipment", db.session.scalar(
        select(Movement.source_id).where(Movement.source_type == "shipment")
    ))[0]  # fmt: skip

    at_dock = _detail(client, auth("manager"), received.id)
    looked = _detail(client, auth("manager"), inspected.id)
    left = _detail(client, auth("finance"), shipped.id)

    rma_page = f"/console/returns/{rma['id']}"
    order_page = f"/console/orders/{order.id}"
    assert at_dock["source"]["console_url"] == rma_page and at_dock["approvals"] == []
    assert at_dock["source"]["label"].endswith(": receipt")
    assert looked["source"]["console_url"] == rma_page
    assert looked["source"]["label"].endswith(": inspection")
    assert [d["console_url"] for d in looked["source"]["related"]] == [order_page]
    assert _steps(looked) == [("inspected", "supervisor", "supervisor")]
    step = looked["approvals"][0]
    assert (step["reason_code"], step["note"]) == ("cracked", "lid cracked")
    assert "disposition damaged" in step["what"]
    # The shipment it left on: no page of its own, the order it carried has one.
    assert left["source"]["type"] == "shipment" and left["source"]["console_url"] is None
    assert [d["console_url"] for d in left["source"]["related"]] == [order_page]


def test_a_worker_is_refused_and_finance_reads_it(client, auth):
    item, a = make_item(), make_bin()
    receive(item, a, 5)
    [move] = db.session.scalars(select(Movement).where(Movement.item_id == item.id)).all()

    refused = client.get(f"/api/v1/movements/{move.id}", headers=auth("worker"))
    read = client.get(f"/api/v1/movements/{move.id}", headers=auth("finance"))

    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert read.status_code == 200
    assert read.get_json()["source"] is None  # the factory posts with no source document
    assert read.get_json()["actor"] is None and read.get_json()["approvals"] == []


def test_an_unknown_movement_is_a_404_in_the_error_shape(client, auth):
    r = client.get("/api/v1/movements/987654321", headers=auth("manager"))

    assert r.status_code == 404
    assert r.get_json() == {
        "error": {
            "code": "movement_not_found",
            "message": "no movement has this id",
            "details": {"movement_id": 987654321},
        }
    }


def test_a_days_stock_change_finds_its_movements_by_location_type_and_day(client, auth):
    """What a dashboard's stock change links to: the item's movements in or out of the
    location, of the kind, that happened on the day (since included, until excluded)."""
    item, a, b = make_item(), make_bin(), make_bin()
    receipt = {"item_id": item.id, "quantity": 9, "from_location": "VENDOR", "to_location": a.id}
    _manual(client, auth, "receipt", [receipt], occurred_at="2026-03-01T10:00:00+00:00")
    for day, src in (("2026-03-02", a), ("2026-03-03", a), ("2026-03-03", b)):
        if src is b:
            move = {"item_id": item.id, "quantity": 2, "from_location": a.id, "to_location": b.id}
            _manual(client, auth, "transfer", [move], occurred_at=f"{day}T08:00:00+00:00")
        line = {"item_id": item.id, "quantity": 1, "from_location": src.id,
                "to_location": "SCRAP", "reason_code": "damaged"}  # fmt: skip
        _manual(client, auth, "scrap", [line], occurred_at=f"{day}T23:59:00+00:00")

    got = client.get(
        "/api/v1/movements",
        headers=auth("supervisor"),
        query_string={"item_id": item.id, "location_id": a.id, "type": "scrap",
                      "since": "2026-03-03T00:00:00Z", "until": "2026-03-04T00:00:00Z"},
    )  # fmt: skip

    assert got.status_code == 200, got.get_json()
    [scrap] = got.get_json()["movements"]
    assert (scrap["from_location_id"], scrap["occurred_at"][:10]) == (a.id, "2026-03-03")
    before = client.get(
        "/api/v1/movements",
        headers=auth("supervisor"),
        query_string={"item_id": item.id, "until": "2026-03-01T10:00:00Z"},
    )
    assert before.get_json()["movements"] == []  # until excludes the moment itself
