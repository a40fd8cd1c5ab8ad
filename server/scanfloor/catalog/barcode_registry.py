"""The barcodes table as a registry: one code, one holder (a pack, a location or a container).

Services check a code is free before writing, and still flush inside a savepoint so that a
concurrent writer who took the code first (caught by the unique constraint) is reported the
same way: as BarcodeClash naming the holder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import BarcodeClash, InvalidBarcode, ScanfloorError
from ..extensions import db
from .codes import CodeError, canonical_barcode
from .models import Barcode, Container, Item, Location, PackLevel


def product_code(raw: str) -> tuple[str, str]:
    """(symbology, stored code) for a barcode printed on an item's pack."""
    try:
        return canonical_barcode(raw)
    except CodeError as exc:
        raise InvalidBarcode(str(exc), {"code": raw}) from exc


def holders(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each stored code already taken: what holds it (target and its identity)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(
            Barcode.id,
            Barcode.code,
            Barcode.target,
            Barcode.pack_id,
            PackLevel.level,
            Item.id.label("item_id"),
            Item.sku,
            Location.id.label("location_id"),
            Location.code.label("location_code"),
            Container.id.label("container_id"),
            Container.code.label("container_code"),
        )
        .outerjoin(PackLevel, PackLevel.id == Barcode.pack_id)
        .outerjoin(Item, Item.id == PackLevel.item_id)
        .outerjoin(Location, Location.id == Barcode.location_id)
        .outerjoin(Container, Container.id == Barcode.container_id)
        .where(Barcode.code.in_(wanted))
    ).all()
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        held: dict[str, Any] = {"target": r.target, "barcode_id": r.id}
        if r.target == "pack":
            held |= {"item_id": r.item_id, "sku": r.sku, "level": r.level, "pack_id": r.pack_id}
        elif r.target == "location":
            held |= {"location_id": r.location_id, "location_code": r.location_code}
        else:
            held |= {"container_id": r.container_id, "container_code": r.container_code}
        found[r.code] = held
    return found


def clash(code: str, held_by: dict[str, Any]) -> BarcodeClash:
    target = held_by["target"]
    if target == "pack":
        what = f"the {held_by['level']} pack of item {held_by['sku']}"
    elif target == "location":
        what = f"location {held_by['location_code']}"
    else:
        what = f"container {held_by['container_code']}"
    return BarcodeClash(
        f"barcode {code} is already used by {what}", {"code": code, "held_by": held_by}
    )


def ensure_free(codes: Sequence[str]) -> None:
    """Refuse codes given twice in one request, or already held by anything."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise BarcodeClash(
                f"barcode {code} is given twice in this request",
                {"code": code, "held_by": {"target": "this request"}},
            )
        seen.add(code)
    taken = holders(codes)
    for code in codes:
        if code in taken:
            raise clash(code, taken[code])


def explain_clash(codes: Sequence[str]) -> ScanfloorError | None:
    taken = holders(codes)
    for code in codes:
        if code in taken:
            return clash(code, taken[code])
    return None


@contextmanager
def guarded_write(*explainers: Callable[[], ScanfloorError | None]) -> Iterator[None]:
    """Make the block's changes in a savepoint; a unique-constraint failure becomes the first
    named error an explainer finds (else it propagates).

    Reached only when another transaction took a code between our check and our write. The
    changes must be made inside the block: entering it flushes what is already pending.
    """
    session = db.session
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        with session.no_autoflush:
            for explain in explainers:
                err = explain()
                if err is not None:
                    raise err from exc
        raise
