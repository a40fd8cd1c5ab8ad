"""Text carrying the NUL character (U+0000) is refused before any view sees it: 422.

PostgreSQL text (and jsonb) cannot hold NUL, so psycopg refuses to send one: a NUL in a query
parameter, a JSON string or a path segment reached a query as a 500 on PostgreSQL (and was
stored, or matched nothing, on SQLite). No Scanfloor value has any use for it, so one
before_request hook refuses it for every API endpoint at once, rather than each schema field
remembering to: query-string names and values, path segments, form fields, every string
(object keys too) of a JSON body, whatever the body's declared type, as body_limits.py scans
every body, and a text body or text file upload (a CSV import) holding a raw NUL byte.

The answer is the validation error's shape, fields by location then name
(`{"fields": {"json": {"lines": {"0": {"sku": [...]}}}}}`), so a client reads it like any other.
It runs after the sign-in check: an anonymous caller still gets 401 first.

Only the API is checked: the console and scanner pages are static files that ignore the query
string, and a NUL in their URL already answers 404, never 500. An endpoint whose own
validation refuses a NUL with a more precise answer before anything reaches the database
opts out with `checks_nul_itself` (barcode resolution: a scan with a control character is
`invalid_barcode`, reason `control_character`, which the scanner sounds as a bad scan).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from ..errors import ValidationFailed
from .body_limits import FORM_TYPES

API_PREFIX = "/api/"
NUL = "\x00"
MESSAGE = "text may not contain the NUL character (U+0000)"
# A NUL reaches a JSON string only escaped (a raw control character is invalid JSON), or as
# raw bytes of a UTF-16/32 body: a body with neither is passed after two byte searches.
_ESCAPED = b"\\u0000"
_RAW = b"\x00"
# Text bodies besides text/*: the CSV types the PO import takes (api/receiving_api.py).
TEXT_TYPES = frozenset({"application/csv", "application/vnd.ms-excel"})
TEXT_SUFFIXES = (".csv", ".txt")


def _mark(found: dict[str, Any], path: tuple[str, ...]) -> None:
    """Record a refused field at `path` in the nested details (the leaf is a message list)."""
    node = found
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = [MESSAGE]


def json_paths_with_nul(value: Any, path: tuple[str, ...] = ()) -> Iterable[tuple[str, ...]]:
    """The paths (keys, list indexes as text) of a parsed JSON value whose string, or whose
    key, holds a NUL. Pure: a value in, paths out."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield (*path, key)
            else:
                yield from json_paths_with_nul(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths_with_nul(item, (*path, str(index)))


def _pairs_with_nul(pairs: Iterable[tuple[str, Any]]) -> list[str]:
    return sorted({k for k, v in pairs if NUL in k or (isinstance(v, str) and NUL in v)})


def _is_text(mimetype: str) -> bool:
    return mimetype.startswith("text/") or mimetype in TEXT_TYPES


def _text_upload_has_nul(upload: FileStorage) -> bool:
    """A text file (a CSV import) holding a raw NUL; binary files (photos) are not read.
    Browsers label a .csv file variously (octet-stream too), so its name counts as well."""
    named = (upload.filename or "").lower().endswith(TEXT_SUFFIXES)
    if not (_is_text(upload.mimetype) or named):
        return False
    data = upload.stream.read()
    upload.stream.seek(0)  # the view reads the file again
    return _RAW in data


def _body_paths() -> dict[str, list[tuple[str, ...]]]:
    """Where in the body text holds a NUL, by location: JSON strings, or a text body."""
    body = request.get_data(cache=True)
    if _ESCAPED not in body and _RAW not in body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        # Not JSON: a text body (a CSV import) with a raw NUL is refused whole; anything
        # else (broken JSON) is left to the view to refuse as such.
        text = _is_text(request.mimetype) and _RAW in body
        return {"body": [("_schema",)]} if text else {}
    # A bare JSON string holding NUL is the body as a whole: webargs's name for that.
    return {"json": [p or ("_schema",) for p in json_paths_with_nul(parsed)]}


def _form_names() -> list[str]:
    names = _pairs_with_nul(request.form.items(multi=True))
    files = [k for k, f in request.files.items(multi=True) if _text_upload_has_nul(f)]
    return sorted({*names, *files})


def checks_nul_itself(view_class: type[Any]) -> type[Any]:
    """Mark an endpoint (its MethodView class) that refuses a NUL itself (module docstring)."""
    view_class.checks_nul_itself = True
    return view_class


def _opted_out() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(getattr(view, "view_class", None), "checks_nul_itself", False))


def refuse_nul_characters() -> None:
    """before_request hook (after the sign-in check, so an anonymous caller still gets
    401): 422 naming every query, path, form or body field whose text holds a NUL."""
    if not request.path.startswith(API_PREFIX) or _opted_out():
        return
    found: dict[str, list[tuple[str, ...]]] = {
        "query": [(n,) for n in _pairs_with_nul(request.args.items(multi=True))],
        "path": [(n,) for n in _pairs_with_nul((request.view_args or {}).items())],
    }
    if request.mimetype in FORM_TYPES:
        found["form"] = [(n,) for n in _form_names()]
    else:
        found.update(_body_paths())
    fields: dict[str, Any] = {}
    for location, paths in found.items():
        for path in paths:
            _mark(fields.setdefault(location, {}), path)
    if fields:
        raise ValidationFailed("the request did not pass validation", {"fields": fields})
