"""Signing in and out, users, and API keys for integrations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import service, sessions
from ..auth.guard import current_principal, public, requires
from ..auth.models import User
from ..auth.tokens import presented_token
from .auth_schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    CallerOut,
    TokenIn,
    TokenOut,
    UserCreateIn,
    UserOut,
    UserPatchIn,
)
from .idempotency import idempotent, idempotent_redacting

blp = Blueprint(
    "auth_api", __name__, url_prefix="/api/v1", description="Sign-in, users and API keys"
)


@blp.route("/auth/token")
class Token(MethodView):
    # Public and not idempotency-keyed: a replayed sign-in would hand out a stored token.
    @blp.arguments(TokenIn)
    @blp.response(200, TokenOut)
    @public
    def post(self, body: dict[str, Any]) -> sessions.SignedIn:
        """Sign in with username and password, or badge and PIN; returns a bearer token."""
        return sessions.sign_in(**body)


@blp.route("/auth/logout")
class Logout(MethodView):
    @idempotent
    @blp.response(204)
    @requires("worker")
    def post(self) -> None:
        """Revoke the token this request carries."""
        sessions.sign_out(presented_token())


@blp.route("/auth/me")
class Me(MethodView):
    @blp.response(200, CallerOut)
    @requires("worker")
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
    @blp.response(200, UserOut)
    @requires("admin")
    def patch(self, body: dict[str, Any], user_id: int) -> User:
        """Change a user's role, name, password, badge, PIN or active flag."""
        return service.update_user(user_id, **body)


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
    def post(self, body: dict[str, Any]) -> service.NewApiKey:
        """Create an API key acting as a user; the key is in this answer only."""
        return service.create_api_key(**body)


@blp.route("/api-keys/<int:key_id>")
class ApiKeyById(MethodView):
    @idempotent
    @blp.response(204)
    @requires("admin")
    def delete(self, key_id: int) -> None:
        """Revoke an API key: it is refused from then on."""
        service.revoke_api_key(key_id)
