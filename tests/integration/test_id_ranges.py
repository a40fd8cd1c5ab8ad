"""An id beyond what the database holds is a 4xx in the one error shape, on every route.

Python ints are unbounded; database keys stop at 2**31-1 (INTEGER) or 2**63-1 (BIGINT), and
on PostgreSQL a larger parameter is an error, not an empty result (api/fields.py). The walk
covers every rule of the URL map (API, console and scanner), so a new route is checked the
day it is added; the schema walk does the same for every integer an endpoint parses.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from werkzeug.routing import IntegerConverter, Rule

from scanfloor import create_app
from scanfloor.api.fields import MAX_ID, MAX_INT32
from scanfloor.auth.guard import route_handler
from scanfloor.config import Settings

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def url_map_app() -> Any:
    return create_app(Settings(mode="test", database_url="sqlite://"))


def _int_routes(app: Any) -> list[tuple[Rule, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)]
        if ints:
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                found.append((rule, method, ints))
    return found


def _path(rule: Rule, **values: Any) -> str:
    args = {name: values.get(name, 1) for name in rule.arguments}
    built = rule.build(args, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def _problem(resp: Any, *, allow_success: bool) -> str | None:
    if resp.status_code >= 500:
        return f"answered {resp.status_code}"
    if resp.status_code < 400:
        return None if allow_success else f"answered {resp.status_code}, expected a 4xx"
    body = resp.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return f"{resp.status_code} without the error shape: {resp.data[:120]!r}"
    return None


def test_every_id_route_is_bounded_to_a_bigint(url_map_app):
    routes = _int_routes(url_map_app)
    assert len(routes) > 20  # the walk sees the app's id routes, not an empty map
    for rule, _method, ints in routes:
        for name in ints:
            assert rule._converters[name].max in (MAX_INT32, MAX_ID), rule.rule


def _beyond(rule: Rule, name: str) -> tuple[int, ...]:
    """Numbers no key of this route can hold: 404 before any view runs."""
    return (rule._converters[name].max + 1, 2**63, 2**64, -1)


def _at_the_edge(rule: Rule, name: str) -> tuple[int, ...]:
    """Valid numbers no row has: the view runs and the database answers."""
    largest = rule._converters[name].max
    return (largest, min(largest, MAX_INT32 + 1))


def test_an_id_beyond_64_bits_answers_4xx_on_every_route(app, client, auth):
    headers = auth("admin")
    problems = []
    for rule, method, ints in _int_routes(app):
        for name in ints:
            for value in _beyond(rule, name):
                path = _path(rule, **{name: value})
                resp = client.open(path, method=method, headers=headers, json={})
                if (problem := _problem(resp, allow_success=False)) is not None:
                    problems.append(f"{method} {path}: {problem}")
                elif resp.status_code != 404:
                    problems.append(f"{method} {path}: {resp.status_code}, expected 404")
    assert problems == [], "\n".join(problems)


def test_the_largest_ids_reach_the_database_and_answer_cleanly(app, client, auth):
    headers = auth("admin")
    problems = []
    for rule, method, ints in _int_routes(app):
        for name in ints:
            for value in _at_the_edge(rule, name):
                path = _path(rule, **{name: value})
                resp = client.open(path, method=method, headers=headers, json={})
                # Console pages are shells that load their data from the API: 200 is fine.
                if (problem := _problem(resp, allow_success=True)) is not None:
                    problems.append(f"{method} {path}: {problem}")
    assert problems == [], "\n".join(problems)


def _integers(schema: Any, path: str = "") -> list[tuple[str, ma.fields.Integer]]:
    instance = schema() if isinstance(schema, type) else schema
    if isinstance(instance, dict):
        instance = ma.Schema.from_dict(instance)()
    out: list[tuple[str, ma.fields.Integer]] = []
    for name, field in instance.fields.items():
        out += _field_integers(field, path + name)
    return out


def _field_integers(field: Any, path: str) -> list[tuple[str, ma.fields.Integer]]:
    if isinstance(field, ma.fields.Nested):
        return _integers(field.schema, path + ".")
    if isinstance(field, ma.fields.List):
        return _field_integers(field.inner, path + "[]")
    if isinstance(field, ma.fields.Dict) and field.value_field is not None:
        return _field_integers(field.value_field, path + "{}")
    if isinstance(field, ma.fields.Integer):
        return [(path, field)]
    return []


def _bounded(field: ma.fields.Integer) -> bool:
    for check in field.validators:
        if isinstance(check, ma.validate.Range) and None not in (check.min, check.max):
            return bool(check.min >= -MAX_ID - 1 and check.max <= MAX_ID)
        if isinstance(check, ma.validate.OneOf):
            return all(isinstance(c, int) and abs(c) <= MAX_ID for c in check.choices)
    return False


def test_every_integer_an_endpoint_accepts_has_a_range_the_database_can_hold(url_map_app):
    unbounded, checked = [], 0
    for rule in url_map_app.url_map.iter_rules():
        view = url_map_app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            handler = route_handler(view, method)
            params = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            for param in params:
                for path, field in _integers(param["schema"]):
                    checked += 1
                    if not _bounded(field):
                        unbounded.append(f"{method} {rule.rule} {param['location']}: {path}")
    assert checked > 20
    assert unbounded == []
