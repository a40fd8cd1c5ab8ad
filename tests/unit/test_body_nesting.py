"""How deep a request body nests, counted before any parser sees it (api/body_limits.py).

Arrays and objects count; brackets inside JSON strings (escaped quotes included) do not.
"""

from __future__ import annotations

import json

import pytest

from scanfloor.api.body_limits import MAX_JSON_DEPTH, nesting_exceeds


def nested(depth: int, open_: str = "[", close: str = "]") -> bytes:
    return (open_ * depth + close * depth).encode()


def test_a_body_at_the_limit_passes_and_one_level_more_does_not():
    assert not nesting_exceeds(nested(MAX_JSON_DEPTH))
    assert nesting_exceeds(nested(MAX_JSON_DEPTH + 1))


def test_objects_and_arrays_count_alike():
    doc: object = 1
    for level in range(MAX_JSON_DEPTH + 1):
        doc = {"k": doc} if level % 2 else [doc]
    assert nesting_exceeds(json.dumps(doc).encode())
    assert not nesting_exceeds(json.dumps(doc).encode(), limit=MAX_JSON_DEPTH + 1)


def test_a_thousand_levels_is_refused():
    assert nesting_exceeds(nested(1000))
    assert nesting_exceeds(b"[" * 100_000)  # never closed: still too deep


def test_many_shallow_structures_side_by_side_pass():
    lines = [{"sku": f"S-{n}", "qty": [n, {"x": []}]} for n in range(2000)]
    assert not nesting_exceeds(json.dumps({"lines": lines}).encode())


@pytest.mark.parametrize(
    "text",
    [
        "[" * 500,
        '\\"' + "{" * 500,  # an escaped quote does not end the string
        "]" * 50 + "[" * 500,
    ],
)
def test_brackets_inside_strings_do_not_count(text):
    body = json.dumps({"note": text, "lines": [[1]]}).encode()
    assert not nesting_exceeds(body)


def test_closing_brackets_in_excess_do_not_hide_deep_nesting():
    assert nesting_exceeds(b"]]]]" + nested(MAX_JSON_DEPTH + 1))


def test_the_limit_is_a_parameter():
    assert nesting_exceeds(nested(3), limit=2)
    assert not nesting_exceeds(nested(2), limit=2)
