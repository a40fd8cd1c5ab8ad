"""Fields whose wire form the OpenAPI document states exactly.

Money and fractions: one field type, DecimalText, a decimal written as a JSON string.

A JSON number is read as a float by most clients, and 0.1 + 0.2 is not 0.3: a price, a
cost, a tolerance or a cap fraction travels as text ("12.50"), in requests and in answers,
and the OpenAPI document says so (a string with a decimal pattern). Bounds are checked here
and named in the field's description; they are not written as numeric minimum/maximum,
which would not apply to a string. The pattern bounds the digits to the column's precision,
so a long number is a 422 here rather than an overflow in the database.

References by id or code (LocationRef, ContainerRef) describe themselves with id_or_code().
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow as ma
from marshmallow import fields

MESSAGE = 'send a decimal as a string, e.g. "12.50"'


class DecimalText(fields.Field):  # type: ignore[type-arg]
    """A decimal as a string: `digits` integer digits at most, `places` decimals at most,
    optionally bounded (`minimum`/`maximum`, each inclusive unless told). Loads a Decimal;
    dumps fixed-point text (never an exponent), quantized to `dump_places` when given."""

    def __init__(
        self,
        *,
        places: int = 6,
        digits: int = 18,
        minimum: Decimal | int | str | None = None,
        maximum: Decimal | int | str | None = None,
        min_inclusive: bool = True,
        max_inclusive: bool = True,
        dump_places: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.places = places
        self.digits = digits
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)
        self.min_inclusive = min_inclusive
        self.max_inclusive = max_inclusive
        self.dump_places = dump_places
        sign = "" if self.minimum is not None and self.minimum >= 0 else "-?"
        fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
        # ECMA and Python read this alike; fullmatch() below, so "$" cannot pass a "\n".
        self.pattern = rf"^{sign}[0-9]{{1,{digits}}}{fraction}$"
        self._regex = re.compile(self.pattern)

    def bounds_text(self) -> str:
        """The bounds in words, for the document (the pattern cannot say them)."""
        said = []
        if self.minimum is not None:
            said.append(f"{'at least' if self.min_inclusive else 'above'} {self.minimum}")
        if self.maximum is not None:
            said.append(f"{'at most' if self.max_inclusive else 'below'} {self.maximum}")
        return ", ".join(said)

    def openapi_properties(self) -> dict[str, Any]:
        """What the OpenAPI document says of this field (api/openapi_contract.py reads it)."""
        text = f"A decimal as a string, at most {self.places} decimals"
        if self.bounds_text():
            text += f"; {self.bounds_text()}"
        return {"type": "string", "pattern": self.pattern, "x-decimal": text}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Decimal:
        if not isinstance(value, str) or not self._regex.fullmatch(value):
            raise ma.ValidationError(
                f"{MESSAGE}: at most {self.digits} digits before the point, {self.places} after"
            )
        try:
            number = Decimal(value)
        except InvalidOperation as exc:  # the pattern admits only plain decimals; belt only
            raise ma.ValidationError(MESSAGE) from exc
        if self.minimum is not None and (
            number < self.minimum or (number == self.minimum and not self.min_inclusive)
        ):
            raise ma.ValidationError(f"must be {self.bounds_text()}")
        if self.maximum is not None and (
            number > self.maximum or (number == self.maximum and not self.max_inclusive)
        ):
            raise ma.ValidationError(f"must be {self.bounds_text()}")
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kw: Any) -> str | None:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if self.dump_places is not None:
            number = number.quantize(Decimal(1).scaleb(-self.dump_places))
        return format(number, "f")


def id_or_code(what: str) -> dict[str, Any]:
    """The OpenAPI form of a reference by id or by code (LocationRef, ContainerRef): an
    INTEGER key, or a code of at most 64 characters that is not blank."""
    return {
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "description": f"{what} id"},
            {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "pattern": r"\S",
                "description": f"{what} code",
            },
        ]
    }


class RowsAsIs(fields.List):  # type: ignore[type-arg]
    """A list the document describes by its rows' schema but that is dumped as given: for
    answers with a row per item (100k+), where dumping each row through a schema would cost
    more than computing it. The rows must already be what the schema says."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kw: Any) -> Any:
        return value
