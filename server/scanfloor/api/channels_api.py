"""Sales channels, their pools and listings, kits, routing ranks and available-to-sell."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..allocation import ats, channels_service
from ..auth.guard import requires
from .allocation_schemas import (
    AvailabilityArgsSchema,
    AvailabilitySchema,
    ChannelCreateSchema,
    ChannelPatchSchema,
    ChannelSchema,
    ItemAtsSchema,
    KitSchema,
    ListingSchema,
    PoolSchema,
    RegionRankSchema,
)
from .idempotency import idempotent

blp = Blueprint("channels_api", __name__, url_prefix="/api/v1", description="Sales channels")


@blp.route("/channels")
class Channels(MethodView):
    @blp.response(200, ChannelSchema(many=True))
    @requires("supervisor", also=("finance",))
    def get(self) -> list[channels_service.ChannelView]:
        """Every channel, highest priority first."""
        return channels_service.list_channels()

    @idempotent
    @blp.arguments(ChannelCreateSchema)
    @blp.response(201, ChannelSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> channels_service.ChannelView:
        """Create a sales channel with its rules and the warehouses it ships from."""
        return channels_service.create_channel(**body)


@blp.route("/channels/<code>")
class ChannelByCode(MethodView):
    @blp.response(200, ChannelSchema)
    @requires("supervisor")
    def get(self, code: str) -> channels_service.ChannelView:
        """One channel."""
        return channels_service.get_channel(code)

    @idempotent
    @blp.arguments(ChannelPatchSchema)
    @blp.response(200, ChannelSchema)
    @requires("manager")
    def patch(self, body: dict[str, Any], code: str) -> channels_service.ChannelView:
        """Change a channel's rules (its connectors are told to take a full snapshot)."""
        return channels_service.update_channel(code, body)


@blp.route("/channels/<code>/pools")
class ChannelPools(MethodView):
    @blp.response(200, PoolSchema(many=True))
    @requires("supervisor")
    def get(self, code: str) -> list[channels_service.PoolView]:
        """The channel's ring-fenced pools."""
        return channels_service.list_pools(code)

    @idempotent
    @blp.arguments(PoolSchema)
    @blp.response(200, PoolSchema(many=True))
    @requires("manager")
    def post(self, body: dict[str, Any], code: str) -> list[channels_service.PoolView]:
        """Set the units of an item in a warehouse ring-fenced for the channel (0 removes)."""
        return channels_service.set_pool(code, **body)


@blp.route("/channels/<code>/listings")
class ChannelListings(MethodView):
    @idempotent
    @blp.arguments(ListingSchema)
    @blp.response(201, ListingSchema)
    @requires("manager")
    def post(self, body: dict[str, Any], code: str) -> dict[str, Any]:
        """Map the channel's own listing id to a SKU."""
        return channels_service.add_listing(code, **body)


@blp.route("/channels/<code>/availability")
class ChannelAvailability(MethodView):
    @blp.arguments(AvailabilityArgsSchema, location="query")
    @blp.response(200, AvailabilitySchema)
    @requires("manager")
    def get(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Available-to-sell: a full snapshot, or only what changed since `cursor`."""
        got = ats.channel_availability(code, args.get("cursor"))
        return {
            "channel": got.channel,
            "cursor": got.cursor,
            "full": got.full,
            "items": [{"item_id": i, "sku": sku, "ats": q} for i, sku, q in got.items],
        }


@blp.route("/items/<int:item_id>/ats")
class ItemAts(MethodView):
    @blp.response(200, ItemAtsSchema)
    @requires("supervisor")
    def get(self, item_id: int) -> dict[str, Any]:
        """One item's available-to-sell in every channel."""
        return {"item_id": item_id, "channels": ats.item_ats_across_channels(item_id)}


@blp.route("/kits")
class Kits(MethodView):
    @idempotent
    @blp.arguments(KitSchema)
    @blp.response(200, KitSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Define a kit SKU as components x quantity (orders for it expand to them)."""
        return channels_service.set_kit(
            body["sku"], [(c["sku"], c["quantity"]) for c in body["components"]]
        )


@blp.route("/warehouse-regions")
class WarehouseRegions(MethodView):
    @idempotent
    @blp.arguments(RegionRankSchema)
    @blp.response(200, RegionRankSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Rank a warehouse for a ship-to region (lower ships first)."""
        return channels_service.set_region_rank(**body)
