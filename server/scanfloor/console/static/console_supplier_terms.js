/* Scanfloor console, one supplier: the items it supplies on what terms (managers add and
 * change them, and pick the preferred supplier of an item), and the reorder policies of
 * those items (buyers, supervisors and above, set and deactivate them; the form asks only
 * for what the chosen policy uses, as the API refuses the rest). Part of the supplier page
 * (console_supplier.js, loaded before it, starts it). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var S = window.ScanfloorSupplier;
  var $ = C.$;
  var items = [];
  var editing = null;  // the supplier item the form changes, or null to add one
  var HELP = {
    min_max: "Below min, order up to max: rounded up to whole cases, and at least the MOQ.",
    reorder_point: "Safety stock from the service level and the deviations of demand and lead " +
      "time; when the position reaches the reorder point, order the quantity given, or the " +
      "economic order quantity from the cost per order and the holding rate.",
    periodic_review: "Every review period, order up to what covers the period and the lead " +
      "time at the service level.",
    buy_to_order: "Order only against confirmed demand (backorders), never for stock."
  };
  var POLICY_INPUTS = [
    ["rp-min", "min_qty", "int"], ["rp-max", "max_qty", "int"], ["rp-service", "service_level", "text"],
    ["rp-review", "review_days", "int"], ["rp-qty", "order_qty", "int"], ["rp-cost", "order_cost", "text"],
    ["rp-holding", "holding_rate", "text"]
  ];

  // ---- supplier items ------------------------------------------------------------------

  function itemRow(si, manager) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-sku", si.item.sku);
    C.cell(tr, si.item.sku, "code");
    C.cell(tr, si.item.name);
    C.cell(tr, B.dash(si.supplier_sku), "code");
    C.cell(tr, B.money(si.unit_cost, si.currency), "num");
    C.cell(tr, C.formatQty(si.moq), "num");
    C.cell(tr, C.formatQty(si.case_pack), "num");
    C.cell(tr, si.purchase_unit + (si.units_per_purchase_unit > 1 ? " of " + si.units_per_purchase_unit : ""));
    C.cell(tr, B.days(si.lead_time_days), "num");
    C.cell(tr, B.dash(si.case_volume_m3), "num");
    C.cell(tr, B.dash(si.case_weight_kg), "num");
    C.cell(tr, si.preferred ? "Preferred" : "");
    C.cell(tr, si.active ? "Yes" : "No");
    var td = document.createElement("td");
    if (manager) td.appendChild(B.button("Change " + si.item.sku, "small plain", function () { editItem(si); }));
    tr.appendChild(td);
    return tr;
  }

  function loadItems() {
    return C.call("GET", "/suppliers/" + S.id + "/items", { query: { limit: 200 } }).then(function (body) {
      items = B.rows(body, ["supplier_items"]);
      var manager = B.atLeast(S.session, "manager");
      var tbody = C.clearBody($("items-table"));
      items.forEach(function (si) { tbody.appendChild(itemRow(si, manager)); });
      C.showRows("items", items.length);
      C.fillSelect($("rp-item"), items, function (si) { return si.item.sku; },
        function (si) { return B.itemText(si.item); });
      return items;
    }).catch(function (err) {
      if (err.status === 403) { C.showDenied("items"); return []; }
      throw err;
    });
  }

  var ITEM_INPUTS = [
    ["si-supplier-sku", "supplier_sku", "nullable"], ["si-cost", "unit_cost", "text"],
    ["si-currency", "currency", "text"], ["si-moq", "moq", "int"], ["si-case", "case_pack", "int"],
    ["si-unit", "purchase_unit", "text"], ["si-per-unit", "units_per_purchase_unit", "int"],
    ["si-lead", "lead_time_days", "int"], ["si-volume", "case_volume_m3", "nullable"],
    ["si-weight", "case_weight_kg", "nullable"]
  ];

  function editItem(si) {
    editing = si;
    $("item-form-title").textContent = "Change " + si.item.sku;
    $("si-sku").value = si.item.sku;
    $("si-sku").disabled = true;
    ITEM_INPUTS.forEach(function (f) {
      var v = si[f[1]];
      $(f[0]).value = v === null || v === undefined ? "" : String(v);
    });
    $("si-preferred").checked = !!si.preferred;
    $("si-active").checked = !!si.active;
    $("si-active").parentNode.hidden = false;
    $("item-save").textContent = "Save " + si.item.sku;
    $("item-new").hidden = false;
    $("item-result").textContent = "";
    $("si-cost").focus();
  }

  function newItem() {
    editing = null;
    $("item-form-title").textContent = "Add an item";
    $("si-sku").disabled = false;
    $("si-sku").value = "";
    ITEM_INPUTS.forEach(function (f) { $(f[0]).value = ""; });
    $("si-currency").value = (S.supplier && S.supplier.currency) || "";
    $("si-preferred").checked = false;
    $("si-active").checked = true;
    $("si-active").parentNode.hidden = true;  // a new item is active
    $("item-save").textContent = "Add item";
    $("item-new").hidden = true;
  }

  function itemBody() {
    var body = {};
    ITEM_INPUTS.forEach(function (f) {
      var v = $(f[0]).value.trim();
      if (v === "") {
        // Emptied on a change: a nullable term is cleared, any other is left as it was.
        if (editing && f[2] === "nullable" && editing[f[1]] !== null) body[f[1]] = null;
        return;
      }
      body[f[1]] = f[2] === "int" ? Number(v) : v;
    });
    if (editing) {
      if ($("si-preferred").checked !== !!editing.preferred) body.preferred = $("si-preferred").checked;
      if ($("si-active").checked !== !!editing.active) body.active = $("si-active").checked;
    } else {
      body.sku = $("si-sku").value.trim();
      if ($("si-preferred").checked) body.preferred = true;
    }
    return body;
  }

  function onSaveItem(event) {
    event.preventDefault();
    C.clearError();
    var form = $("item-form");
    var request = editing
      ? C.call("PATCH", "/supplier-items/" + editing.id, { body: itemBody() })
      : C.call("POST", "/suppliers/" + S.id + "/items", { body: itemBody() });
    C.busy(form, true);
    var was = editing;
    request.then(function (si) {
      newItem();
      return loadItems().then(loadPolicies).then(function () {
        $("item-result").textContent = (was ? "Saved " : "Added ") + si.item.sku + ".";
      });
    }).catch(function (err) {
      $("item-result").textContent = "Not saved.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // ---- reorder policies ----------------------------------------------------------------

  function policyRow(p, buyer) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-policy", String(p.id));
    C.cell(tr, p.item.sku, "code");
    C.cell(tr, p.warehouse.code);
    C.cell(tr, B.words(p.policy));
    [p.min_qty, p.max_qty].forEach(function (v) { C.cell(tr, B.dash(v), "num"); });
    C.cell(tr, B.dash(p.service_level), "num");
    C.cell(tr, B.dash(p.review_days), "num");
    C.cell(tr, B.dash(p.order_qty), "num");
    C.cell(tr, B.dash(p.order_cost), "num");
    C.cell(tr, B.dash(p.holding_rate), "num");
    C.cell(tr, C.formatTime(p.updated_at));
    var td = document.createElement("td");
    if (buyer) {
      var box = document.createElement("div");
      box.className = "actions";
      box.appendChild(B.button("Change", "small plain", function () { editPolicy(p); }));
      box.appendChild(B.button("Stop", "small danger-outline", function () { stopPolicy(p); }));
      box.firstChild.setAttribute("aria-label", "Change the policy of " + p.item.sku + " in " + p.warehouse.code);
      box.lastChild.setAttribute("aria-label", "Stop the policy of " + p.item.sku + " in " + p.warehouse.code);
      td.appendChild(box);
    }
    tr.appendChild(td);
    return tr;
  }

  // One request for the policies of every item this supplier has terms for (the API's
  // supplier filter), following its pages: a supplier may have more than one page of them.
  function policyPages(cursor, found) {
    var query = { supplier: S.supplier.code, active: "true", limit: 200 };
    if (cursor) query.cursor = cursor;
    return C.call("GET", "/reorder-policies", { query: query }).then(function (body) {
      var all = found.concat(B.rows(body, ["reorder_policies"]));
      return body && body.next_cursor ? policyPages(body.next_cursor, all) : all;
    });
  }

  function loadPolicies() {
    if (!items.length) {
      C.clearBody($("policies-table"));
      C.showRows("policies", 0);
      return Promise.resolve();
    }
    return policyPages(null, []).then(function (policies) {
      var buyer = B.atLeast(S.session, "supervisor");
      var tbody = C.clearBody($("policies-table"));
      policies.forEach(function (p) { tbody.appendChild(policyRow(p, buyer)); });
      C.showRows("policies", policies.length);
    }).catch(function (err) {
      if (err.status === 403) return C.showDenied("policies");
      throw err;
    });
  }

  function showPolicyFields() {
    var policy = $("rp-policy").value;
    Array.prototype.forEach.call($("policy-form").querySelectorAll("[data-uses]"), function (div) {
      div.hidden = div.getAttribute("data-uses").split(" ").indexOf(policy) < 0;
    });
    $("rp-help").textContent = HELP[policy] || "";
  }

  function editPolicy(p) {
    $("rp-item").value = p.item.sku;
    $("rp-warehouse").value = p.warehouse.code;
    $("rp-policy").value = p.policy;
    POLICY_INPUTS.forEach(function (f) {
      var v = p[f[1]];
      $(f[0]).value = v === null || v === undefined ? "" : String(v);
    });
    showPolicyFields();
    $("policy-form-title").textContent = "Change the policy of " + p.item.sku + " in " + p.warehouse.code;
    $("rp-policy").focus();
  }

  function stopPolicy(p) {
    C.clearError();
    C.call("DELETE", "/reorder-policies/" + p.id).then(loadPolicies).then(function () {
      $("policy-result").textContent = "Stopped the policy of " + p.item.sku + " in " + p.warehouse.code + ".";
    }).catch(C.explain);
  }

  function onSavePolicy(event) {
    event.preventDefault();
    C.clearError();
    var policy = $("rp-policy").value;
    var body = { sku: $("rp-item").value, warehouse: $("rp-warehouse").value, policy: policy };
    POLICY_INPUTS.forEach(function (f) {
      if ($(f[0]).parentNode.hidden) return;  // a field the policy does not use is not sent
      var v = $(f[0]).value.trim();
      if (v !== "") body[f[1]] = f[2] === "int" ? Number(v) : v;
    });
    var form = $("policy-form");
    C.busy(form, true);
    C.call("PUT", "/reorder-policies", { body: body }).then(function (p) {
      $("policy-form-title").textContent = "Set a reorder policy";
      return loadPolicies().then(function () {
        $("policy-result").textContent = "Saved: " + p.item.sku + " in " + p.warehouse.code + ", " + B.words(p.policy) + ".";
      });
    }).catch(function (err) {
      $("policy-result").textContent = "Not saved.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // ---- start ---------------------------------------------------------------------------

  $("item-form").addEventListener("submit", onSaveItem);
  $("item-new").addEventListener("click", newItem);
  $("policy-form").addEventListener("submit", onSavePolicy);
  $("rp-policy").addEventListener("change", showPolicyFields);

  S.onLoad(function (supplier, session) {
    $("item-form").hidden = !B.atLeast(session, "manager");
    $("policy-form").hidden = !B.atLeast(session, "supervisor");
    newItem();
    showPolicyFields();
    B.fillWarehouses($("rp-warehouse")).catch(C.explain);
    loadItems().then(loadPolicies).catch(C.explain);
  });
})();
