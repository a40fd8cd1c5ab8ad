"""The OpenAPI document is a contract a client generator and a validator accept.

The document is what /api/v1/openapi.json serves. It must validate as OpenAPI 3.0, name
every operation with a unique verb_noun id, declare the Idempotency-Key header where a view
takes it, type every field, write decimals as strings, mark answer fields required, and a
typed client must generate from it with nothing skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

METHODS = ("get", "put", "post", "patch", "delete")
_OPTIONS = ("--meta", "none", "--config")
VERB_NOUN = re.compile(r"\A[a-z]+(_[a-z0-9]+)+\Z")


@pytest.fixture
def doc(client: Any) -> dict[str, Any]:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return dict(r.get_json())


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_the_document_validates_as_openapi_3(doc):
    errors = [
        f"{list(e.path)}: {e.message[:200]}" for e in OpenAPIV30SpecValidator(doc).iter_errors()
    ]
    assert errors == []
    assert doc["servers"] == [{"url": "/", "description": "This server"}]


def test_every_operation_has_a_unique_verb_noun_id(doc):
    ops = _operations(doc)
    assert len(ops) >= 85
    missing = [f"{m.upper()} {p}" for m, p, op in ops if "operationId" not in op]
    assert missing == [], "add them to api/openapi_ids.py"
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not VERB_NOUN.match(i)] == []
    # Pinned: generated clients call these by name.
    by_route = {(m.upper(), p): op["operationId"] for m, p, op in ops}
    assert by_route[("GET", "/api/v1/items/{item_id}/ats")] == "get_item_ats"
    assert by_route[("POST", "/api/v1/movements")] == "post_movements"
    assert by_route[("POST", "/api/v1/purchase-orders/{po_id}/receive")] == "receive_purchase_order"


def test_idempotency_key_is_declared_on_exactly_the_views_that_take_it(app, doc):
    from scanfloor.api.idempotency import TAKES_KEY

    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    declared = {(m, p) for m, p, op in _operations(doc) if ref in op.get("parameters", [])}
    taking = set()
    for rule in app.url_map.iter_rules():
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in rule.methods or ():
            if getattr(getattr(view_class, method.lower(), None), TAKES_KEY, False):
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
                taking.add((method.lower(), path))
    assert len(taking) >= 40
    assert declared == taking
    param = doc["components"]["parameters"]["IdempotencyKey"]
    assert (param["in"], param["name"]) == ("header", "Idempotency-Key")


def _props(doc: dict[str, Any], schema: str) -> dict[str, Any]:
    return dict(doc["components"]["schemas"][schema]["properties"])


def test_decimals_are_strings_with_a_pattern_in_and_out(doc):
    for schema, field in [
        ("MovementLineIn", "unit_cost"),
        ("MovementOut", "unit_cost"),
        ("ChannelCreate", "cap_fraction"),
        ("ChannelPatch", "cap_fraction"),
        ("Channel", "cap_fraction"),
        ("OrderLineIn", "price"),
        ("OrderLine", "price"),
        ("PoLineIn", "unit_cost"),
        ("SupplierCreate", "over_receipt_tolerance_pct"),
        ("Supplier", "over_receipt_tolerance_pct"),
    ]:
        prop = _props(doc, schema)[field]
        assert prop["type"] == "string", (schema, field)
        assert "pattern" in prop and "minimum" not in prop and "maximum" not in prop
    cap = _props(doc, "ChannelCreate")["cap_fraction"]
    assert "above 0, at most 1" in cap["description"]
    assert not re.fullmatch(cap["pattern"], "1.23456")


def test_every_field_has_a_type_and_refs_are_id_or_code(doc):
    untyped = [
        f"{name}.{field}"
        for name, schema in doc["components"]["schemas"].items()
        for field, prop in schema.get("properties", {}).items()
        if not {"type", "$ref", "allOf", "oneOf", "anyOf"} & set(prop)
    ]
    assert untyped == []
    ref = _props(doc, "MovementLineIn")["from_location"]
    assert [s["type"] for s in ref["oneOf"]] == ["integer", "string"]
    assert [s["type"] for s in _props(doc, "Receive")["to_container"]["oneOf"]] == [
        "integer",
        "string",
    ]
    assert _props(doc, "Availability")["items"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/AtsRow"},
    }


def test_answer_fields_are_required_and_the_csv_import_is_declared(doc):
    schemas = doc["components"]["schemas"]
    assert set(schemas["MovementOut"]["required"]) == set(schemas["MovementOut"]["properties"])
    assert set(schemas["Error"]["required"]) == {"error"}
    # A request schema keeps its own required list.
    assert "unit_cost" not in schemas["MovementLineIn"].get("required", [])
    body = doc["paths"]["/api/v1/purchase-orders/import"]["post"]["requestBody"]
    assert body["content"]["text/csv"]["schema"] == {"type": "string", "format": "binary"}


def test_zpl_labels_say_their_charset_once(client, auth):
    from tests.factories import make_bin

    loc = make_bin()
    r = client.get(f"/api/v1/labels/locations/{loc.id}?format=zpl", headers=auth("worker"))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_typed_client_generates_with_nothing_skipped(doc, tmp_path: Path):
    exe = Path(sys.executable).with_name("openapi-python-client")
    if not exe.exists() and shutil.which("openapi-python-client") is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(doc))
    out = tmp_path / "client"
    # The generator knows no text/csv; a client sends the CSV file's bytes as they are.
    config = tmp_path / "config.yaml"
    config.write_text(
        "post_hooks: []\ncontent_type_overrides:\n  text/csv: application/octet-stream\n"
    )
    command = str(exe if exe.exists() else "openapi-python-client")
    run = subprocess.run(
        [
            command,
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(out),
            *_OPTIONS,
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    # The generator warns and skips what it cannot type rather than failing.
    assert "Warning" not in report and "skipped" not in report.lower(), report
    api = out / "api"
    names = {p.stem for p in api.rglob("*.py") if p.stem != "__init__"}
    assert {op["operationId"] for _, _, op in _operations(doc)} <= names
