"""The query arguments every cursor-paged list takes."""

from __future__ import annotations

from marshmallow import fields, validate

from ..catalog.results import MAX_PAGE
from .fields import RequestSchema


class PageArgs(RequestSchema):
    limit = fields.Integer(validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(max=20))
