"""Request and response schemas of the KPI reports (reporting/report_service.py). Every KPI
answers in one shape: its catalogue entry (with the definition shown beside the figure),
the typed columns, one row per group of the breakdown and the total; a cell's type is its
column's (integer, decimal as text, text, date as YYYY-MM-DD), null where there is no
figure (nothing to rate, a value not known)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..reporting.filter_rules import DIMENSIONS
from .fields import RequestSchema

_CODE = validate.Length(1, 64)


class ReportArgs(RequestSchema):
    date_from = fields.Date(
        data_key="from", load_default=None, metadata={"description": "First day, YYYY-MM-DD"}
    )
    date_to = fields.Date(
        data_key="to", load_default=None, metadata={"description": "Last day, YYYY-MM-DD"}
    )
    warehouse = fields.String(load_default=None, validate=_CODE, metadata={"description": "Code"})
    channel = fields.String(load_default=None, validate=_CODE, metadata={"description": "Code"})
    zone = fields.String(load_default=None, validate=_CODE, metadata={"description": "Code"})
    abc_class = fields.String(
        load_default=None,
        validate=validate.OneOf(("A", "B", "C")),
        metadata={"description": "A|B|C"},
    )
    supplier = fields.String(load_default=None, validate=_CODE, metadata={"description": "Code"})
    worker = fields.String(load_default=None, validate=_CODE, metadata={"description": "Username"})
    by = fields.String(
        load_default=None,
        validate=validate.Length(1, 32),
        metadata={"description": "A breakdown the KPI takes (its catalogue entry lists them)"},
    )

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None and start > end:
            raise ma.ValidationError("from is after to", "from")


class RecordArgs(ReportArgs):
    group = fields.String(
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "The row's label; omitted: every record behind the report"},
    )


class KpiSchema(ma.Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    unit = fields.String(required=True)
    definition = fields.String(required=True, metadata={"description": "Shown beside it"})
    filters = fields.List(fields.String(), required=True)
    breakdowns = fields.List(fields.String(), required=True)
    dashboards = fields.List(fields.String(), required=True)
    available = fields.Boolean(
        required=True, metadata={"description": "false: what it counts is not recorded yet"}
    )


class CatalogueSchema(ma.Schema):
    role = fields.String(required=True)
    dashboards = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), required=True,
        metadata={"description": "The caller's dashboards and the KPI ids each shows"},
    )  # fmt: skip
    kpis = fields.List(fields.Nested(KpiSchema), required=True)


class ColumnSchema(ma.Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    type = fields.String(
        required=True, validate=validate.OneOf(("integer", "decimal", "text", "date"))
    )


class RowSchema(ma.Schema):
    label = fields.String(
        allow_none=True, required=True, metadata={"description": "The group; null: all"}
    )
    cells = fields.Dict(
        keys=fields.String(), values=fields.Raw(allow_none=True), required=True,
        metadata={"description": "Column name -> value, typed by the column"},
    )  # fmt: skip


class ReportSchema(ma.Schema):
    kpi = fields.Nested(KpiSchema, required=True)
    filters = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    by = fields.String(allow_none=True, required=True)
    as_of = fields.Date(required=True)
    columns = fields.List(fields.Nested(ColumnSchema), required=True)
    rows = fields.List(fields.Nested(RowSchema), required=True)
    total = fields.Nested(RowSchema, allow_none=True, required=True)
    notes = fields.List(fields.String(), required=True)


class RecordsSchema(ma.Schema):
    kpi = fields.String(required=True)
    group = fields.String(allow_none=True, required=True)
    records = fields.List(
        fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True)),
        required=True,
        metadata={"description": "The records the rule counted, as the rule reads them"},
    )


FILTER_NAMES = ("date_from", "date_to", *DIMENSIONS)
