// Live updates on the scanner: the /live socket (the vendored Socket.IO client), signed in
// with this device's token, in the rooms of the warehouses the user may see. A screen says
// which board sections matter to it and, for postings, which ones touch it; it is called
// back (debounced: a burst of scans is one refresh) to reload its list. Offline the socket
// just waits and reconnects; the screen keeps what it showed. On every reconnect the screen
// reloads once, so nothing that changed while away is missed.

import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { get } from "./api.js";
import { currentSession } from "./session.js";

/* watch({sections, touches, onChange, debounceMs}) -> stop(). `sections`: board.update
 * sections that matter (e.g. ["to_put_away"]); `touches(posting)`: whether a ledger.posted
 * event concerns the screen. */
export function watch({ sections, touches = () => false, onChange, debounceMs = 800 }) {
  const session = currentSession();
  if (!session || typeof io !== "function") return () => {};
  let timer = null;
  let connectedBefore = false;
  let stopped = false;
  const socket = io("/live", {
    auth: { token: session.token },
    transports: ["websocket", "polling"],
  });

  function later() {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => !stopped && onChange(), debounceMs);
  }

  async function joinAll() {
    // The rooms this user may join: the warehouses GET /board lists for them.
    let warehouses = [];
    try {
      warehouses = (await get("/board")).warehouses || [];
    } catch {
      return; // no rights, or no network yet: the next reconnect tries again
    }
    for (const w of warehouses) socket.emit("join", { warehouse: w.id });
  }

  socket.on("connect", () => {
    joinAll();
    if (connectedBefore) later();
    connectedBefore = true;
  });
  socket.on("board.update", (data) => {
    if ((data.sections || []).some((s) => sections.includes(s))) later();
  });
  socket.on("ledger.posted", (data) => {
    if (touches(data)) later();
  });

  return () => {
    stopped = true;
    clearTimeout(timer);
    socket.disconnect();
  };
}
