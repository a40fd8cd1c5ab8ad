"""Pack-level and item-barcode use cases: add, change and remove them on an item."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from .barcode_registry import ensure_free, explain_clash, guarded_write, product_code
from .items_service import load_item, pack_view, require_pack_ladder
from .models import Barcode, Item, PackLevel
from .results import ItemBarcodeView, PackView
from .rules import PACK_ORDER


def _pack_of(item: Item, pack_id: int) -> PackLevel:
    for pack in item.packs:
        if pack.id == pack_id:
            return pack
    raise NotFound("this item has no such pack level", {"item_id": item.id, "pack_id": pack_id})


def add_pack(item_id: int, *, level: str, quantity: int, barcodes: Sequence[str] = ()) -> PackView:
    """Add a pack level (inner, case, pallet) with its barcodes to an item."""
    coded = [product_code(raw) for raw in barcodes]
    codes = [code for _, code in coded]
    with write_transaction():
        item = load_item(item_id)
        if any(p.level == level for p in item.packs):
            raise Conflict(
                f"this item already has a {level} pack level; change its quantity instead",
                {"item_id": item_id, "level": level},
            )
        require_pack_ladder([(p.level, p.quantity) for p in item.packs] + [(level, quantity)])
        ensure_free(codes)
        pack = PackLevel(level=level, quantity=quantity)
        pack.barcodes = [
            Barcode(code=code, symbology=symbology, target="pack") for symbology, code in coded
        ]
        with guarded_write(lambda: explain_clash(codes)):
            item.packs.append(pack)
        return pack_view(pack)


def change_pack(item_id: int, pack_id: int, *, quantity: int) -> PackView:
    """Change how many base units a pack level holds; the ladder must still rise."""
    with write_transaction():
        item = load_item(item_id)
        pack = _pack_of(item, pack_id)
        require_pack_ladder(
            [(p.level, quantity if p.id == pack_id else p.quantity) for p in item.packs]
        )
        pack.quantity = quantity
        db.session.flush()
        return pack_view(pack)


def remove_pack(item_id: int, pack_id: int) -> None:
    """Remove a pack level and its barcodes; the 'each' level always stays."""
    with write_transaction():
        item = load_item(item_id)
        pack = _pack_of(item, pack_id)
        if pack.level == "each":
            raise ValidationFailed(
                "the 'each' pack level cannot be removed", {"item_id": item_id, "pack_id": pack_id}
            )
        item.packs.remove(pack)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError as exc:
            raise Conflict(
                "this pack level is in use elsewhere and cannot be removed",
                {"item_id": item_id, "pack_id": pack_id},
            ) from exc


def add_item_barcode(item_id: int, *, code: str, level: str = "each") -> ItemBarcodeView:
    """Give one of an item's pack levels another barcode."""
    if level not in PACK_ORDER:
        raise ValidationFailed("unknown pack level", {"level": level, "allowed": list(PACK_ORDER)})
    symbology, stored = product_code(code)
    with write_transaction():
        item = load_item(item_id)
        pack = next((p for p in item.packs if p.level == level), None)
        if pack is None:
            raise ValidationFailed(
                f"this item has no {level} pack level; add it first",
                {"item_id": item_id, "level": level},
            )
        ensure_free([stored])
        barcode = Barcode(code=stored, symbology=symbology, target="pack")
        with guarded_write(lambda: explain_clash([stored])):
            pack.barcodes.append(barcode)
        return ItemBarcodeView(
            id=barcode.id,
            code=barcode.code,
            symbology=barcode.symbology,
            item_id=item.id,
            pack_id=pack.id,
            level=pack.level,
        )


def remove_item_barcode(item_id: int, barcode_id: int) -> None:
    """Take a barcode off an item; the code is then free for anything else."""
    with write_transaction():
        barcode = db.session.scalars(
            select(Barcode)
            .join(PackLevel, PackLevel.id == Barcode.pack_id)
            .where(Barcode.id == barcode_id, PackLevel.item_id == item_id)
        ).first()
        if barcode is None:
            raise NotFound(
                "this item has no such barcode", {"item_id": item_id, "barcode_id": barcode_id}
            )
        db.session.delete(barcode)
        db.session.flush()
