"""axe-core in the browser tests: the engine comes from the test dependencies
(axe-playwright-python bundles axe.min.js), never from a CDN, and is injected through the
DevTools protocol (page.evaluate), so the pages' Content-Security-Policy does not block it."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

PHONE_SIZE = {"width": 412, "height": 915}
DESKTOP_SIZE = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE_SIZE, "desktop": DESKTOP_SIZE}
BLOCKING = ("critical", "serious")
# axe's defaults plus two rules it leaves off: WCAG 2.2's 24 px target size, and a visible
# label that the accessible name hides (WCAG 2.5.3, what a voice-control user says).
EXTRA_RULES = ("target-size", "label-content-name-mismatch")
# Moderate in axe, but the issue names them: headings that skip a level, a page with no h1.
ALSO_BLOCKING = ("heading-order", "page-has-heading-one")
MIN_TARGET_PX = 48  # the smallest scanner control a gloved thumb can hit


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def audit(page: Any) -> list[dict[str, Any]]:
    """Run axe-core over the page as it is now; the violations, each with its nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """extra => axe.run(document, {
             resultTypes: ['violations'],
             rules: Object.fromEntries(extra.map(id => [id, {enabled: true}])),
           }).then(r => r.violations)""",
        list(EXTRA_RULES),
    )
    return list(result)


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in BLOCKING or v["id"] in ALSO_BLOCKING]


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    """The rule ids and the offending nodes, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  {node.get('html', '')[:160]}  -> {summary[:240]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more nodes")
    return "\n".join(lines)


class AxeAudit:
    """Collects the serious and critical violations of many pages; fails once at the end, so
    one run names every page that needs fixing."""

    def __init__(self) -> None:
        self.audited: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Any, where: str) -> None:
        found = blocking(audit(page))
        self.audited.append(where)
        if found:
            self.problems.append(describe(where, found))

    def report(self) -> list[str]:
        return ["axe-core: critical or serious violations", *self.problems] if self.problems else []

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.report())


SMALL_CONTROLS_JS = """min => {
  const seen = [];
  for (const el of document.querySelectorAll(
      'button, input, select, textarea, a[href], [role=button], [tabindex]:not([tabindex="-1"])')) {
    if (el.closest('[hidden], [inert], [aria-hidden=true]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // an empty, hidden table
    if (el.id === 'scan-sink') continue;  // the invisible wedge sink is never tapped
    if (r.width < min || r.height < min) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '')
        .trim().slice(0, 40);
      const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
      seen.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return seen;
}"""


def small_controls(page: Any, minimum: int = MIN_TARGET_PX) -> list[str]:
    """Every visible control smaller than minimum x minimum CSS pixels."""
    return list(page.evaluate(SMALL_CONTROLS_JS, minimum))
