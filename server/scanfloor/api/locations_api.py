"""Locations: the warehouse -> zone -> bin tree."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog import locations_service
from ..catalog.results import LocationView, Page
from .idempotency import idempotent
from .location_schemas import (
    LocationCreateSchema,
    LocationListArgsSchema,
    LocationPageSchema,
    LocationPatchSchema,
    LocationSchema,
)

blp = Blueprint("locations_api", __name__, url_prefix="/api/v1", description="Locations")


@blp.route("/locations")
class Locations(MethodView):
    @blp.arguments(LocationListArgsSchema, location="query")
    @blp.response(200, LocationPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[LocationView]:
        """List locations, filtered by warehouse, type, level, active or text."""
        return locations_service.list_locations(**args)

    @idempotent
    @blp.arguments(LocationCreateSchema)
    @blp.response(201, LocationSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> LocationView:
        """Create a warehouse, zone or bin; its barcode defaults to its code."""
        return locations_service.create_location(**args)


@blp.route("/locations/<int:location_id>")
class LocationById(MethodView):
    @blp.response(200, LocationSchema)
    @requires("worker", also=("finance",))
    def get(self, location_id: int) -> LocationView:
        """One location with its barcode."""
        return locations_service.get_location(location_id)

    @idempotent
    @blp.arguments(LocationPatchSchema)
    @blp.response(200, LocationSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], location_id: int) -> LocationView:
        """Change a location (virtual locations are fixed; one holding stock stays active)."""
        return locations_service.update_location(location_id, args)
