"""Who is calling: bearer tokens and API keys, and the roles each route allows.

Every view is decorated with either @requires(<lowest role>) or @public; a test walks the
URL map and fails on a view that says neither. A role beside the ladder (finance) is never
implied by a rank: a route that admits it names it, `@requires("supervisor",
also=("finance",))` (docs/decisions/0026), and tests/integration/test_route_auth.py lists
every such route.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy import bindparam, select

from ..errors import Forbidden, Unauthorized
from ..extensions import db
from ..timeutil import as_utc, utcnow
from .models import ApiToken, User
from .rules import allowed_roles

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    token_kind: str
    device_id: str | None

    def has_role(self, lowest: str, *, also: tuple[str, ...] = ()) -> bool:
        """The same test as @requires(lowest, also=...): a rung at or above `lowest`, or one
        of the roles beside the ladder named in `also` (finance is on no rung)."""
        return self.role in allowed_roles(lowest, also)

    @property
    def label(self) -> str:
        return f"user:{self.user_id}"


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a fast hash is enough (no password stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key", "").strip() or None


def principal_for_token(token: str) -> Principal | None:
    """The principal a token stands for, or None if it is unknown, revoked or expired."""
    try:
        return _principal(token)
    except Unauthorized:
        return None


_TOKENS = ApiToken.__table__
_USERS = User.__table__
# Every request runs this: one indexed lookup by the token's hash, built once, executed as
# Core on the session's connection (columns only: ORM objects cost more than the query).
_BY_HASH = (
    select(
        _USERS.c.id,
        _USERS.c.username,
        _USERS.c.role,
        _USERS.c.active,
        _TOKENS.c.kind,
        _TOKENS.c.device_id,
        _TOKENS.c.revoked_at,
        _TOKENS.c.expires_at,
    )
    .join_from(_TOKENS, _USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)


def _principal(token: str) -> Principal:
    row = db.session.connection().execute(_BY_HASH, {"token_hash": hash_token(token)}).first()
    if row is None:
        raise Unauthorized("token not recognised")
    if row.revoked_at is not None:
        raise Unauthorized("token revoked")
    if row.expires_at is not None and as_utc(row.expires_at) <= utcnow():
        raise Unauthorized("token expired; sign in again")
    if not row.active:
        raise Unauthorized("user deactivated")
    return Principal(row.id, row.username, row.role, row.kind, row.device_id)


def load_principal() -> Principal:
    """The caller, or Unauthorized. Cached on flask.g for the request."""
    cached = g.get("principal")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token = _presented_token()
    if not token:
        raise Unauthorized("sign in first: send Authorization: Bearer <token>")
    principal = _principal(token)
    g.principal = principal
    return principal


def current_principal() -> Principal:
    return load_principal()


def roles_line(roles: tuple[str, ...]) -> str:
    """The OpenAPI description's line saying who may call an operation."""
    return f"Roles: {', '.join(roles)}."


def _document(func: Any, roles: tuple[str, ...] | None) -> None:
    # A description written with @blp.doc replaces this one: api/openapi_contract.py adds
    # the roles line to it then.
    apidoc = getattr(func, "_apidoc", {})
    manual = apidoc.setdefault("manual_doc", {})
    if roles is None:
        manual["security"] = []
    else:
        manual["security"] = [{"bearerAuth": []}, {"apiKey": []}]
        manual.setdefault("description", roles_line(roles))
    func._apidoc = apidoc


def _check_roles(allowed: tuple[str, ...]) -> None:
    principal = load_principal()
    if principal.role not in allowed:
        raise Forbidden(
            "your role may not do this",
            {"role": principal.role, "allowed_roles": list(allowed)},
        )


def route_handler(view: Any, method: str) -> Any:
    """The function that answers `method` on a view: a MethodView's method, or the view."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    return getattr(view_class, method.lower(), None) or (
        getattr(view_class, "get", None) if method == "HEAD" else None
    )


def check_route_before_view() -> None:
    """before_request: apply the view's @requires before anything else runs.

    Body and query parsing (@blp.arguments) wraps @requires, so without this an anonymous
    caller would see 422 validation details instead of 401. Views without a marker are left
    to their own code (the route test fails on them).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return
    handler = route_handler(view, request.method)
    if handler is None or getattr(handler, "_public", False):
        return
    allowed = getattr(handler, "_allowed_roles", None)
    if allowed is not None:
        _check_roles(allowed)


def requires(lowest: str, *, also: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Allow this role and every role above it (ROLES order), and the roles beside the ladder
    named in `also`; 401 without a token, 403 for anyone else."""
    allowed = allowed_roles(lowest, also)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _check_roles(allowed)
            return func(*args, **kwargs)

        wrapper._allowed_roles = allowed  # type: ignore[attr-defined]
        _document(wrapper, allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def public(func: F) -> F:
    """Mark a view that needs no sign-in (health, login, the API description)."""
    func._public = True  # type: ignore[attr-defined]
    _document(func, None)
    return func
