// The putaway screen's steps as views: plain functions of the screen's state, drawn by the
// task flow (js/task-flow.js), calling back into the screen through `act` (putaway.js).

import { button, facts, h, stepper } from "../dom.js";

const REASONS = ["suggested bin full", "suggested bin blocked", "closer bin", "other"];

export function putawayViews(ctx, flow, act) {
  const { s, actions } = flow;

  function taskFacts(task) {
    return facts([
      ["Item", task.item ? `${task.item.sku} ${task.item.name}` : null],
      ["LPN", task.container?.code],
      ["Lot", task.lot?.code],
      ["From", task.from_location?.code],
      ["Waiting", task.age_minutes != null ? `${task.age_minutes} min` : null],
    ]);
  }

  function taskRoute(t) {
    const age = t.age_minutes != null ? ` · ${t.age_minutes} min` : "";
    const to = t.suggested_location?.code ?? "no bin suggested";
    return `${t.from_location?.code ?? ""} → ${to}${age}`;
  }

  const views = {
    list() {
      const tasks = s.tasks;
      return [
        h("h1", { class: "instruction" }, "Scan an item or LPN on the dock"),
        flow.message(),
        s.stale && h("p", { class: "context" }, "Offline: the tasks saved on this device."),
        tasks === null && h("p", { class: "empty" }, "Loading…"),
        tasks && tasks.length === 0 && h("p", { class: "empty" }, "Nothing waits on the dock."),
        tasks &&
          h(
            "ul",
            { class: "list", "aria-label": "Putaway tasks" },
            tasks.map((t) =>
              h(
                "li",
                {},
                button(
                  `${t.quantity} × ${t.item?.sku ?? `LPN ${t.container?.code}`}`,
                  () => act.openTask(t.id),
                  {
                    kind: "list-item",
                    sub: taskRoute(t),
                    attrs: { dataset: { task: t.id } },
                  },
                ),
              ),
            ),
          ),
        ...actions(
          button("Refresh", () => {
            flow.say(null);
            act.loadTasks();
          }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    bin() {
      const task = s.task;
      const sug = task.suggested_location;
      const qty =
        task.kind !== "lpn"
          ? stepper({
              value: s.quantity,
              min: 1,
              max: task.quantity,
              onChange: (v) => {
                s.quantity = v;
              },
            })
          : null;
      return [
        h("p", { class: "context" }, sug ? "Go to" : "No bin suggested"),
        sug && h("p", { class: "target", id: "target-bin" }, sug.code),
        h("h1", { class: "instruction" }, sug ? "Scan the bin label" : "Scan any bin"),
        flow.message(),
        taskFacts(task),
        qty ? qty.el : facts([["Quantity", `${task.quantity} (whole LPN)`]]),
        ...actions(
          button("Other task", () => {
            flow.go("list");
            act.loadTasks();
          }),
        ),
      ];
    },
    reason() {
      return [
        h("p", { class: "context" }, "Scanned ", h("strong", {}, s.scanned.text)),
        h("h1", { class: "instruction" }, "Why this bin?"),
        flow.message(),
        h(
          "div",
          { class: "list", role: "group", "aria-label": "Reason" },
          REASONS.map((r) => button(r, () => act.submit(s.scanned.raw, r))),
        ),
        ...actions(
          button("Back", () => flow.go("bin")),
        ),
      ];
    },
  };

  return views;
}
