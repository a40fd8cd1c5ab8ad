"""Photos of a returned item's condition: checked by content (never by the declared type),
size-limited, kept with the return, served only to signed-in users."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.returns.models import ReturnPhoto
from tests.returns_helpers import (
    capture,
    grant,
    ledger_state,
    png_bytes,
    return_site,
    scanned_item,
    shipped_order,
)


@pytest.fixture
def rma(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs)
    order = shipped_order(rs, [(it, 2)])
    return capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).get_json()


def _upload(client, headers, rma_id, data, name="photo.jpg", kind="image/jpeg", **form):
    body = {"file": (io.BytesIO(data), name, kind), **form}
    return client.post(f"/api/v1/returns/{rma_id}/photos", data=body, headers=headers)


def _photos() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(ReturnPhoto)) or 0)


def test_a_photo_is_kept_with_the_return_and_served_to_a_signed_in_user(rma, client, auth):
    data = png_bytes()
    line_id = rma["lines"][0]["id"]
    r = _upload(client, auth("worker"), rma["id"], data, "x.bin", "application/octet-stream",
                return_line_id=str(line_id))  # fmt: skip
    assert r.status_code == 201, r.get_json()
    photo = r.get_json()
    assert (photo["content_type"], photo["byte_size"]) == ("image/png", len(data))
    assert photo["return_line_id"] == line_id
    got = client.get(photo["url"], headers=auth("supervisor"))
    assert got.status_code == 200
    assert got.data == data
    assert got.mimetype == "image/png"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"] == "inline"
    view = client.get(f"/api/v1/returns/{rma['id']}", headers=auth("worker")).get_json()
    assert [p["id"] for p in view["photos"]] == [photo["id"]]


def test_a_photo_is_not_served_without_signing_in(rma, client, auth):
    photo = _upload(client, auth("worker"), rma["id"], png_bytes()).get_json()
    r = client.get(photo["url"])
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert client.get(photo["url"], headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_non_image_with_an_image_content_type_is_refused(rma, client, auth):
    before = ledger_state()
    for data in (b"<script>alert(1)</script>", b"GIF89a" + bytes(40), png_bytes()[:40], b""):
        r = _upload(client, auth("worker"), rma["id"], data, "photo.jpg", "image/jpeg")
        assert (r.status_code, r.get_json()["error"]["code"]) == (415, "unsupported_photo"), data
    assert _photos() == 0
    assert ledger_state() == before


def test_a_jpeg_is_taken_for_what_it_is(rma, client, auth):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(out, format="JPEG")
    r = _upload(client, auth("worker"), rma["id"], out.getvalue(), "p.png", "image/png")
    assert (r.status_code, r.get_json()["content_type"]) == (201, "image/jpeg")


def test_a_photo_larger_than_the_setting_is_refused(app, rma, client, auth):
    app.config["SCANFLOOR_RETURN_PHOTO_MAX_BYTES"] = 2048
    data = png_bytes((64, 64), noise=True)
    assert len(data) > 2048
    r = _upload(client, auth("worker"), rma["id"], data)
    assert (r.status_code, r.get_json()["error"]["code"]) == (413, "photo_too_large")
    far = _upload(client, auth("worker"), rma["id"], bytes(200_000))
    assert far.status_code == 413
    assert _photos() == 0


def test_a_photo_may_be_larger_than_other_request_bodies(app, rma, client, auth):
    data = png_bytes((700, 700), noise=True)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    r = _upload(client, auth("worker"), rma["id"], data)
    assert r.status_code == 201, r.get_json()
    # Everywhere else the general limit stands.
    big = client.post("/api/v1/returns", data=bytes(len(data)), headers=auth("manager"))
    assert big.status_code == 413


def test_the_same_photo_sent_again_is_the_one_kept(rma, client, auth):
    data = png_bytes()
    first = _upload(client, auth("worker"), rma["id"], data)
    again = _upload(client, auth("worker"), rma["id"], data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _photos() == 1


def test_a_photo_of_a_line_of_another_return_is_refused(rma, client, auth):
    r = _upload(client, auth("worker"), rma["id"], png_bytes(), return_line_id="999999")
    assert r.status_code == 404
    assert (
        _upload(client, auth("worker"), rma["id"], png_bytes(), return_line_id="x").status_code
        == 422
    )
    assert _photos() == 0


def test_no_file_is_refused(rma, client, auth):
    r = client.post(f"/api/v1/returns/{rma['id']}/photos", data={}, headers=auth("worker"))
    assert r.status_code == 422
