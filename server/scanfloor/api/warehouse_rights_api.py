"""Warehouse rights: which warehouses a user may see (live feed rooms; docs/decisions/0012)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import service
from ..auth.guard import requires
from .idempotency import idempotent
from .ledger_schemas import LocationRef

blp = Blueprint(
    "warehouse_rights_api", __name__, url_prefix="/api/v1", description="Warehouse rights"
)


class WarehouseOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class WarehouseRightsOut(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    role = ma.fields.String(required=True)
    every_warehouse = ma.fields.Boolean(
        required=True, metadata={"description": "managers and admins see every warehouse"}
    )
    warehouses = ma.fields.List(ma.fields.Nested(WarehouseOut), required=True)


class WarehouseRightsIn(ma.Schema):
    warehouses = ma.fields.List(
        LocationRef(),
        required=True,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "warehouse ids or codes; replaces the assigned set"},
    )


@blp.route("/users/<int:user_id>/warehouses")
class UserWarehouses(MethodView):
    @blp.response(200, WarehouseRightsOut)
    @requires("manager")
    def get(self, user_id: int) -> service.WarehouseRights:
        """The warehouses a user may see."""
        return service.warehouse_rights(user_id)

    @idempotent
    @blp.arguments(WarehouseRightsIn)
    @blp.response(200, WarehouseRightsOut)
    @requires("manager")
    def put(self, body: dict[str, Any], user_id: int) -> service.WarehouseRights:
        """Assign a user's warehouses (the whole set; managers and admins see all anyway)."""
        return service.set_user_warehouses(user_id, body["warehouses"])
