"""Every console page and every scanner screen runs under a strict Content-Security-Policy
without a single violation: no inline script or style, nothing from another origin, and the
scanner's camera decoder (a worker compiling WebAssembly) still works. An injected inline
script is refused, which is what keeps the console's token in sessionStorage out of reach."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from .scanner_support import SUPERVISOR, DemoApi, Scanner, phone_context

pytestmark = pytest.mark.timeout(180)

# Installed before any page script runs: every violation the page reports is kept.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""


class PageWatch:
    """A page's reported CSP violations, console errors about the policy and script errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_CSP)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("console", self._console)

    def _console(self, msg: Any) -> None:
        text = msg.text
        if msg.type == "error" and ("Content Security Policy" in text or "Refused" in text):
            self.problems.append(f"console: {text}")

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__csp || []")
        return [f"{self.page.url}: {v}" for v in [*reported, *self.problems]]


def _console_pages(demo_server: str) -> list[str]:
    api = DemoApi(demo_server)
    item = api.untracked_items(1)[0]
    po = api.open_po([(item["id"], 1)])
    channel = f"CSP{uuid.uuid4().hex[:5].upper()}"
    api.call(
        "POST",
        "/channels",
        {"code": channel, "kind": "web", "name": "CSP shop", "warehouses": ["WH1"]},
    )
    order = api.call(
        "POST",
        "/orders",
        {
            "channel": channel,
            "external_id": "CSP-1",
            "lines": [{"sku": item["sku"], "quantity": 1}],
        },
    )
    return [
        "/",
        "/console/putaway",
        "/console/purchase-orders",
        f"/console/purchase-orders/{po['id']}",
        "/console/purchasing",
        "/console/suppliers",
        f"/console/suppliers/{po['supplier']['id']}",
        "/console/replenishment",
        "/console/labels",
        "/console/orders",
        f"/console/orders/{order['id']}",
        "/console/backorders",
        "/console/channels",
        "/console/outbox",
        "/console/board",
        "/console/waves",
        "/console/finance",
        f"/console/finance/items/{item['id']}",
        "/console/journal",
        "/console/trial-balance",
        "/console/periods",
        "/console/grni-ageing",
        "/console/invoices",
        "/console/landed-costs",
        "/console/settlements",
        "/console/margin",
        "/console/dashboards",
        "/console/dashboards/adjustment_trend/records",
        "/console/dashboards/repeated_small_losses/records",
        f"/console/items/{item['id']}/history",
        f"/console/movements/{api.call('GET', '/movements', limit=1)['movements'][0]['id']}",
    ]


def test_every_console_page_runs_under_the_policy_without_a_violation(demo_server, browser):
    pages = _console_pages(demo_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(demo_server + "/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)

    found: list[str] = []
    for path in pages:
        resp = page.goto(demo_server + path)
        assert resp is not None and resp.status == 200, path
        policy = resp.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert resp.headers["permissions-policy"].startswith("camera=()")
        # Signed in from the session the first page stored: the page's own data is loaded.
        page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)
        page.wait_for_load_state("networkidle")
        found += watch.violations()
    assert found == []
    context.close()


def test_an_injected_inline_script_is_refused_and_reported(demo_server, browser):
    page = browser.new_page()
    watch = PageWatch(page)
    page.goto(demo_server + "/")
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML("beforeend",
          '<img src="data:," onerror="window.pwned = true"><p style="color: red">x</p>');
        const s = document.createElement("script");
        s.textContent = "window.pwned = true";
        document.body.append(s);
    }"""
    )
    page.wait_for_function("window.__csp.length >= 3")
    assert page.evaluate("window.pwned") is None
    reported = " ".join(watch.violations())
    assert "script-src-attr" in reported and "script-src-elem" in reported
    assert "style-src-attr" in reported
    page.close()


def test_every_scanner_screen_and_the_camera_decoder_run_without_a_violation(demo_server, browser):
    context = phone_context(browser)
    page = context.new_page()
    watch = PageWatch(page)
    app = Scanner(page, demo_server).open()

    app.open("settings")
    app.wait_screen("settings")
    app.open("signin")
    app.sign_in(*SUPERVISOR)
    for screen in (
        "receive",
        "putaway",
        "replenish",
        "pick",
        "pack",
        "ship",
        "exceptions",
        "dock-queue",
        "home",
    ):
        app.open(screen)
        app.wait_screen(screen)
        page.wait_for_load_state("networkidle")

    # The camera's decoder: a module worker that compiles the vendored wasm under the policy.
    ready = page.evaluate(
        """() => new Promise((resolve) => {
        const w = new Worker("/scanner/js/decoder-worker.js", { type: "module" });
        w.onmessage = (e) => { resolve(e.data); w.terminate(); };
        w.onerror = (e) => resolve({ type: "error", error: String(e.message) });
        w.postMessage({ type: "init" });
    })"""
    )
    assert ready == {"type": "ready"}
    assert watch.violations() == [] and app.errors == []
    context.close()
    resp = requests.get(demo_server + "/scanner/", timeout=10)
    assert "'wasm-unsafe-eval'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Permissions-Policy"].startswith("camera=(self)")
