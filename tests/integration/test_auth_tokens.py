"""Bearer tokens: sign out, expiry, deactivation, and storage as a hash only."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select, update

from scanfloor.auth.models import ApiToken
from scanfloor.auth.service import update_user
from scanfloor.auth.tokens import issue_token
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow

ME = "/api/v1/auth/me"


def _token(client, role):
    r = client.post("/api/v1/auth/token", json={"username": role, "password": f"{role}-password-1"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_me_says_who_the_token_belongs_to(client, users):
    r = client.get(ME, headers=_bearer(_token(client, "supervisor")))
    assert r.status_code == 200
    assert r.get_json()["id"] == users["supervisor"].id
    assert r.get_json()["role"] == "supervisor"


def test_logout_revokes_the_presented_token_only(client, users):
    first, second = _token(client, "worker"), _token(client, "worker")
    r = client.post("/api/v1/auth/logout", headers=_bearer(first))
    assert r.status_code == 204
    refused = client.get(ME, headers=_bearer(first))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get(ME, headers=_bearer(second)).status_code == 200


def test_logout_with_an_idempotency_key_still_revokes(client, users):
    token = _token(client, "worker")
    r = client.post(
        "/api/v1/auth/logout", headers={**_bearer(token), "Idempotency-Key": "logout-1"}
    )
    assert r.status_code == 204
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_expired_token_is_refused(client, users):
    issued = issue_token(users["manager"].id, ttl=timedelta(hours=1))
    db.session.commit()
    assert client.get(ME, headers=_bearer(issued.token)).status_code == 200
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == issued.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    r = client.get(ME, headers=_bearer(issued.token))
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_deactivating_a_user_revokes_their_tokens(client, users):
    token = _token(client, "worker")
    update_user(users["worker"].id, active=False)
    update_user(users["worker"].id, active=True)
    # Reactivated, but the old token stays dead: it was revoked, not just suspended.
    assert client.get(ME, headers=_bearer(token)).status_code == 401
    assert client.get(ME, headers=_bearer(_token(client, "worker"))).status_code == 200


def test_a_made_up_token_is_refused(client, users):
    assert client.get(ME, headers=_bearer("sft_made-up")).status_code == 401


def test_tokens_are_stored_only_as_sha256(client, users):
    token = _token(client, "worker")
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
