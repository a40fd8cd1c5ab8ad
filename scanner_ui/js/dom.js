// Small DOM helpers: build elements without innerHTML (nothing from the server is ever parsed as HTML).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      el.className = value;
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name in el && typeof value !== "string") {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function button(label, onClick, { kind = "", sub = "", attrs = {} } = {}) {
  return h(
    "button",
    { type: "button", class: `btn ${kind}`.trim(), onclick: onClick, ...attrs },
    label,
    sub ? h("span", { class: "sub" }, sub) : null,
  );
}

export function message(kind, text) {
  if (!text) return null;
  const symbol = { ok: "✓", error: "✕", warn: "!", info: "i" }[kind] || "";
  return h("p", { class: `message ${kind}`, role: "status" }, symbol ? `${symbol} ` : "", text);
}

export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))]),
  );
}

/* Numeric stepper: minus, a number field, plus. `onChange(value)` after every change. */
export function stepper({ value, min = 1, max = 999999, step = 1, label = "Quantity", onChange }) {
  const input = h("input", {
    type: "number",
    inputmode: "numeric",
    min: String(min),
    max: String(max),
    value: String(value),
    "aria-label": label,
    name: "quantity",
  });
  const clamp = (n) => Math.max(min, Math.min(max, Number.isFinite(n) ? Math.trunc(n) : min));
  const set = (n) => {
    const v = clamp(n);
    input.value = String(v);
    onChange?.(v);
  };
  input.addEventListener("change", () => set(Number(input.value)));
  const minus = h(
    "button",
    {
      type: "button",
      "aria-label": `${label} minus ${step}`,
      onclick: () => set(Number(input.value) - step),
    },
    "−",
  );
  const plus = h(
    "button",
    {
      type: "button",
      "aria-label": `${label} plus ${step}`,
      onclick: () => set(Number(input.value) + step),
    },
    "+",
  );
  const el = h("div", { class: "stepper" }, minus, input, plus);
  return {
    el,
    input,
    get value() {
      return clamp(Number(input.value));
    },
    set,
  };
}

export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    day: "2-digit",
    month: "short",
  });
}

export function showGs(text) {
  // Make invisible characters visible (as <GS>, <CR>, ...) when showing what a scanner sent.
  return String(text)
    .replace(/\x1d/g, "<GS>")
    .replace(/\r/g, "<CR>")
    .replace(/\n/g, "<LF>")
    .replace(/\t/g, "<TAB>");
}

/* Replace el's children; null, false and nested arrays are fine (skipped, flattened). */
export function render(el, ...children) {
  el.replaceChildren(
    ...children
      .flat(Infinity)
      .filter((c) => c !== null && c !== undefined && c !== false && c !== ""),
  );
}

/* A one-field form (lot, expiry, PIN): Enter, or a button with form=id, hands over the value. */
export function fieldForm(id, label, input, onValue) {
  return h(
    "form",
    {
      id,
      onsubmit: (e) => {
        e.preventDefault();
        onValue(new FormData(e.target).get(input.name));
      },
    },
    h("label", { class: "field" }, label, h("input", input)),
  );
}
