"""Schemas for signing in, users and API keys. No schema here ever dumps a hash."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from ..auth.models import ROLES
from ..auth.rules import (
    BADGE_MAX,
    DISPLAY_NAME_MAX,
    PASSWORD_MAX,
    PIN_MAX,
    USERNAME_MAX,
)


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
    has_password = ma.fields.Function(lambda u: u.password_hash is not None)
    has_pin = ma.fields.Function(lambda u: u.pin_hash is not None)
    locked_until = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class UserCreateIn(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(1, USERNAME_MAX))
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES))
    password = ma.fields.String(
        required=True, validate=validate.Length(1, PASSWORD_MAX), load_only=True
    )
    display_name = ma.fields.String(validate=validate.Length(1, DISPLAY_NAME_MAX))
    badge = ma.fields.String(validate=validate.Length(1, BADGE_MAX))
    pin = ma.fields.String(validate=validate.Length(1, PIN_MAX), load_only=True)


class UserPatchIn(ma.Schema):
    """Only the fields sent change; badge or pin null removes it."""

    role = ma.fields.String(validate=validate.OneOf(ROLES))
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
