"""Catalog use cases, one import point for other contexts (each lives in its own module)."""

from .containers_service import create_container, get_container, list_containers, update_container
from .items_service import (
    PackSpec,
    create_item,
    deactivate_item,
    get_item,
    list_items,
    update_item,
)
from .locations_service import create_location, get_location, list_locations, update_location
from .lots_service import create_lot, get_lot, list_lots, update_lot
from .packs_service import (
    add_item_barcode,
    add_pack,
    change_pack,
    remove_item_barcode,
    remove_pack,
)

__all__ = [
    "PackSpec",
    "add_item_barcode",
    "add_pack",
    "change_pack",
    "create_container",
    "create_item",
    "create_location",
    "create_lot",
    "deactivate_item",
    "get_container",
    "get_item",
    "get_location",
    "get_lot",
    "list_containers",
    "list_items",
    "list_locations",
    "list_lots",
    "remove_item_barcode",
    "remove_pack",
    "update_container",
    "update_item",
    "update_location",
    "update_lot",
]
