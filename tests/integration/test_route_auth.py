"""Every route in the URL map is guarded: anonymous callers get 401, lower roles 403.

The walk covers the whole app (every blueprint, the console included), so a new view that
forgets @requires/@public, or a new public route, fails here until it is a deliberate change.
"""

from __future__ import annotations

import re
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
    "console.movement",  # one movement's drill-down: a shell, its data from the API
    "console.item_history",  # an item's whole ledger: a shell, pages from the API
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
    "console_reports.dashboards",  # KPI dashboards: a shell, the catalogue and reports via the API
    "console_reports.records",  # a figure's drill-down: a shell, its records from the API
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


def _forbidden_problems(client: Any, auth: Any, calls: list[tuple[Rule, str, str]]) -> list[str]:
    """Each (rule, method, role) called as that role: what does not answer 403 forbidden."""
    problems = []
    for rule, method, role in calls:
        resp = _call(client, method, _path(rule), auth(role))
        problem = _error_shape_problem(resp, 403, "forbidden")
        if problem:
            problems.append(f"{method} {rule.rule} as {role}: {problem}")
    return problems


def test_every_guarded_route_refuses_the_role_below_the_lowest_allowed(app, client, auth):
    calls = []
    for rule, method, roles in _guarded(app):
        lowest = ROLES.index(roles[0]) if roles else 0
        if lowest == 0:
            continue  # open to every role (or unmarked, reported above): nobody is below
        calls.append((rule, method, ROLES[lowest - 1]))
    assert calls
    assert _forbidden_problems(client, auth, calls) == []


def test_a_public_route_answers_without_a_token(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


# --- finance, beside the ladder (docs/decisions/0026) -------------------------------------
# A finance user reaches only the routes that name it (`requires(..., also=("finance",))`).
# Changing these sets is a security decision: say why in the commit.
FINANCE_READS = {  # every finance GET: supervisors and above, and finance
    ("GET", "/api/v1/finance/valuation"),
    ("GET", "/api/v1/finance/valuation/<int:item_id>/layers"),
    ("GET", "/api/v1/finance/valuation/<int:item_id>/movements"),
    ("GET", "/api/v1/finance/journal"),
    ("GET", "/api/v1/finance/journal.csv"),
    ("GET", "/api/v1/finance/trial-balance"),
    ("GET", "/api/v1/finance/trial-balance.csv"),
    ("GET", "/api/v1/finance/periods"),
    ("GET", "/api/v1/finance/grni-ageing"),
    ("GET", "/api/v1/finance/grni-ageing.csv"),
    ("GET", "/api/v1/finance/invoices"),
    ("GET", "/api/v1/finance/invoices/<int:invoice_id>"),
    ("GET", "/api/v1/finance/landed-costs"),
    ("GET", "/api/v1/finance/landed-costs/<int:landed_cost_id>"),
    ("GET", "/api/v1/finance/margin"),
    ("GET", "/api/v1/finance/valuation/history"),
    ("GET", "/api/v1/finance/margin.csv"),
    ("GET", "/api/v1/finance/settlements"),
    ("GET", "/api/v1/finance/settlements/<int:settlement_id>"),
    ("GET", "/api/v1/finance/settlement-exceptions"),
    ("GET", "/api/v1/finance/exchange-rates"),
}
FINANCE_WRITES = {  # every finance write: finance and admins (managers only read)
    ("POST", "/api/v1/finance/periods/<period>/close"),
    ("POST", "/api/v1/finance/invoices"),
    ("POST", "/api/v1/finance/invoices/<int:invoice_id>/approve"),
    ("POST", "/api/v1/finance/invoices/<int:invoice_id>/reject"),
    ("POST", "/api/v1/finance/landed-costs"),
    ("POST", "/api/v1/finance/settlements"),
    ("PUT", "/api/v1/finance/exchange-rates/<currency>/<date>"),
}
ADMIN_ONLY_FINANCE = {("POST", "/api/v1/finance/periods/<period>/reopen")}
# What finance reads to trace a figure (GET only; their floor roles keep them), and its own
# session. It never posts stock, scans, picks or manages users.
FINANCE_TRACE_READS = {
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/orders"),
    ("GET", "/api/v1/orders/<bigid:order_id>"),
    ("GET", "/api/v1/orders/<bigid:order_id>/events"),
    ("GET", "/api/v1/channels"),
    ("GET", "/api/v1/items"),
    ("GET", "/api/v1/items/<int:item_id>"),
    ("GET", "/api/v1/items/<int:item_id>/lots"),
    ("GET", "/api/v1/lots/<int:lot_id>"),
    ("GET", "/api/v1/locations"),
    ("GET", "/api/v1/locations/<int:location_id>"),
    ("GET", "/api/v1/movements"),
    ("GET", "/api/v1/movements/<bigid:movement_id>"),
    ("GET", "/api/v1/balances"),
    ("GET", "/api/v1/suppliers"),
    ("GET", "/api/v1/suppliers/<int:supplier_id>"),
    ("GET", "/api/v1/suppliers/<int:supplier_id>/items"),
    ("GET", "/api/v1/items/<int:item_id>/supplier-items"),
    ("GET", "/api/v1/purchase-orders"),
    ("GET", "/api/v1/purchase-orders/<int:po_id>"),
    ("GET", "/api/v1/purchase-orders/<int:po_id>/receipts"),
    ("GET", "/api/v1/purchase-orders/<int:po_id>/amendments"),
    ("GET", "/api/v1/purchase-orders/<int:po_id>/document.pdf"),
    ("GET", "/api/v1/purchase-orders/<int:po_id>/document.csv"),
    ("GET", "/api/v1/returns"),
    ("GET", "/api/v1/returns/<bigid:rma_id>"),
    ("GET", "/api/v1/returns/photos/<bigid:photo_id>"),
    ("GET", "/api/v1/shipments"),
    ("GET", "/api/v1/shipments/<bigid:shipment_id>"),
}

# The KPI reports admit every role that reads some dashboard; which figures each role reads
# is reporting/dashboards.py's (a figure outside the caller's dashboards is a 403).
FINANCE_REPORT_READS = {
    ("GET", "/api/v1/reports/kpis"),
    ("GET", "/api/v1/reports/kpis/<string:kpi_id>"),
    ("GET", "/api/v1/reports/kpis/<string:kpi_id>/csv"),
    ("GET", "/api/v1/reports/kpis/<string:kpi_id>/records"),
}
FINANCE_REACHES = FINANCE_READS | FINANCE_WRITES | FINANCE_TRACE_READS | FINANCE_REPORT_READS


def _roles_by_route(app: Any) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(method, rule.rule): roles for rule, method, roles in _guarded(app)}


def test_finance_reaches_exactly_the_routes_that_name_it(url_map_app):
    named = {key for key, roles in _roles_by_route(url_map_app).items() if "finance" in roles}
    assert named == FINANCE_REACHES


def test_every_finance_route_is_a_read_for_supervisors_up_or_a_write_for_finance_and_admins(
    url_map_app,
):
    by_route = _roles_by_route(url_map_app)
    under = {key for key in by_route if key[1].startswith("/api/v1/finance/")}
    assert under == FINANCE_READS | FINANCE_WRITES | ADMIN_ONLY_FINANCE
    for key in FINANCE_READS:
        assert set(by_route[key]) == {"supervisor", "manager", "admin", "finance"}, key
    for key in FINANCE_WRITES:
        assert set(by_route[key]) == {"admin", "finance"}, key
    for key in ADMIN_ONLY_FINANCE:
        assert by_route[key] == ("admin",), key


def test_finance_tracing_reads_are_gets_that_keep_their_floor_roles(url_map_app):
    by_route = _roles_by_route(url_map_app)
    for method, path in FINANCE_TRACE_READS - {("POST", "/api/v1/auth/logout")}:
        assert method == "GET", path
        roles = by_route[(method, path)]
        assert roles[-1] == "finance" and "finance" not in roles[:-1]
        assert set(roles[:-1]) >= {"supervisor", "manager", "admin"}, path


def test_every_route_says_finance_in_its_openapi_roles_line_exactly_when_it_admits_it(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    wrong = []
    for rule, method, roles in _guarded(client.application):
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        described = spec["paths"][path][method.lower()].get("description", "")
        if ("finance" in roles) != ("finance." in described or "finance," in described):
            wrong.append(f"{method} {rule.rule}: {described!r}")
    assert wrong == []


def test_a_finance_caller_is_refused_403_on_every_route_that_does_not_name_it(app, client, auth):
    calls = [(rule, method, "finance") for rule, method, roles in _guarded(app)]
    calls = [(rule, method, who) for rule, method, who in calls
             if (method, rule.rule) not in FINANCE_REACHES]  # fmt: skip
    assert len(calls) > 100
    assert _forbidden_problems(client, auth, calls) == []


def test_a_manager_is_refused_403_on_every_finance_write(app, client, auth):
    calls = [(rule, method, "manager") for rule, method, _roles in _guarded(app)
             if (method, rule.rule) in FINANCE_WRITES]  # fmt: skip
    assert len(calls) == len(FINANCE_WRITES)
    assert _forbidden_problems(client, auth, calls) == []
