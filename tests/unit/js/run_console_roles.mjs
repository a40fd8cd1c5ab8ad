// The console's role rules (docs/decisions/0026), run on the real scripts: console.js's
// C.allows and its navigation gating (data-min-role, data-also-roles), console_buying.js's
// atLeast, and console_finance.js's reads/writes and its hiding of a page's write forms
// (data-finance-write). The scripts run in a bare VM with a stand-in for the few DOM calls
// they make at load; the pages themselves are checked in the browser by
// tests/e2e/test_finance_console_browser.py.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_console_roles.py, or alone: node tests/unit/js/run_console_roles.mjs

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { runNamedRules } from "./named_rules.mjs";

const STATIC = resolve(dirname(fileURLToPath(import.meta.url)), "../../../server/scanfloor/console/static");
const SCRIPTS = ["console.js", "console_buying.js", "console_finance.js"].map(
  (name) => [name, readFileSync(resolve(STATIC, name), "utf8")],
);

function element(attrs = {}) {
  return {
    hidden: true,
    textContent: "",
    value: "",
    attrs,
    getAttribute(name) { return name in this.attrs ? this.attrs[name] : null; },
    setAttribute(name, value) { this.attrs[name] = String(value); },
    addEventListener() {},
    focus() {},
  };
}

/* A page: the Finance nav entry as console_base.html has it, a floor-only entry, and (when
 * `writeForms`) a finance page's write form; the scripts loaded, DOMContentLoaded fired for
 * a session of `role` (none when null). */
function page(role, { writeForms = 1 } = {}) {
  const byId = new Map();
  const nav = {
    finance: element({ "data-min-role": "supervisor", "data-also-roles": "finance" }),
    managers: element({ "data-min-role": "manager" }),
  };
  const forms = Array.from({ length: writeForms }, () => element({ "data-finance-write": "" }));
  const ready = [];
  const store = new Map();
  if (role !== null) {
    store.set("scanfloor.console.session", JSON.stringify({
      token: "t", expires_at: new Date(Date.now() + 3600e3).toISOString(),
      user: { username: role, role },
    }));
  }
  const document = {
    body: element({ "data-api-base": "/api/v1" }),
    getElementById(id) {
      if (!byId.has(id)) byId.set(id, element());
      return byId.get(id);
    },
    querySelectorAll(selector) {
      if (selector === "[data-min-role]") return Object.values(nav);
      if (selector === "[data-finance-write]") return forms;
      return [];
    },
    addEventListener(kind, fn) { if (kind === "DOMContentLoaded") ready.push(fn); },
  };
  const context = {
    document,
    sessionStorage: {
      getItem: (k) => (store.has(k) ? store.get(k) : null),
      setItem: (k, v) => store.set(k, v),
      removeItem: (k) => store.delete(k),
    },
    URLSearchParams,
    Date,
    JSON,
    Array,
    Object,
    String,
    Number,
    Error,
    Promise,
  };
  context.window = context;
  vm.createContext(context);
  for (const [name, code] of SCRIPTS) vm.runInContext(code, context, { filename: name });
  ready.forEach((fn) => fn());
  const C = context.ScanfloorConsole;
  const session = C.loadSession();
  return { C, B: context.ScanfloorBuying, F: context.ScanfloorFinance, session, nav, forms, byId };
}

const LADDER = ["worker", "supervisor", "manager", "admin"];

const tests = {
  "finance sees the Finance entry, a worker does not, supervisors and above do"() {
    assert.equal(page("finance").nav.finance.hidden, false);
    assert.equal(page("worker").nav.finance.hidden, true);
    for (const role of ["supervisor", "manager", "admin"]) {
      assert.equal(page(role).nav.finance.hidden, false, role);
    }
    assert.equal(page(null).nav.finance.hidden, true, "signed out: no entry");
  },
  "finance stands on no rung: an entry for managers and above stays hidden from it"() {
    assert.equal(page("finance").nav.managers.hidden, true);
    assert.equal(page("manager").nav.managers.hidden, false);
  },
  "C.allows admits the rung and those above it, then the roles named beside the ladder"() {
    const { C, session } = page("finance");
    for (const lowest of LADDER) assert.equal(C.allows(session, lowest), false, lowest);
    assert.equal(C.allows(session, "admin", ["finance"]), true);
    const manager = page("manager");
    assert.equal(manager.C.allows(manager.session, "supervisor"), true);
    assert.equal(manager.C.allows(manager.session, "admin", ["finance"]), false);
    assert.equal(manager.C.allows(null, "worker", ["finance"]), false, "no session: nothing");
  },
  "the purchasing pages' atLeast never counts finance as a worker or above"() {
    const { B, session } = page("finance");
    for (const lowest of LADDER) assert.equal(B.atLeast(session, lowest), false, lowest);
    const sup = page("supervisor");
    assert.equal(sup.B.atLeast(sup.session, "supervisor"), true);
    assert.equal(sup.B.atLeast(sup.session, "manager"), false);
  },
  "finance and admins write finance; supervisors and managers read it; a worker neither"() {
    const expected = {
      worker: [false, false], supervisor: [true, false], manager: [true, false],
      admin: [true, true], finance: [true, true],
    };
    for (const [role, [reads, writes]] of Object.entries(expected)) {
      const { F, session, byId } = page(role);
      assert.equal(F.allowed(session), reads, `${role} reads`);
      assert.equal(F.writes(session), writes, `${role} writes`);
      assert.equal(byId.get("finance-denied").hidden, reads, `${role}: denied line`);
      assert.equal(byId.get("finance-main").hidden, !reads, `${role}: the page's data`);
    }
  },
  "a manager reads a finance page without its write forms and is told why"() {
    const { F, session, forms, byId } = page("manager", { writeForms: 2 });
    F.allowed(session);
    assert.deepEqual(forms.map((f) => f.hidden), [true, true]);
    assert.equal(byId.get("finance-readonly").hidden, false);
  },
  "finance and admins get the write forms and no read-only line"() {
    for (const role of ["finance", "admin"]) {
      const { F, session, forms, byId } = page(role, { writeForms: 2 });
      F.allowed(session);
      assert.deepEqual(forms.map((f) => f.hidden), [false, false], role);
      assert.equal(byId.get("finance-readonly").hidden, true, role);
    }
  },
  "a page with no write forms says nothing about writing, and a worker sees no form"() {
    const reader = page("manager", { writeForms: 0 });
    reader.F.allowed(reader.session);
    assert.equal(reader.byId.get("finance-readonly").hidden, true);
    const worker = page("worker");
    worker.F.allowed(worker.session);
    assert.equal(worker.forms[0].hidden, true);
    assert.equal(worker.byId.get("finance-readonly").hidden, true);
  },
};

runNamedRules(tests);
