"""Integers that can reach the database, bounded where they enter: in a URL or a body.

Python ints are unbounded, database ints are not: 2**63 in a body or a path used to reach
the driver and answer 500. On PostgreSQL the bound is tighter: SQLAlchemy casts a bound
parameter to its column's type (`= %(id)s::INTEGER`), so 2**31 against an INTEGER key is
an error, not "no such row". So an id is bounded by its key's column type:

- `Id` / `<int:x>`: INTEGER keys (items, locations, lots, containers, users, suppliers,
  purchase orders and their lines...), 1 to 2**31-1;
- `BigId` / `<bigid:x>`: BIGINT keys (movements, postings, orders, outbox messages), 1 to
  2**63-1.

Every other integer an endpoint accepts is bounded in one place: request schemas (path,
query and body, nested ones too) derive from `RequestSchema`, which gives any Integer
declared without a two-sided Range the range of an INTEGER column, in lists, tuples and
dict keys and values as well; a field that needs another range says so with its own Range.
The converters are registered by the app factory, `IdConverter` under Flask's own name
`int`, so every `<int:...>` rule (API, console, scanner) is bounded without each rule having
to remember. tests/integration/test_id_ranges*.py walk every route and every argument
schema, and fail on an integer (or any field that yields one) the database cannot hold.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # BIGINT; SQLite's INTEGER is the same 64 bits
MAX_INT32 = 2**31 - 1  # INTEGER columns on PostgreSQL
MIN_INT32 = -(2**31)


class Id(fields.Integer):
    """The id of a row with an INTEGER key: 1 to 2**31-1. Strict (no "5", no 5.0) unless
    told; query strings carry text, so query schemas pass strict=False."""

    largest = MAX_INT32

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        super().__init__(validate=validate.Range(1, self.largest), **kwargs)


class BigId(Id):
    """The id of a row with a BIGINT key: 1 to 2**63-1."""

    largest = MAX_ID


class IdConverter(IntegerConverter):
    """`<int:x>` for INTEGER keys: anything larger is a 404, like an id that does not exist.
    Digits are capped at 19 so int() never parses a huge string."""

    regex = r"\d{1,19}"
    largest = MAX_INT32

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", self.largest)
        super().__init__(map, *args, **kwargs)


class BigIdConverter(IdConverter):
    """`<bigid:x>` for BIGINT keys."""

    largest = MAX_ID


class Cursor(fields.String):
    """A page cursor: the last id of the previous page, as at most 18 ASCII digits (any
    such number fits a BIGINT; unicode digits are not digits here)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(r"\A[0-9]{0,18}\Z"), **kwargs)


class RequestSchema(ma.Schema):
    """Base of every request schema: an Integer declared without a two-sided Range gets
    MIN_INT32..MAX_INT32 (what every integer column holds), wherever it sits in the schema."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:  # type: ignore[type-arg]
        super().on_bind_field(field_name, field_obj)
        bound_integers(field_obj)


def bound_integers(field: fields.Field) -> None:  # type: ignore[type-arg]
    """Give every Integer in `field` (itself, or inside a List, Tuple or Dict) that has no
    two-sided Range the INTEGER column's range. Called on a schema instance's own copy of
    its fields, so the class and other instances are untouched."""
    if isinstance(field, fields.List):
        bound_integers(field.inner)
    elif isinstance(field, fields.Tuple):
        for inner in field.tuple_fields:
            bound_integers(inner)
    elif isinstance(field, fields.Dict):
        for part in (field.key_field, field.value_field):
            if part is not None:
                bound_integers(part)
    elif isinstance(field, fields.Integer) and not has_range(field):
        field.validators = [*field.validators, validate.Range(MIN_INT32, MAX_INT32)]


def has_range(field: fields.Field) -> bool:  # type: ignore[type-arg]
    return any(
        isinstance(v, validate.Range) and v.min is not None and v.max is not None
        for v in field.validators
    )
