/* Scanfloor console, one supplier: the page. Loads the supplier, shows its figures and its
 * contact, endpoint and lead-time legs (a form managers save; others read it), and shares
 * window.ScanfloorSupplier with the page's parts, loaded after it: console_supplier_terms.js
 * (items and reorder policies) and console_supplier_perf.js (performance chart, pre-buy).
 * Built on window.ScanfloorConsole and window.ScanfloorBuying; values from the API are
 * written with textContent or into inputs' values. The endpoint's signing secret is
 * write-only (as a channel's webhook secret): the API only says whether one is set, so the
 * field starts empty and is sent only when typed in (or removed with its checkbox). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var S = window.ScanfloorSupplier = {
    id: $("workspace").getAttribute("data-supplier-id"),
    supplier: null,
    session: null
  };
  var listeners = [];
  var started = false;
  var FIELDS = [
    ["sup-name", "name", "text"],
    ["sup-email", "email", "nullable"],
    ["sup-endpoint", "po_endpoint", "nullable"],
    ["sup-currency", "currency", "text"],
    ["sup-tolerance", "over_receipt_tolerance_pct", "text"],
    ["sup-lead", "lead_time_days", "int"],
    ["sup-production", "production_days", "int"],
    ["sup-transit", "transit_days", "int"],
    ["sup-customs", "customs_days", "int"],
    ["sup-imports", "imports", "bool"],
    ["sup-active", "active", "bool"]
  ];

  /* A part of the page starts when the supplier is loaded: fn(supplier, session). */
  S.onLoad = function (fn) {
    listeners.push(fn);
  };

  function canEdit() {
    return B.atLeast(S.session, "manager");
  }

  function showSupplier(s) {
    S.supplier = s;
    document.title = s.code + " \u00b7 Suppliers \u00b7 Scanfloor console";
    $("supplier-title").textContent = s.code + " \u2014 " + s.name;
    B.facts($("supplier-figures"), [
      ["Currency", s.currency],
      ["Promised lead time", B.days(s.lead_time_days)],
      ["Ships", s.imports ? "By container (imports)" : "Locally"],
      ["Sends POs to", s.po_endpoint
        ? s.po_endpoint + (s.has_po_endpoint_secret ? " (signed)" : " (unsigned)")
        : s.email || "Nowhere yet"],
      ["Status", s.active ? "Active" : "Inactive"]
    ]);
    FIELDS.forEach(function (f) {
      var el = $(f[0]);
      var v = s[f[1]];
      if (f[2] === "bool") el.checked = !!v;
      else el.value = v === null || v === undefined ? "" : String(v);
      el.disabled = !canEdit();
    });
    showSecret(s);
    $("details-save").hidden = !canEdit();
    $("details-note").textContent = "Where a sent purchase order goes (an endpoint its JSON " +
      "is posted to, signed with the secret, or an email for its PDF), the promised lead " +
      "time, and the legs of an imported order for seasonal pre-buy." +
      (canEdit() ? "" : " Managers change them.");
  }

  /* The secret is never shown: the field is empty, and a line says whether one is set. */
  function showSecret(s) {
    var input = $("sup-secret");
    input.value = "";
    input.disabled = !canEdit();
    input.placeholder = s.has_po_endpoint_secret ? "Set \u2014 type a new one to replace it" : "Not set";
    $("sup-secret-state").textContent = s.has_po_endpoint_secret
      ? "Set: purchase orders posted to the endpoint are signed (Scanfloor-Signature)."
      : "Not set: give the supplier 16 to 200 characters to verify our signature with.";
    $("sup-secret-clear").checked = false;
    $("sup-secret-clear").disabled = !canEdit();
    $("sup-secret-clear-label").hidden = !(s.has_po_endpoint_secret && canEdit());
  }

  /* What the form changes, as a PATCH body (an emptied email or endpoint is null). */
  function changes() {
    var body = {};
    FIELDS.forEach(function (f) {
      var el = $(f[0]);
      var was = S.supplier[f[1]];
      var now;
      if (f[2] === "bool") now = el.checked;
      else if (f[2] === "int") now = el.value.trim() === "" ? was : Number(el.value);
      else if (f[2] === "nullable") now = el.value.trim() === "" ? null : el.value.trim();
      else now = el.value.trim();
      if (now !== (was === undefined ? null : was)) body[f[1]] = now;
    });
    // Sent as typed (a secret is not trimmed); the API checks its length.
    if ($("sup-secret-clear").checked) body.po_endpoint_secret = null;
    else if ($("sup-secret").value !== "") body.po_endpoint_secret = $("sup-secret").value;
    return body;
  }

  function onSave(event) {
    event.preventDefault();
    C.clearError();
    var body = changes();
    if (!Object.keys(body).length) {
      $("details-result").textContent = "Nothing changed.";
      return;
    }
    var form = $("details-form");
    C.busy(form, true);
    C.call("PATCH", "/suppliers/" + S.id, { body: body }).then(function (s) {
      showSupplier(s);
      $("details-result").textContent = "Saved.";
    }).catch(function (err) {
      $("details-result").textContent = "Not saved.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  S.reload = function () {
    return C.call("GET", "/suppliers/" + S.id).then(showSupplier);
  };

  $("details-form").addEventListener("submit", onSave);

  C.onSession(function (session) {
    S.session = session;
    if (!session) return;
    if (S.supplier) showSupplier(S.supplier);  // another person's rights
    if (started) return;
    started = true;
    S.reload().then(function () {
      listeners.forEach(function (fn) { fn(S.supplier, session); });
    }).catch(C.explain);
  });
})();
