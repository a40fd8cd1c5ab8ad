/* Scanfloor console, cycle counts: the count policies (managers edit them), ABC
 * classification, the due counts and ad-hoc counts of a zone or a list of bins. Part of
 * the counts page (console_counts.js, loaded before it, refreshes it). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var K = window.ScanfloorCounts;
  var $ = C.$;
  var canEditPolicies = false;

  // ---- policies ------------------------------------------------------------------------

  function policyInput(p, name, step, label) {
    var input = document.createElement("input");
    input.name = name;
    input.type = "number";
    input.step = step;
    input.min = "0";
    if (name === "cumulative_share") input.max = "1";
    input.value = String(p[name]);
    input.setAttribute("aria-label", label + ", class " + p.abc_class);
    return input;
  }

  function showPolicies(policies) {
    var tbody = C.clearBody($("policies-table"));
    policies.forEach(function (p) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-class", p.abc_class);
      C.cell(tr, p.abc_class, "class");
      [["interval_days", "1", "Count every (days)"], ["tolerance_units", "1", "Tolerance in units"],
       ["tolerance_value", "0.01", "Tolerance in value"], ["cumulative_share", "0.01", "Cumulative share"]]
        .forEach(function (f) {
          var td = C.cell(tr, canEditPolicies ? "" : p[f[0]], canEditPolicies ? "" : "num");
          if (canEditPolicies) td.appendChild(policyInput(p, f[0], f[1], f[2]));
        });
      tbody.appendChild(tr);
    });
    C.showRows("policies", policies.length);
    $("policies-save").hidden = !canEditPolicies || policies.length === 0;
    $("policies-note").textContent = "How often each class is counted, what variance posts " +
      "without a recount, and where each class ends in the ranking." +
      (canEditPolicies ? "" : " Managers change them.");
  }

  function onSavePolicies(event) {
    event.preventDefault();
    C.clearError();
    var policies = Array.prototype.map.call(document.querySelectorAll("#policies-table tbody tr"), function (tr) {
      function v(name) { return tr.querySelector("input[name=" + name + "]").value.trim(); }
      return {
        abc_class: tr.getAttribute("data-class"),
        interval_days: Number(v("interval_days")),
        tolerance_units: Number(v("tolerance_units")),
        tolerance_value: v("tolerance_value"),
        cumulative_share: v("cumulative_share")
      };
    });
    var form = $("policies-form");
    C.busy(form, true);
    C.call("PUT", "/count-policies", { body: { warehouse: K.warehouse(), policies: policies } })
      .then(function (body) {
        showPolicies((body && body.policies) || []);
        $("policies-result").textContent = "Policies saved for " + K.warehouse() + ".";
      }).catch(function (err) {
        $("policies-result").textContent = "Not saved.";
        C.explain(err);
      }).then(function () { C.busy(form, false); });
  }

  // ---- plans and ad-hoc counts -----------------------------------------------------------

  function onClassify() {
    C.clearError();
    var result = $("plan-result");
    var box = $("classify").parentNode;
    C.busy(box, true);
    result.textContent = "Classifying\u2026";
    C.call("POST", "/count-plans/classify", { body: { warehouse: K.warehouse() } }).then(function (r) {
      var c = r.counts || {};
      result.textContent = "Classified by " + r.basis + " over " + r.window_days + " days: A " +
        (c.A || 0) + ", B " + (c.B || 0) + ", C " + (c.C || 0) + ".";
    }).catch(function (err) {
      result.textContent = "Not classified.";
      C.explain(err);
    }).then(function () { C.busy(box, false); });
  }

  function onGenerate() {
    C.clearError();
    var result = $("plan-result");
    var box = $("generate").parentNode;
    C.busy(box, true);
    result.textContent = "Generating\u2026";
    C.call("POST", "/count-plans/generate", { body: { warehouse: K.warehouse() } }).then(function (r) {
      var d = r.due || {};
      result.textContent = C.plural(r.created, "count task", "count tasks") + " raised (due: A " +
        (d.A || 0) + ", B " + (d.B || 0) + ", C " + (d.C || 0) + ").";
      return K.refresh();
    }).catch(function (err) {
      result.textContent = "Nothing raised.";
      C.explain(err);
    }).then(function () { C.busy(box, false); });
  }

  function onAdhoc(event) {
    event.preventDefault();
    C.clearError();
    var result = $("adhoc-result");
    var body = { warehouse: K.warehouse() };
    var bins = $("adhoc-bins").value.split(/[\s,;]+/).filter(Boolean);
    if (bins.length) body.locations = bins;
    else if ($("adhoc-zone").value) body.zone = $("adhoc-zone").value;
    else {
      C.showError(new Error("Choose a zone or list the bins to count."));
      return;
    }
    var form = $("adhoc-form");
    C.busy(form, true);
    C.call("POST", "/count-plans/adhoc", { body: body }).then(function (r) {
      result.textContent = C.plural(r.created, "count task", "count tasks") + " raised" +
        (body.zone ? " in zone " + body.zone : "") + ".";
      $("adhoc-bins").value = "";
      return K.refresh();
    }).catch(function (err) {
      result.textContent = "Nothing raised.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // Managers (and admins) change the policies and classify; a supervisor reads them.
  K.allowEdits = function (session) {
    var role = C.role(session);
    canEditPolicies = role === "manager" || role === "admin";
    $("classify").hidden = !canEditPolicies;
  };
  K.showPolicies = showPolicies;

  $("policies-form").addEventListener("submit", onSavePolicies);
  $("adhoc-form").addEventListener("submit", onAdhoc);
  $("classify").addEventListener("click", onClassify);
  $("generate").addEventListener("click", onGenerate);
})();
