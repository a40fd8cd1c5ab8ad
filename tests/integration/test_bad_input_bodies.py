"""Bodies past the limits get a 4xx in the error shape, on every route, signed in or not:
nested too deep is 400 (no parser ever sees it, so no RecursionError and no traceback), and
a chunked body past the size limit is 413, as a sized one is.

Chunked requests go through the test client as a server that de-chunks (gunicorn) hands
them over: no Content-Length and wsgi.input_terminated set. tests/e2e/test_bad_input_server.py
sends the same requests to the real server.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from scanfloor.api.body_limits import MAX_JSON_DEPTH

TOKEN_URL = "/api/v1/auth/token"
JSON = "application/json"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_object(depth: int) -> str:
    return '{"username":' * depth + '"x"' + "}" * depth


def assert_error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.data[:300]
    error = resp.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    return dict(error)


def chunked(client: Any, path: str, body: bytes, **kwargs: Any) -> Any:
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": JSON, **kwargs.pop("headers", {})},
        environ_overrides={"wsgi.input_terminated": True},
        **kwargs,
    )


@pytest.mark.parametrize("body", [nested(1000), deep_object(1000), nested(MAX_JSON_DEPTH + 1)])
def test_deep_json_to_the_anonymous_sign_in_is_a_400_without_a_traceback(client, caplog, body):
    with caplog.at_level(logging.WARNING):
        resp = client.post(TOKEN_URL, data=body, content_type=JSON)
    error = assert_error(resp, 400, "body_too_deep")
    assert error["details"] == {"max_depth": MAX_JSON_DEPTH}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_json_at_the_depth_limit_reaches_the_schema(client):
    resp = client.post(TOKEN_URL, data=nested(MAX_JSON_DEPTH), content_type=JSON)
    assert_error(resp, 422, "validation_failed")  # parsed, and refused by the schema


def test_deep_json_is_refused_on_routes_behind_sign_in_too(client, auth):
    headers = {**auth("manager"), "Idempotency-Key": "deep-1"}
    for path in ("/api/v1/movements", "/api/v1/orders", "/api/v1/purchase-orders"):
        resp = client.post(path, data=nested(1000), content_type=JSON, headers=headers)
        assert_error(resp, 400, "body_too_deep")


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "text/csv"])
def test_deep_json_under_another_content_type_is_refused_too(client, auth, content_type):
    # The idempotency fingerprint reads any body as JSON, whatever it is labelled.
    headers = {**auth("manager"), "Idempotency-Key": "deep-2"}
    resp = client.post(
        "/api/v1/movements", data=nested(1000), content_type=content_type, headers=headers
    )
    assert_error(resp, 400, "body_too_deep")


def test_brackets_inside_strings_are_text_not_nesting(client, users):
    body = json.dumps({"username": "[" * 2000, "password": "{" * 100})
    resp = client.post(TOKEN_URL, data=body, content_type=JSON)
    assert_error(resp, 422, "validation_failed")  # the username is too long, not too deep


def test_a_chunked_body_past_the_size_limit_is_413_like_a_sized_one(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = b'{"username": "' + b"x" * 8000 + b'", "password": "p"}'
    assert_error(client.post(TOKEN_URL, data=big, content_type=JSON), 413, "payload_too_large")
    assert_error(chunked(client, TOKEN_URL, big), 413, "payload_too_large")
    assert_error(chunked(client, TOKEN_URL, b" " * 4097), 413, "payload_too_large")


def test_a_chunked_body_within_the_limit_is_read_whole(app, client, users):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    body = b'{"username": "worker", "password": "worker-password-1"}'
    padded = body[:-1] + b" " * (4096 - len(body)) + b"}"  # exactly at the limit
    for sent in (body, padded):
        resp = chunked(client, TOKEN_URL, sent)
        assert resp.status_code == 200, resp.data[:300]
        assert resp.get_json()["token_type"] == "Bearer"


def test_a_chunked_form_past_the_limit_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    resp = client.post(
        TOKEN_URL,
        input_stream=io.BytesIO(b"username=" + b"x" * 8000),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_error(resp, 413, "payload_too_large")
