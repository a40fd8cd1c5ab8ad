"""API keys for integrations: created by an admin, shown once, usable, revocable."""

from __future__ import annotations

import json

KEYS = "/api/v1/api-keys"
ME = "/api/v1/auth/me"


def _create(client, auth, name="webshop", username="manager"):
    r = client.post(KEYS, headers=auth("admin"), json={"name": name, "username": username})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_admin_creates_a_key_that_acts_as_the_named_user(client, auth, users):
    created = _create(client, auth)
    assert created["key"].startswith(created["prefix"])
    assert created["username"] == "manager"
    for headers in ({"X-API-Key": created["key"]}, {"Authorization": f"Bearer {created['key']}"}):
        r = client.get(ME, headers=headers)
        assert r.status_code == 200
        assert r.get_json()["username"] == "manager"
        assert r.get_json()["token_kind"] == "api_key"


def test_key_list_shows_prefixes_and_never_the_keys(client, auth, users):
    created = _create(client, auth)
    r = client.get(KEYS, headers=auth("admin"))
    assert r.status_code == 200
    listed = r.get_json()
    assert [k["prefix"] for k in listed] == [created["prefix"]]
    assert listed[0]["name"] == "webshop"
    assert created["key"] not in json.dumps(listed)
    assert "key" not in listed[0]


def test_revoked_key_is_refused(client, auth, users):
    created = _create(client, auth)
    r = client.delete(f"{KEYS}/{created['id']}", headers=auth("admin"))
    assert r.status_code == 204
    refused = client.get(ME, headers={"X-API-Key": created["key"]})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get(KEYS, headers=auth("admin")).get_json()[0]["revoked_at"] is not None


def test_revoking_twice_is_harmless_and_an_unknown_key_is_not_found(client, auth, users):
    created = _create(client, auth)
    assert client.delete(f"{KEYS}/{created['id']}", headers=auth("admin")).status_code == 204
    assert client.delete(f"{KEYS}/{created['id']}", headers=auth("admin")).status_code == 204
    assert client.delete(f"{KEYS}/9999", headers=auth("admin")).status_code == 404


def test_a_session_token_cannot_be_revoked_as_an_api_key(client, auth, users):
    from sqlalchemy import select

    from scanfloor.auth.models import ApiToken
    from scanfloor.extensions import db

    auth("worker")
    session_id = db.session.scalar(select(ApiToken.id).where(ApiToken.kind == "session"))
    assert client.delete(f"{KEYS}/{session_id}", headers=auth("admin")).status_code == 404


def test_key_for_an_unknown_user_is_refused(client, auth, users):
    r = client.post(KEYS, headers=auth("admin"), json={"name": "x", "username": "ghost"})
    assert r.status_code == 404


def test_managing_keys_is_for_admins_only(client, auth, users):
    created = _create(client, auth)
    manager = auth("manager")
    assert client.get(KEYS, headers=manager).status_code == 403
    r = client.post(KEYS, headers=manager, json={"name": "x", "username": "manager"})
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"
    assert client.delete(f"{KEYS}/{created['id']}", headers=manager).status_code == 403


def test_an_api_key_carries_its_users_role_not_more(client, auth, users):
    created = _create(client, auth, username="worker")
    assert client.get(KEYS, headers={"X-API-Key": created["key"]}).status_code == 403


def test_replayed_api_key_creation_makes_one_key_and_never_shows_it_again(client, auth, users):
    headers = {**auth("admin"), "Idempotency-Key": "new-key-1"}
    body = {"name": "webshop", "username": "manager"}
    first = client.post("/api/v1/api-keys", headers=headers, json=body)
    again = client.post("/api/v1/api-keys", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["key"]
    assert again.get_json()["key"] is None
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = client.get("/api/v1/api-keys", headers=auth("admin")).get_json()
    assert [k["name"] for k in listed].count("webshop") == 1
    from sqlalchemy import select

    from scanfloor.commands.models import CommandRecord
    from scanfloor.extensions import db

    stored = db.session.scalar(select(CommandRecord.answer).where(CommandRecord.key == "new-key-1"))
    assert first.get_json()["key"] not in stored["body"]
