"""The OpenAPI document as a contract: what apispec cannot know, added in one place.

`install(api)` runs once when the Api builds its spec (api/errors.py) and adds:

- an `operationId` on every operation, from api/openapi_ids.py (stable verb_noun names for
  generated clients), unless the operation says its own;
- the "Roles: ..." line (auth/guard.py) on an operation whose own description replaced it;
- the `Idempotency-Key` header on every operation whose view takes it (the decorators in
  api/idempotency.py mark those views, so a new endpoint is documented by being wrapped);
- types for fields apispec cannot see through: a field class may describe itself with an
  `openapi_properties()` method (DecimalText, LocationRef, ContainerRef...);
- ECMA-262 anchors in place of Python's `\\A`/`\\Z` in patterns (the document's regexes are
  ECMA; the anchors mean the same there without a multiline flag);
- `servers` (relative: the document is served by the server it describes);
- `required` on every property of a schema only answers use: marshmallow dumps every
  declared field, so each is always there (null where it is nullable). A schema that
  requests also use keeps its own `required` list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from apispec import APISpec, BasePlugin
from marshmallow import fields

from ..auth.guard import roles_line
from ..commands.rules import MAX_KEY
from .idempotency import HEADER, TAKES_KEY
from .openapi_ids import OPERATION_IDS

if TYPE_CHECKING:
    from flask_smorest import Api

IDEMPOTENCY_PARAMETER = "IdempotencyKey"
_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def install(api: Api) -> None:
    spec: APISpec = api.spec
    spec.options.setdefault("servers", [{"url": "/", "description": "This server"}])
    spec.components.parameter(
        IDEMPOTENCY_PARAMETER,
        "header",
        {
            "name": HEADER,
            "required": False,
            "description": (
                "A key the client makes for this write: the same key again returns the "
                "first answer (with Idempotent-Replayed: true) and changes nothing; with "
                "another body it is a 409. Printable, no surrounding spaces."
            ),
            # Printable ASCII, no space at either end: what every client can send in a header.
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_KEY,
                "pattern": r"^[!-~]([ -~]*[!-~])?$",
            },
        },
    )
    plugin = ContractPlugin(api)
    plugin.init_spec(spec)
    spec.plugins = [*spec.plugins, plugin]
    api.ma_plugin.converter.add_attribute_function(_field_properties)
    # Same object, one more step on the way out (no state is added by the subclass).
    spec.__class__ = ContractSpec


class ContractPlugin(BasePlugin):
    """Per operation: its id, and the Idempotency-Key header where the view takes it."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if path is None or not operations:
            return
        view_class = None
        if rule is not None:
            view = self.api._app.view_functions.get(rule.endpoint)
            view_class = getattr(view, "view_class", None)
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            op_id = OPERATION_IDS.get((method.upper(), path))
            if op_id is not None:
                operation.setdefault("operationId", op_id)
            handler = getattr(view_class, method, None)
            roles = getattr(handler, "_allowed_roles", None)
            said = operation.get("description", "")
            if roles and "Roles: " not in said:
                operation["description"] = f"{said}\n\n{roles_line(roles)}".strip()
            if getattr(handler, TAKES_KEY, False):
                # A bare name: apispec turns it into a $ref to the component.
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)


def _field_properties(self: Any, field: fields.Field, **kwargs: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    """An apispec attribute function (bound to its converter, hence `self`)."""
    ret: dict[str, Any] = kwargs["ret"]
    extra: dict[str, Any] = {}
    describe = getattr(field, "openapi_properties", None)
    if callable(describe):
        extra = dict(describe())
        said = extra.pop("x-decimal", None)
        if said:
            extra["description"] = (
                f"{ret['description']} ({said})" if "description" in ret else said
            )
    pattern = extra.get("pattern", ret.get("pattern"))
    if isinstance(pattern, str):
        extra["pattern"] = ecma_pattern(pattern)
    return extra


def ecma_pattern(pattern: str) -> str:
    r"""Python's absolute anchors as ECMA ones: `\A` -> `^`, `\Z` -> `$` (no multiline flag
    in a JSON Schema pattern, so they match the same strings)."""
    if pattern.startswith(r"\A"):
        pattern = "^" + pattern[2:]
    if pattern.endswith(r"\Z") and not pattern.endswith(r"\\Z"):
        pattern = pattern[:-2] + "$"
    return pattern


class ContractSpec(APISpec):
    """APISpec whose document marks always-present answer fields as required."""

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = super().to_dict()
        require_answer_fields(doc)
        return doc


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(start: set[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return seen


def require_answer_fields(doc: dict[str, Any]) -> None:
    schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
    asked: set[str] = set()
    answered: set[str] = set(_refs(doc.get("components", {}).get("responses", {})))
    for item in doc.get("paths", {}).values():
        asked.update(_refs(item.get("parameters", [])))
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            asked.update(_refs(operation.get("requestBody", {})))
            asked.update(_refs(operation.get("parameters", [])))
            answered.update(_refs(operation.get("responses", {})))
    for name in _closure(answered, schemas) - _closure(asked, schemas):
        props = schemas[name].get("properties")
        if props:
            schemas[name]["required"] = sorted(props)
