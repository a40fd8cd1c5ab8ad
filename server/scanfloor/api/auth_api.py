"""Signing in and out, users, and API keys for integrations."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import audit, service, sessions
from ..auth.guard import current_principal, public, requires
from ..auth.models import AuthEvent, User
from ..auth.tokens import presented_token
from .auth_schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    AuthEventOut,
    AuthEventsQuery,
    CallerOut,
    SessionsEndedOut,
    TokenIn,
    TokenOut,
    UserChangedOut,
    UserCreateIn,
    UserOut,
    UserPatchIn,
)
from .idempotency import idempotent, idempotent_redacting

NO_STORE = {"Cache-Control": "no-store"}

blp = Blueprint(
    "auth_api", __name__, url_prefix="/api/v1", description="Sign-in, users and API keys"
)


@blp.route("/auth/token")
class Token(MethodView):
    # Public and not idempotency-keyed: a replayed sign-in would hand out a stored token.
    @blp.arguments(TokenIn)
    @blp.response(200, TokenOut, headers={"Cache-Control": {"schema": {"type": "string"}}})
    @blp.alt_response(429, description="Too many wrong secrets lately: see Retry-After")
    @public
    def post(self, body: dict[str, Any]) -> tuple[sessions.SignedIn, dict[str, str]]:
        """Sign in with username and password, or badge and PIN; returns a bearer token."""
        # The answer is a credential: no browser or proxy may keep a copy.
        return sessions.sign_in(**body, client_address=request.remote_addr), NO_STORE


@blp.route("/auth/logout")
class Logout(MethodView):
    @idempotent
    @blp.response(204)
    @requires("worker", also=("finance",))
    def post(self) -> None:
        """Revoke the token this request carries."""
        sessions.sign_out(presented_token())


@blp.route("/auth/me")
class Me(MethodView):
    @blp.response(200, CallerOut)
    @requires("worker", also=("finance",))
    def get(self) -> sessions.Caller:
        """Say who the presented token belongs to."""
        return sessions.describe_caller(current_principal())


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserOut(many=True))
    @requires("admin")
    def get(self) -> list[User]:
        """List every user, active or not."""
        return service.list_users()

    @idempotent
    @blp.arguments(UserCreateIn)
    @blp.response(201, UserOut)
    @requires("admin")
    def post(self, body: dict[str, Any]) -> User:
        """Create a user with a password, and optionally a badge and PIN."""
        return service.create_user(**body)


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    @idempotent
    @blp.arguments(UserPatchIn)
    @blp.response(200, UserChangedOut)
    @requires("admin")
    def patch(self, body: dict[str, Any], user_id: int) -> service.UserChange:
        """Change a user's role, name, password, badge, PIN or active flag."""
        return service.update_user(user_id, **body, actor_id=current_principal().user_id)


@blp.route("/users/<int:user_id>/end-sessions")
class UserEndSessions(MethodView):
    @idempotent
    @blp.response(200, SessionsEndedOut)
    @blp.doc(operationId="end_user_sessions")
    @requires("supervisor")
    def post(self, user_id: int) -> service.SessionsEnded:
        """Sign a user out on every device; their API keys keep working."""
        return service.end_sessions(user_id, actor=current_principal())


@blp.route("/users/<int:user_id>/unlock")
class UserUnlock(MethodView):
    @idempotent
    @blp.response(204)
    @blp.doc(operationId="unlock_user")
    @requires("supervisor")
    def post(self, user_id: int) -> None:
        """Lift the sign-in throttle on a user's username and badge."""
        service.unlock(user_id, actor=current_principal())


@blp.route("/auth/events")
class AuthEvents(MethodView):
    @blp.arguments(AuthEventsQuery, location="query")
    @blp.response(200, AuthEventOut(many=True))
    @blp.doc(operationId="list_auth_events")
    @requires("manager")
    def get(self, query: dict[str, Any]) -> list[AuthEvent]:
        """List the sign-in audit log, newest first."""
        return audit.list_events(**query)


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @blp.response(200, ApiKeyOut(many=True))
    @requires("admin")
    def get(self) -> list[service.ApiKeyInfo]:
        """List API keys by name and prefix; the keys themselves are never shown again."""
        return service.list_api_keys()

    # The answer holds the key itself, which is stored nowhere but as a hash: a replay
    # returns the same answer with "key": null, so a retry makes no second key and the
    # key is never kept in clear.
    @idempotent_redacting("key")
    @blp.arguments(ApiKeyCreateIn)
    @blp.response(201, ApiKeyCreatedOut)
    @requires("admin")
    def post(self, body: dict[str, Any]) -> tuple[service.NewApiKey, dict[str, str]]:
        """Create an API key acting as a user; the key is in this answer only."""
        return service.create_api_key(**body), NO_STORE


@blp.route("/api-keys/<int:key_id>")
class ApiKeyById(MethodView):
    @idempotent
    @blp.response(204)
    @requires("admin")
    def delete(self, key_id: int) -> None:
        """Revoke an API key: it is refused from then on."""
        service.revoke_api_key(key_id)
