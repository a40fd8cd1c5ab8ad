"""Idempotency-Key for every state-changing request, on the one command path.

Endpoints backed by a declared command (receiving, putaway, movements, order capture) pass
`request_key()` to their service, which runs its command. Every other POST is wrapped by
`@idempotent`: the view itself runs as a command named after the request (method and path),
its first 2xx answer is kept in the command store, and a replay returns it with
`Idempotent-Replayed: true`. Either way the same key with another body is a 409, and a
user's key never replays another user's answer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, current_app, make_response, request

from ..auth.guard import load_principal
from ..commands import Command
from ..commands.runner import track_replay, was_replayed

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# Set on every view that takes the header: the OpenAPI document declares it from this mark
# (api/openapi_contract.py), so a view is documented by being wrapped, not by remembering.
TAKES_KEY = "takes_idempotency_key"


def request_key(fallback: str | None = None) -> str | None:
    """The request's Idempotency-Key header, else the scan's own id (client_scan_id)."""
    return request.headers.get(HEADER) or fallback


def replay_header(func: F) -> F:
    """Outermost decorator of a command endpoint: a replayed answer says so in a header."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with track_replay() as seen:
            resp = make_response(func(*args, **kwargs))
        if was_replayed(seen):
            resp.headers[REPLAYED] = "true"
        return resp

    setattr(wrapper, TAKES_KEY, True)
    return wrapper  # type: ignore[return-value]


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


def _redact(body: str, fields: tuple[str, ...]) -> str:
    if not fields:
        return body
    data = json.loads(body)
    if isinstance(data, dict):
        for name in fields:
            if name in data:
                data[name] = None
    return json.dumps(data)


@dataclass
class _Call:
    """One HTTP request as a command's payload; the live response is kept for the caller."""

    view: Callable[[], Any]
    fingerprint: str
    redact: tuple[str, ...]
    response: Response | None = None


def _execute(call: _Call) -> dict[str, Any] | None:
    call.response = make_response(call.view())
    if not 200 <= call.response.status_code < 300:
        return None  # refusals are not kept: the same key may be tried again
    return {
        "status": call.response.status_code,
        "body": _redact(call.response.get_data(as_text=True), call.redact),
    }


def _present(call: _Call, answer: dict[str, Any], replayed: bool) -> Response:
    if not replayed and call.response is not None:
        return call.response
    resp = Response(answer["body"], status=answer["status"], mimetype="application/json")
    resp.headers[REPLAYED] = "true"
    return resp


def _idempotent(func: F, redact: tuple[str, ...]) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        caller = load_principal().label
        command: Command[_Call, Response] = Command(
            name=f"{request.method} {request.path}"[:300],
            execute=_execute,
            present=_present,
            fingerprint=lambda call: call.fingerprint,
        )
        call = _Call(lambda: func(*args, **kwargs), _fingerprint(caller), redact)
        return command.run(call, caller=caller, key=key)

    setattr(wrapper, TAKES_KEY, True)
    return wrapper  # type: ignore[return-value]


def idempotent(func: F) -> F:
    """Outermost decorator of a POST view: replays answers for a repeated Idempotency-Key."""
    return _idempotent(func, ())


def idempotent_redacting(*fields: str) -> Callable[[F], F]:
    """Like @idempotent, but the stored answer has these top-level fields set to null.

    For answers that show a secret once (a new API key): a replay says what was done
    without handing the secret out again or keeping it in clear in the database.
    """

    def decorate(func: F) -> F:
        return _idempotent(func, fields)

    return decorate
