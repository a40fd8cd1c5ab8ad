// Hash routes (#/receive?po=3): a reload, or the service worker's cached shell, comes back to
// the same screen. One screen is mounted at a time; scans go to it.

import { deviceUser, hasRole } from "./session.js";

export class Router {
  constructor({ outlet, screens, ctx, onTitle }) {
    this.outlet = outlet;
    this.screens = screens;
    this.ctx = ctx;
    this.onTitle = onTitle;
    this.current = null;
    this.currentId = null;
    window.addEventListener("hashchange", () => this.render());
  }

  navigate(route) {
    const target = `#/${route.replace(/^#?\/?/, "")}`;
    if (location.hash === target) this.render();
    else location.hash = target;
  }

  parse() {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, query = ""] = raw.split("?");
    return { id: path || "home", params: Object.fromEntries(new URLSearchParams(query)) };
  }

  render() {
    let { id, params } = this.parse();
    let screen = this.screens[id];
    // A worker whose token ended during the shift keeps working on the device's saved copy;
    // the outbox asks them to sign in as soon as something has to be sent.
    const user = deviceUser();
    if (!screen) {
      id = "home";
      screen = this.screens.home;
    }
    if (screen.minRole && !user) {
      id = "signin";
      screen = this.screens.signin;
      params = { next: this.parse().id === "signin" ? "" : location.hash.slice(2) };
    } else if (screen.minRole && !hasRole(user, screen.minRole)) {
      id = "home";
      screen = this.screens.home;
    }
    if (this.current?.unmount) this.current.unmount();
    this.ctx.camera.stop();
    const mounted = screen.mount(this.ctx, params || {});
    this.current = mounted;
    this.currentId = id;
    this.outlet.replaceChildren(mounted.el);
    this.outlet.dataset.screen = id;
    document.body.dataset.screen = id;
    this.onTitle(typeof screen.title === "function" ? screen.title(params) : screen.title);
    window.scrollTo(0, 0);
    this.ctx.refocus();
  }

  /* The current route (for "come back here after signing in"). */
  route() {
    return location.hash.replace(/^#\/?/, "");
  }

  dispatchScan(raw, source) {
    if (this.current?.onScan) this.current.onScan(raw, source);
  }
}
