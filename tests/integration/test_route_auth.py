"""Every route in the URL map is guarded: anonymous callers get 401, lower roles 403.

The walk covers the whole app (every blueprint, the console included), so a new view that
forgets @requires/@public, or a new public route, fails here until it is a deliberate change.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.routing import Rule, UUIDConverter

from scanfloor import create_app
from scanfloor.auth.guard import route_handler
from scanfloor.auth.models import ROLES
from scanfloor.config import Settings

# Views that belong to Flask or flask-smorest: bound methods, which cannot carry a marker.
FRAMEWORK_PUBLIC = {
    "static": "Flask's static files",
    "api-docs.openapi_json": "flask-smorest's OpenAPI document",
}
# Changing this set is a security decision: say why in the commit.
EXPECTED_PUBLIC = {
    "static",
    "api-docs.openapi_json",
    "health.Health",
    "auth_api.Token",
    "console.index",  # the console landing page (it signs in from the browser)
    "console.asset",  # the console's static files
    "console_putaway.page",  # the putaway queue page: a shell, data from the API
    "console_labels.labels_page",  # the labels page (its data and files come from the API)
    "console_po.purchase_orders",  # purchase-order pages: shells, data from the API
    "console_po.purchase_order",
    "console_alloc.orders",  # orders and channels pages: shells, data from the API
    "console_alloc.order",
    "console_alloc.backorders",
    "console_alloc.channels",
    "console_outbox.page",  # the outbox page: a shell, data and retries from the API
    "console_board.page",  # the live board page: a shell, data from the API and /live
    "console_waves.page",  # the waves page: a shell, previews and releases through the API
    "console_returns.returns",  # returns pages: shells, data and photos from the API
    "console_returns.return_detail",
    "console_counts.page",  # the counts page: a shell, approvals and plans through the API
    "console_purchasing.page",  # purchase suggestions: a shell, runs and lines from the API
    "console_suppliers.suppliers",  # supplier pages: shells, terms and performance from the API
    "console_suppliers.supplier",
    "console_replenishment.page",  # pick faces and replenishment tasks: a shell, data from the API
    "console_finance.valuation",  # finance pages: shells, data, CSV and period closes via the API
    "console_finance.item",
    "console_finance.journal",
    "console_finance.trial_balance",
    "console_finance.periods",
    "console_grni.page",  # the GRNI ageing page: a shell, report and CSV from the API
    "console_invoices.page",  # supplier invoices: a shell, the queue and decisions via the API
    "console_landed.page",  # landed costs: a shell, charges and their spread via the API
    "console_settlements.page",  # channel settlements: a shell, list, upload, queues via the API
    "console_margin.page",  # the margin report: a shell, charts, tables and CSV from the API
    "scanner.bare",  # /scanner -> /scanner/
    "scanner.index",  # the scanner PWA's app shell (it signs in from the device)
    "scanner.service_worker",  # its service worker
    "scanner.asset",  # its scripts, styles, icons, manifest and decoder
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def url_map_app() -> Any:
    """An app for reading the URL map only (no database is touched)."""
    return create_app(Settings(mode="test", database_url="sqlite://"))


def _routes(app: Any) -> list[tuple[Rule, str, Any]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            found.append((rule, method, route_handler(view, method)))
    return found


def _guarded(app: Any) -> list[tuple[Rule, str, tuple[str, ...]]]:
    guarded = []
    for rule, method, handler in _routes(app):
        if rule.endpoint in FRAMEWORK_PUBLIC or getattr(handler, "_public", False):
            continue
        # An unmarked view is walked too (with no roles): it must still refuse strangers.
        guarded.append((rule, method, tuple(getattr(handler, "_allowed_roles", ()))))
    return guarded


def _path(rule: Rule) -> str:
    """The rule's URL with a dummy value (1) for every argument: objects that do not exist."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = uuid.UUID(int=1) if isinstance(converter, UUIDConverter) else "1"
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def _call(client: Any, method: str, path: str, headers: dict[str, str] | None = None) -> Any:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return client.open(path, method=method, headers=headers or {}, json=body)


def _error_shape_problem(resp: Any, status: int, code: str) -> str | None:
    if resp.status_code != status:
        return f"answered {resp.status_code}, expected {status}"
    body = resp.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return f"error body is not {{error: {{code, message, details}}}}: {body!r}"
    if error["code"] != code:
        return f"error code {error['code']!r}, expected {code!r}"
    return None


def test_every_view_says_who_may_call_it(url_map_app):
    unmarked = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method, handler in _routes(url_map_app)
        if rule.endpoint not in FRAMEWORK_PUBLIC
        and not getattr(handler, "_public", False)
        and not getattr(handler, "_allowed_roles", None)
    ]
    assert unmarked == [], "views with neither @requires nor @public"


def test_public_routes_are_exactly_the_known_few(url_map_app):
    public = {
        rule.endpoint
        for rule, _method, handler in _routes(url_map_app)
        if rule.endpoint in FRAMEWORK_PUBLIC or getattr(handler, "_public", False)
    }
    assert public == EXPECTED_PUBLIC


def test_every_guarded_route_refuses_a_caller_without_a_token(app, client):
    problems = []
    for rule, method, _roles in _guarded(app):
        resp = _call(client, method, _path(rule))
        problem = _error_shape_problem(resp, 401, "unauthorized")
        if problem:
            problems.append(f"{method} {rule.rule}: {problem}")
    assert problems == []


def test_every_guarded_route_refuses_the_role_below_the_lowest_allowed(app, client, auth):
    problems = []
    checked = 0
    for rule, method, roles in _guarded(app):
        lowest = ROLES.index(roles[0]) if roles else 0
        if lowest == 0:
            continue  # open to every role (or unmarked, reported above): nobody is below
        resp = _call(client, method, _path(rule), auth(ROLES[lowest - 1]))
        checked += 1
        problem = _error_shape_problem(resp, 403, "forbidden")
        if problem:
            problems.append(f"{method} {rule.rule} as {ROLES[lowest - 1]}: {problem}")
    assert checked > 0
    assert problems == []


def test_a_public_route_answers_without_a_token(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
