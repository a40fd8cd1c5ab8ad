// The putaway screen's steps as views: plain functions of the screen's state `s`, calling
// back into the screen through `act` (the flow and its checks live in putaway.js).

import { button, facts, h, message, stepper } from "../dom.js";
import { scanActions } from "./scan-actions.js";

const REASONS = ["suggested bin full", "suggested bin blocked", "closer bin", "other"];

export function putawayViews(ctx, s, act) {
  const { paint, say, openTask, loadTasks, submit } = act;

  const actions = (...buttons) => scanActions(ctx, paint, buttons);

  function taskFacts(task) {
    return facts([
      ["Item", task.item ? `${task.item.sku} ${task.item.name}` : null],
      ["LPN", task.container?.code],
      ["Lot", task.lot?.code],
      ["From", task.from_location?.code],
      ["Waiting", task.age_minutes != null ? `${task.age_minutes} min` : null],
    ]);
  }

  const views = {
    list() {
      const tasks = s.tasks;
      return [
        h("h1", { class: "instruction" }, "Scan an item or LPN on the dock"),
        s.msg && message(s.msg.kind, s.msg.text),
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
                  () => openTask(t.id),
                  {
                    kind: "list-item",
                    sub: `${t.from_location?.code ?? ""} → ${t.suggested_location?.code ?? "no bin suggested"}${t.age_minutes != null ? ` · ${t.age_minutes} min` : ""}`,
                    attrs: { dataset: { task: t.id } },
                  },
                ),
              ),
            ),
          ),
        ...actions(
          button("Refresh", () => {
            say(null);
            loadTasks();
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
        s.msg && message(s.msg.kind, s.msg.text),
        taskFacts(task),
        qty ? qty.el : facts([["Quantity", `${task.quantity} (whole LPN)`]]),
        ...actions(
          button("Other task", () => {
            s.step = "list";
            say(null);
            paint();
            loadTasks();
          }),
        ),
      ];
    },
    reason() {
      return [
        h("p", { class: "context" }, "Scanned ", h("strong", {}, s.scanned.text)),
        h("h1", { class: "instruction" }, "Why this bin?"),
        s.msg && message(s.msg.kind, s.msg.text),
        h(
          "div",
          { class: "list", role: "group", "aria-label": "Reason" },
          REASONS.map((r) => button(r, () => submit(s.scanned.raw, r))),
        ),
        ...actions(
          button("Back", () => {
            s.step = "bin";
            say(null);
            paint();
          }),
        ),
      ];
    },
  };

  return views;
}
