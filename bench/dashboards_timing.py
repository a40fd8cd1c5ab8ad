"""Timing the dashboards for bench_dashboards.py: what the console asks for, each request
timed with its statements, stopped past the budget, the slowest profiled.

What is timed, in-process through the Flask test client with an admin's bearer token: what
the dashboards page (console_reports.js) fetches. Once per page: the catalogue
(GET /api/v1/reports/kpis), the warehouses and channels of the filter bar (`page_s`). Per
dashboard tab: each of its KPIs, GET /api/v1/reports/kpis/<id> with the console's default
range (console_reports_rules.js DEFAULT_DAYS: the last 28 days to today) when the KPI takes
a date range, and the breakdown its card opens with (PLANS `by`), no other filter. Each
KPI BENCH_DASH_RUNS times (the median counts), then BENCH_DASH_YEAR_RUNS times over the
whole year (the person who widens the range: reported, not the goal); a KPI over 10 s on
its first run is not run again. With each: its statements and the seconds spent in the
driver (sql_meter), its slowest statement, the rows and total it answered. A request's SQL
is stopped after BENCH_DASH_BUDGET_S (default 120; SQLite: a progress handler, PostgreSQL:
statement_timeout): it is reported `timed_out`, its seconds a lower bound. A request that
fails is reported `failed`, with the exception the API logged (`error`), and the bench goes
on; a dashboard with a failed KPI does not hold.
"""

from __future__ import annotations

import cProfile
import io
import logging
import math
import os
import pstats
import re
import statistics
import time
from datetime import timedelta
from typing import Any

from harness import REPO, note, sql_meter

RUNS = int(os.environ.get("BENCH_DASH_RUNS", "3"))
YEAR_RUNS = int(os.environ.get("BENCH_DASH_YEAR_RUNS", "1"))
PROFILE = int(os.environ.get("BENCH_DASH_PROFILE", "0"))
BUDGET_S = float(os.environ.get("BENCH_DASH_BUDGET_S", "120"))
GOAL_S = 1.0
ONCE_PAST_S = 10 * GOAL_S  # a KPI this slow on its first run is not run again


def _console() -> tuple[int, dict[str, str]]:
    """DEFAULT_DAYS and each card's opening breakdown (PLANS `by`) from the console's rules."""
    js = (REPO / "server/scanfloor/console/static/console_reports_rules.js").read_text()
    days = re.search(r"DEFAULT_DAYS = (\d+);", js)
    plans = dict(re.findall(r'^\s+(\w+): \{[^\n]*\bby: "(\w+)"', js, re.M))
    if days is None or not plans:
        raise SystemExit("console_reports_rules.js: DEFAULT_DAYS or PLANS not found")
    return int(days.group(1)), plans


class _Budget:
    """Times each statement (the slowest is named in the JSON) and stops a request's SQL
    once it has run BUDGET_S: SQLite through a progress handler on the connection, PostgreSQL
    through the database's statement_timeout (set by bench_dashboards._run)."""

    def __init__(self) -> None:
        self.deadline = math.inf
        self.started: list[float] = []
        self.slowest: tuple[float, str] = (0.0, "")
        self.current = self.stopped = ""

    def before(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.current = statement
        dbapi = conn.connection.dbapi_connection
        if hasattr(dbapi, "set_progress_handler"):
            dbapi.set_progress_handler(lambda: int(time.perf_counter() > self.deadline), 100_000)
        self.started.append(time.perf_counter())

    def after(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        took = time.perf_counter() - self.started.pop()
        if took > self.slowest[0]:
            self.slowest = (took, _short(statement))


def _short(statement: str) -> str:
    return " ".join(statement.split())[:160]


class _Failure(logging.Handler):
    """The exception behind a 500 (the API's error handler logs it, and answers only
    "internal error")."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = ""

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            self.seen = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


def _get(client: Any, path: str, headers: dict[str, str]) -> tuple[float, dict[str, Any], Any]:
    """One request, timed, with its statements, the seconds spent in the driver and its
    slowest statement; past BUDGET_S its SQL is stopped. A request stopped or failed has no
    body (None): `stopped_in` names the statement stopped, `error` the failure."""
    from sqlalchemy import event

    from scanfloor.extensions import db

    budget, failure = _Budget(), _Failure()
    event.listen(db.engine, "before_cursor_execute", budget.before)
    event.listen(db.engine, "after_cursor_execute", budget.after)
    logging.getLogger("scanfloor.api.errors").addHandler(failure)
    try:
        with sql_meter(db.engine) as meter:
            t0 = time.perf_counter()
            budget.deadline = t0 + BUDGET_S
            resp = client.get(path, headers=headers)
            took = time.perf_counter() - t0
    finally:
        event.remove(db.engine, "before_cursor_execute", budget.before)
        event.remove(db.engine, "after_cursor_execute", budget.after)
        logging.getLogger("scanfloor.api.errors").removeHandler(failure)
        budget.deadline = math.inf
    error = ""
    if resp.status_code == 500 and took >= BUDGET_S:
        budget.stopped = _short(budget.current)  # the app logged the interruption
    elif resp.status_code != 200:
        error = f"{resp.status_code} {failure.seen or resp.get_data(as_text=True)[:200]}"
        note(f"GET {path} failed: {error}")
    measured = {
        "statements": int(meter["statements"]),
        "sql_s": round(meter["seconds"], 3),
        "slowest_statement_s": round(budget.slowest[0], 3),
        "slowest_statement": budget.slowest[1],
        **({"stopped_in": budget.stopped} if budget.stopped else {}),
        **({"error": error} if error else {}),
    }
    return took, measured, resp.json if resp.status_code == 200 else None


def _query(kpi: dict[str, Any], first: str, last: str, by: str | None) -> str:
    q = [f"from={first}", f"to={last}"] if "date_range" in kpi["filters"] else []
    if by and by in kpi["breakdowns"]:
        q.append(f"by={by}")
    return f"/api/v1/reports/kpis/{kpi['id']}" + ("?" + "&".join(q) if q else "")


def time_kpis(client: Any, headers: dict[str, str], today: Any) -> dict[str, Any]:
    days, plans = _console()
    page: dict[str, float] = {}
    _, _, catalogue = _get(client, "/api/v1/reports/kpis", headers)  # warm, then timed
    if catalogue is None:
        raise SystemExit("the KPI catalogue did not answer")
    for name, path in (
        ("catalogue", "/api/v1/reports/kpis"),
        ("warehouses", "/api/v1/locations?level=warehouse&limit=200"),
        ("channels", "/api/v1/channels"),
    ):
        page[name] = round(_get(client, path, headers)[0], 4)
    kpis = {k["id"]: k for k in catalogue["kpis"] if k["available"]}
    ranges = {
        "default": ((today - timedelta(days=days - 1)).isoformat(), today.isoformat()),
        "year": ((today - timedelta(days=364)).isoformat(), today.isoformat()),
    }
    out: dict[str, Any] = {}
    for k, kpi in kpis.items():
        by = plans.get(k) if plans.get(k) in kpi["breakdowns"] else None
        out[k] = {"by": by, **{r: {"path": _query(kpi, *ranges[r], by)} for r in ranges}}
    for label, runs in (("default", RUNS), ("year", YEAR_RUNS)):
        for n in range(runs):
            for k in kpis:
                got = out[k][label]
                if n and (got["timed_out"] or got["failed"] or got["runs"][0] > ONCE_PAST_S):
                    continue
                took, measured, body = _get(client, got["path"], headers)
                got.setdefault("runs", []).append(round(took, 4))
                got.update(measured, timed_out="stopped_in" in measured, failed="error" in measured)
                if body is not None:
                    got["rows"] = len(body["rows"])
                    got["total"] = body["total"] and body["total"]["cells"]
        for k in kpis:
            out[k][label]["s"] = round(statistics.median(out[k][label]["runs"]), 4)
        note(f"dashboards: {label} range timed")
    return {"page_s": page, "ranges": ranges, "kpis": out}


def profile_kpis(client: Any, headers: dict[str, str], kpis: dict[str, Any]) -> None:
    """cProfile (on stderr) of the PROFILE slowest KPIs over the goal that ran within the
    budget: at the default range when they are over there, else over the year."""
    over = [
        (r == "year", -v[r]["s"], k, r)
        for k, v in kpis.items()
        for r in ("default", "year")
        if v[r]["s"] > GOAL_S and not (v[r]["timed_out"] or v[r]["failed"])
    ]
    seen: set[str] = set()
    for _, minus, k, label in sorted(over):
        if k in seen or len(seen) >= PROFILE:
            continue
        seen.add(k)
        prof = cProfile.Profile()
        prof.enable()
        client.get(kpis[k][label]["path"], headers=headers)
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(r"scanfloor|sqlite3|psycopg", 30)
        stats.sort_stats("tottime").print_stats(15)
        note(f"profile of {k} ({label} range, {-minus:.2f} s unprofiled):\n{out.getvalue()}")
