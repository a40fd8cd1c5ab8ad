"""An id beyond what the database holds is a 4xx in the one error shape, on every route.

Python ints are unbounded; database keys stop at 2**31-1 (INTEGER) or 2**63-1 (BIGINT), and
on PostgreSQL a larger parameter is an error, not an empty result (api/fields.py). The walk
covers every rule of the URL map (API, console and scanner), so a new route is checked the
day it is added; the schema walk does the same for every integer an endpoint parses, in the
path, the query and the body, nested schemas, lists, tuples and dicts included: every
integer has a range the database holds, every schema that holds an integer derives from
RequestSchema (the one place that bounds them by default), and no field of any request
schema, custom ones included, turns a number past 64 bits into an int.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from werkzeug.routing import IntegerConverter, Rule

from scanfloor import create_app
from scanfloor.api.fields import MAX_ID, MAX_INT32, RequestSchema
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
    if isinstance(field, ma.fields.Tuple):
        return [
            i for n, f in enumerate(field.tuple_fields) for i in _field_integers(f, f"{path}({n})")
        ]
    if isinstance(field, ma.fields.Dict):
        parts = [(field.key_field, "{key}"), (field.value_field, "{}")]
        return [i for f, tag in parts if f is not None for i in _field_integers(f, path + tag)]
    if isinstance(field, ma.fields.Integer):
        return [(path, field)]
    return []


def _argument_schemas(app: Any) -> list[tuple[str, Any]]:
    """(where, schema) for every argument schema of every route: path, query and body."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            handler = route_handler(view, method)
            params = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            for param in params:
                found.append((f"{method} {rule.rule} {param['in']}", param["schema"]))
    return found


def _schemas_within(schema: Any) -> list[ma.Schema]:
    """The schema and every schema nested in it, as instances."""
    instance = schema() if isinstance(schema, type) else schema
    if isinstance(instance, dict):
        instance = ma.Schema.from_dict(instance)()
    out = [instance]
    for field in _leaves(instance):
        if isinstance(field, ma.fields.Nested):
            out += _schemas_within(field.schema)
    return out


def _leaves(schema: ma.Schema) -> list[Any]:
    """Every field of a schema, lists, tuples and dicts opened (nested schemas not)."""
    out: list[Any] = []
    todo = list(schema.fields.values())
    while todo:
        field = todo.pop()
        if isinstance(field, ma.fields.List):
            todo.append(field.inner)
        elif isinstance(field, ma.fields.Tuple):
            todo += field.tuple_fields
        elif isinstance(field, ma.fields.Dict):
            todo += [f for f in (field.key_field, field.value_field) if f is not None]
        else:
            out.append(field)
    return out


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
                        unbounded.append(f"{method} {rule.rule} {param['in']}: {path}")
    assert checked > 20
    assert unbounded == []


def test_every_schema_that_takes_an_integer_is_a_request_schema(url_map_app):
    """One place bounds integers by default: a schema that holds one derives from it."""
    outside, checked = [], 0
    for where, schema in _argument_schemas(url_map_app):
        for instance in _schemas_within(schema):
            if any(isinstance(f, ma.fields.Integer) for f in _leaves(instance)):
                checked += 1
                if not isinstance(instance, RequestSchema):
                    outside.append(f"{where}: {type(instance).__name__}")
    assert checked > 20
    assert outside == []


PAST_64_BITS = (2**63, 2**64, -(2**63) - 1, 10**30)


def test_no_request_field_turns_a_number_past_64_bits_into_an_int(url_map_app):
    """Custom fields too (an id or a code, ...): whatever a field is, a number past what a
    BIGINT holds, sent as a number or as digits (a query string), is refused or is not an
    int, and refusing it is a ValidationError (a 422), never another exception (a 500)."""
    problems, probed = [], 0
    for where, schema in _argument_schemas(url_map_app):
        for instance in _schemas_within(schema):
            for field in _leaves(instance):
                if isinstance(field, ma.fields.Nested):
                    continue
                probed += 1
                for value in (*PAST_64_BITS, *map(str, PAST_64_BITS)):
                    try:
                        out = field.deserialize(value)
                    except ma.ValidationError:
                        continue
                    except Exception as exc:
                        problems.append(f"{where} {field.name}: {value!r} raised {exc!r}")
                        continue
                    if isinstance(out, int) and not -MAX_ID - 1 <= out <= MAX_ID:
                        problems.append(f"{where} {field.name}: {value!r} -> {out}")
    assert probed > 100
    assert problems == []


class _Plain(RequestSchema):
    number = ma.fields.Integer()
    numbers = ma.fields.List(ma.fields.Integer())
    by_number = ma.fields.Dict(keys=ma.fields.Integer(strict=False), values=ma.fields.Integer())
    pair = ma.fields.Tuple((ma.fields.Integer(), ma.fields.String()))
    wide = ma.fields.Integer(validate=ma.validate.Range(0, 10**12))
    floor_only = ma.fields.Integer(validate=ma.validate.Range(min=1))


@pytest.mark.parametrize(
    "body",
    [
        {"number": 2**31},
        {"number": -(2**31) - 1},
        {"numbers": [1, 2**63]},
        {"by_number": {"1": 2**40}},
        {"by_number": {str(2**64): 1}},
        {"pair": [2**31, "x"]},
        {"floor_only": 2**31},
    ],
)
def test_a_request_schema_bounds_integers_declared_without_a_range(body):
    with pytest.raises(ma.ValidationError) as caught:
        _Plain().load(body)
    assert set(caught.value.messages) == set(body)


def test_the_default_range_is_an_integer_column_and_an_explicit_range_is_kept():
    loaded = _Plain().load(
        {
            "number": MAX_INT32,
            "numbers": [-(2**31)],
            "by_number": {str(MAX_INT32): MAX_INT32},
            "pair": [MAX_INT32, "x"],
            "wide": 10**12,
            "floor_only": MAX_INT32,
        }
    )
    assert loaded["wide"] == 10**12 and loaded["number"] == MAX_INT32
    # The bound is added to each instance's own fields: the class and plain schemas keep theirs.
    assert _Plain._declared_fields["number"].validators == []
    assert ma.Schema.from_dict({"n": ma.fields.Integer()})().load({"n": 2**64}) == {"n": 2**64}
