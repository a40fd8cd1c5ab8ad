"""Idempotency-Key for every state-changing POST.

The first successful answer is stored in the same write transaction as the change it
describes, so a crash can never leave a change without its record (or the reverse). The same
key with the same body returns that answer and changes nothing; the same key with another
body (or from another caller) is refused with 409.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, make_response, request
from sqlalchemy.exc import IntegrityError

from ..auth.guard import load_principal
from ..database import write_transaction
from ..errors import IdempotencyMismatch, ValidationFailed
from ..extensions import db
from .idempotency_models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
MAX_KEY = 200


def current_key() -> str | None:
    """The request's Idempotency-Key, for services that keep it with what they post."""
    return g.get("idempotency_key")


def _fingerprint(principal: str) -> str:
    """HMAC (keyed by SECRET_KEY), not a bare hash: bodies may carry passwords or PINs, and a
    plain SHA-256 of a short PIN is reversed by brute force in no time."""
    body = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    h = hmac.new(current_app.config["SECRET_KEY"].encode(), digestmod=hashlib.sha256)
    for part in (principal.encode(), request.method.encode(), request.path.encode(), canonical):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def _replay(rec: IdempotencyRecord, fp: str) -> Response:
    if rec.fingerprint != fp:
        raise IdempotencyMismatch(
            "this Idempotency-Key was already used with a different request",
            {"idempotency_key": rec.key, "first_used_at": rec.created_at.isoformat()},
        )
    resp = Response(rec.body, status=rec.status, mimetype="application/json")
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY or not key.isprintable() or key != key.strip():
        raise ValidationFailed(
            f"{HEADER} must be 1-{MAX_KEY} printable characters without surrounding spaces",
            {"header": HEADER},
        )


def _redact(body: str, fields: tuple[str, ...]) -> str:
    if not fields:
        return body
    data = json.loads(body)
    if isinstance(data, dict):
        for name in fields:
            if name in data:
                data[name] = None
    return json.dumps(data)


def idempotent_redacting(*fields: str) -> Callable[[F], F]:
    """Like @idempotent, but the stored answer has these top-level fields set to null.

    For answers that show a secret once (a new API key): a replay says what was done
    without handing the secret out again or keeping it in clear in the database.
    """

    def decorate(func: F) -> F:
        return _idempotent(func, fields)

    return decorate


def idempotent(func: F) -> F:
    """Outermost decorator of a POST view: replays answers for a repeated Idempotency-Key."""
    return _idempotent(func, ())


def _run_once(
    func: Callable[..., Any],
    args: Any,
    kwargs: Any,
    key: str,
    principal: str,
    fp: str,
    redact: tuple[str, ...],
) -> Any:
    with write_transaction():
        rec = db.session.get(IdempotencyRecord, key)
        if rec is not None:
            return _replay(rec, fp)
        g.idempotency_key = key
        resp = make_response(func(*args, **kwargs))
        if 200 <= resp.status_code < 300:
            db.session.add(
                IdempotencyRecord(
                    key=key,
                    principal=principal,
                    method=request.method,
                    path=request.path,
                    fingerprint=fp,
                    status=resp.status_code,
                    body=_redact(resp.get_data(as_text=True), redact),
                )
            )
            db.session.flush()
        return resp


def _idempotent(func: F, redact: tuple[str, ...]) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        _check_key(key)
        principal = load_principal().label
        fp = _fingerprint(principal)
        for attempt in (1, 2):
            try:
                return _run_once(func, args, kwargs, key, principal, fp, redact)
            except IntegrityError:
                # A concurrent request won a unique-constraint race (PostgreSQL). If it was
                # this key, answer as it did; otherwise run once more against what it
                # committed, so the loser gets the named error (409), never a 500.
                rec = db.session.get(IdempotencyRecord, key)
                if rec is not None:
                    return _replay(rec, fp)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]
