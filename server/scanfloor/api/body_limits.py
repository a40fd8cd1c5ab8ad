"""Request bodies past the limits are refused before anything parses them: nested too deep
(400), or streamed (chunked) past the size limit (413).

Python's json parser recurses once per level: a body of a thousand `[` (a few kilobytes,
well under the size limit) raised RecursionError inside the parser, which is not the
ValueError Flask and webargs turn into a 400, so it answered 500 with a traceback in the
log, anonymously too (/api/v1/auth/token). No request of this API nests past a handful of
levels, so one hook, before every other hook and view, scans the raw body and refuses
anything deeper than MAX_JSON_DEPTH with a 400 in the error shape.

Every body is scanned whatever its Content-Type, because some code parses bodies as JSON
without asking (the idempotency fingerprint); form and multipart bodies are left to the
form parser. The scan is cheap: a body with no more than MAX_JSON_DEPTH brackets in all
cannot nest deeper and is passed after two byte counts; otherwise strings are cut out and
the brackets left are walked once.

The size limit (MAX_CONTENT_LENGTH, SCANFLOOR_MAX_BODY_BYTES) refuses a body that declares
its length up front. A chunked body declares none: Werkzeug then reads it up to the limit
and silently stops there, so the view parsed a cut-off body (a 400 for broken JSON at best).
Here a streamed body that reaches the limit is checked for one byte more, and refused with
413 like a sized one.

A view that takes larger bodies (a photo upload) says so with `@larger_body(<setting>)`:
for its requests only, the limit is that setting plus room for the multipart framing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.guard import route_handler
from ..errors import BodyTooDeep

F = TypeVar("F", bound=Callable[..., Any])
LARGER_BODY = "larger_body_setting"
FORM_FRAMING = 64 * 1024  # multipart boundaries, part headers and small fields

MAX_JSON_DEPTH = 32
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects in `body` nest more than `limit` deep (brackets inside
    JSON strings do not count). Pure: bytes in, a verdict out."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def larger_body(setting: str) -> Callable[[F], F]:
    """Mark a view whose body may be as large as the config `setting` (bytes)."""

    def mark(func: F) -> F:
        setattr(func, LARGER_BODY, setting)
        return func

    return mark


def _raise_limit_for_marked_view() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    handler = None if view is None else route_handler(view, request.method)
    setting = getattr(handler, LARGER_BODY, None)
    if setting is not None:
        request.max_content_length = int(current_app.config[setting]) + FORM_FRAMING


def refuse_bodies_past_limits() -> None:
    """before_request hook: 413 for a streamed body past the size limit, 400 for a body
    nested past MAX_JSON_DEPTH."""
    _raise_limit_for_marked_view()
    if request.mimetype in FORM_TYPES:
        _refuse_streamed_past_limit(None)
        return
    body = request.get_data(cache=True)
    _refuse_streamed_past_limit(body)
    if body and nesting_exceeds(body):
        raise BodyTooDeep(
            f"the body nests deeper than {MAX_JSON_DEPTH} levels", {"max_depth": MAX_JSON_DEPTH}
        )


def _refuse_streamed_past_limit(body: bytes | None) -> None:
    limit = request.max_content_length
    streamed = request.content_length is None and "wsgi.input_terminated" in request.environ
    if limit is None or not streamed:
        return  # a declared length is checked by Werkzeug; no length and no stream: no body
    if body is None:  # a form: its parser reads the stream, which stops at the limit
        body = request.get_data(cache=True)
    # Werkzeug stopped reading at the limit: a byte beyond it means the body is too large.
    if len(body) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
