"""Schemas for signing in, users and API keys. No schema here ever dumps a hash."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from ..auth.audit import EVENTS_LIMIT_MAX
from ..auth.models import ALL_ROLES, AUTH_EVENT_KINDS
from ..auth.rules import (
    BADGE_MAX,
    DISPLAY_NAME_MAX,
    PASSWORD_MAX,
    PIN_MAX,
    USERNAME_MAX,
)
from .fields import RequestSchema


class TokenIn(ma.Schema):
    username = ma.fields.String(validate=validate.Length(1, USERNAME_MAX))
    password = ma.fields.String(validate=validate.Length(1, PASSWORD_MAX), load_only=True)
    badge = ma.fields.String(validate=validate.Length(1, BADGE_MAX))
    pin = ma.fields.String(validate=validate.Length(1, PIN_MAX), load_only=True)
    device_id = ma.fields.String(
        validate=validate.Length(1, 64),
        load_default=None,
        metadata={"description": "The scanner or browser signing in, for the audit trail"},
    )

    @ma.validates_schema
    def _one_way_in(self, data: dict[str, Any], **_kw: Any) -> None:
        by_password = "username" in data and "password" in data
        by_badge = "badge" in data and "pin" in data
        if by_password == by_badge or len(data.keys() - {"device_id"}) != 2:
            raise ma.ValidationError("send either username and password, or badge and pin")


class UserBriefOut(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String()


class TokenOut(ma.Schema):
    token = ma.fields.String(metadata={"description": "Send as Authorization: Bearer <token>"})
    token_type = ma.fields.String(metadata={"description": "Always Bearer"})
    expires_at = ma.fields.AwareDateTime(allow_none=True)
    user = ma.fields.Nested(UserBriefOut)


class CallerOut(UserBriefOut):
    token_kind = ma.fields.String(metadata={"description": "session or api_key"})
    device_id = ma.fields.String(allow_none=True)


class UserOut(UserBriefOut):
    active = ma.fields.Boolean()
    badge = ma.fields.String(allow_none=True)
    has_password = ma.fields.Function(
        lambda u: u.password_hash is not None, metadata={"type": "boolean"}
    )
    has_pin = ma.fields.Function(lambda u: u.pin_hash is not None, metadata={"type": "boolean"})
    created_at = ma.fields.AwareDateTime()


class KeptKeyOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    prefix = ma.fields.String(metadata={"description": "First characters of the key"})


class UserChangedOut(UserOut):
    sessions_ended = ma.fields.Integer(
        metadata={
            "description": "Sign-in tokens this change revoked: a new password, PIN, badge or "
            "role ends the user's sessions; deactivating also revokes their API keys"
        }
    )
    api_keys_kept = ma.fields.List(
        ma.fields.Nested(KeptKeyOut),
        metadata={"description": "The user's API keys that still work (integrations go on)"},
    )


class SessionsEndedOut(ma.Schema):
    user_id = ma.fields.Integer()
    sessions_ended = ma.fields.Integer(metadata={"description": "Sign-in tokens revoked"})
    api_keys_kept = ma.fields.List(
        ma.fields.Nested(KeptKeyOut),
        metadata={"description": "API keys are not sessions: these still work"},
    )


class AuthEventsQuery(RequestSchema):
    kind = ma.fields.String(validate=validate.OneOf(AUTH_EVENT_KINDS))
    user_id = ma.fields.Integer(validate=validate.Range(1, 2**31 - 1))
    since = ma.fields.AwareDateTime()
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(1, EVENTS_LIMIT_MAX))


class AuthEventOut(ma.Schema):
    id = ma.fields.Integer()
    occurred_at = ma.fields.AwareDateTime()
    kind = ma.fields.String(metadata={"description": ", ".join(AUTH_EVENT_KINDS)})
    method = ma.fields.String(allow_none=True, metadata={"description": "password or badge"})
    login = ma.fields.String(
        allow_none=True, metadata={"description": "The username or badge tried"}
    )
    user_id = ma.fields.Integer(allow_none=True)
    actor_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "Who unlocked or ended sessions"}
    )
    client_address = ma.fields.String(allow_none=True)
    device_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()


class UserCreateIn(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(1, USERNAME_MAX))
    role = ma.fields.String(required=True, validate=validate.OneOf(ALL_ROLES))
    password = ma.fields.String(
        required=True, validate=validate.Length(1, PASSWORD_MAX), load_only=True
    )
    display_name = ma.fields.String(validate=validate.Length(1, DISPLAY_NAME_MAX))
    badge = ma.fields.String(validate=validate.Length(1, BADGE_MAX))
    pin = ma.fields.String(validate=validate.Length(1, PIN_MAX), load_only=True)


class UserPatchIn(ma.Schema):
    """Only the fields sent change; badge or pin null removes it."""

    role = ma.fields.String(validate=validate.OneOf(ALL_ROLES))
    active = ma.fields.Boolean()
    display_name = ma.fields.String(validate=validate.Length(1, DISPLAY_NAME_MAX))
    password = ma.fields.String(validate=validate.Length(1, PASSWORD_MAX), load_only=True)
    badge = ma.fields.String(allow_none=True, validate=validate.Length(1, BADGE_MAX))
    pin = ma.fields.String(allow_none=True, validate=validate.Length(1, PIN_MAX), load_only=True)


class ApiKeyCreateIn(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(1, 120))
    username = ma.fields.String(
        required=True,
        validate=validate.Length(1, USERNAME_MAX),
        metadata={"description": "The user the key acts as"},
    )


class ApiKeyOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    prefix = ma.fields.String(metadata={"description": "First characters of the key"})
    user_id = ma.fields.Integer()
    username = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class ApiKeyCreatedOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    key = ma.fields.String(metadata={"description": "Shown once: store it now"})
    prefix = ma.fields.String()
    username = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
