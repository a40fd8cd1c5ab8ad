"""Containers: totes, cartons and pallets, by LPN or SSCC."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog import containers_service
from ..catalog.results import ContainerView, Page
from .idempotency import idempotent
from .location_schemas import (
    ContainerCreateSchema,
    ContainerListArgsSchema,
    ContainerPageSchema,
    ContainerPatchSchema,
    ContainerSchema,
)

blp = Blueprint("containers_api", __name__, url_prefix="/api/v1", description="Containers")


@blp.route("/containers")
class Containers(MethodView):
    @blp.arguments(ContainerListArgsSchema, location="query")
    @blp.response(200, ContainerPageSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> Page[ContainerView]:
        """List containers, filtered by location, kind, active or part of the code."""
        return containers_service.list_containers(**args)

    @idempotent
    @blp.arguments(ContainerCreateSchema)
    @blp.response(201, ContainerSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> ContainerView:
        """Register a container by its LPN or SSCC."""
        return containers_service.create_container(**args)


@blp.route("/containers/<int:container_id>")
class ContainerById(MethodView):
    @blp.response(200, ContainerSchema)
    @requires("worker")
    def get(self, container_id: int) -> ContainerView:
        """One container."""
        return containers_service.get_container(container_id)

    @idempotent
    @blp.arguments(ContainerPatchSchema)
    @blp.response(200, ContainerSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], container_id: int) -> ContainerView:
        """Place an empty container elsewhere or (de)activate it; moves no stock."""
        return containers_service.update_container(container_id, args)
