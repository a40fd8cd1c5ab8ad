"""Carton types: the boxes a pack station closes cartons as (sizes, tare, maximum weight)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import DuplicateCode, ValidationFailed
from ..extensions import db
from .models import CartonType

MAX_CODE = 32


@dataclass(frozen=True)
class CartonTypeView:
    id: int
    code: str
    name: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int
    max_weight_g: int | None
    active: bool


def _view(t: CartonType) -> CartonTypeView:
    return CartonTypeView(
        t.id,
        t.code,
        t.name,
        t.length_mm,
        t.width_mm,
        t.height_mm,
        t.tare_g,
        t.max_weight_g,
        t.active,
    )


def list_carton_types(include_inactive: bool = False) -> list[CartonTypeView]:
    """Carton types by code (active ones unless asked)."""
    query = select(CartonType).order_by(CartonType.code)
    if not include_inactive:
        query = query.where(CartonType.active.is_(True))
    return [_view(t) for t in db.session.scalars(query)]


def _code(raw: str) -> str:
    code = raw.strip().upper()
    if not code or len(code) > MAX_CODE or not code.isprintable() or " " in code:
        raise ValidationFailed(
            f"a carton type code is 1-{MAX_CODE} printable characters without spaces",
            {"field": "code"},
        )
    return code


def create_carton_type(
    *,
    code: str,
    name: str,
    length_mm: int,
    width_mm: int,
    height_mm: int,
    tare_g: int = 0,
    max_weight_g: int | None = None,
) -> CartonTypeView:
    """A new carton type; its code is also what a packer scans (or types) to close a carton."""
    clean = _code(code)
    if min(length_mm, width_mm, height_mm) < 1 or tare_g < 0:
        raise ValidationFailed("sizes are at least 1 mm and the tare at least 0 g")
    if max_weight_g is not None and max_weight_g <= tare_g:
        raise ValidationFailed(
            "the maximum weight must be more than the empty box weighs",
            {"tare_g": tare_g, "max_weight_g": max_weight_g},
        )
    try:
        with write_transaction():
            if db.session.scalar(select(CartonType.id).where(CartonType.code == clean)):
                raise DuplicateCode(f"carton type {clean} already exists", {"code": clean})
            row = CartonType(
                code=clean,
                name=" ".join(name.split()) or clean,
                length_mm=length_mm,
                width_mm=width_mm,
                height_mm=height_mm,
                tare_g=tare_g,
                max_weight_g=max_weight_g,
                active=True,
            )
            db.session.add(row)
            db.session.flush()
            return _view(row)
    except IntegrityError as exc:  # a concurrent create of the same code (PostgreSQL)
        raise DuplicateCode(f"carton type {clean} already exists", {"code": clean}) from exc
