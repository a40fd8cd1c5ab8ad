"""Shared fixtures.

Integration tests take the `app` fixture, which runs each test once on SQLite (a fresh
file-backed database copied from one migrated template) and once on PostgreSQL (the pytest
process's database, reset to the migrated state: see PgServer) when
SCANFLOOR_TEST_DATABASE_URL points at one. Without it, the PostgreSQL runs skip and say why.
Unit tests take none of this. Every pytest process (each xdist worker of `make test`) has
templates and databases of its own.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scanfloor import create_app
from scanfloor.config import Settings

PG_ENV = "SCANFLOOR_TEST_DATABASE_URL"
REPO = Path(__file__).resolve().parent.parent
_counter = itertools.count()


# The browser tests on the seeded demo server (tests/e2e/conftest.py, one per pytest process)
# build on what the tests before them left there, in file order (a count task waiting, the
# items an earlier test used): they all run on one xdist worker, in that order, as they do in
# one process.
SHARED_SITE_FIXTURES = {"demo_server": "demo-server"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test` runs the suite on several xdist workers (docs/decisions/0022). Tests that
    share a session's seeded site run on one worker (SHARED_SITE_FIXTURES), and so does a
    module whose tests share a module-scoped fixture (a live server, a seeded site, a browser
    page), which is then built once rather than once per worker the tests land on."""
    wide = {"module", "package", "class"}
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        names = getattr(item, "fixturenames", ())
        shared = [group for name, group in SHARED_SITE_FIXTURES.items() if name in names]
        info = getattr(item, "_fixtureinfo", None)
        fixtures = info.name2fixturedefs.values() if info else ()
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))
        elif any(defs and defs[-1].scope in wide for defs in fixtures):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _pg_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _pg_reachable(url: str) -> str | None:
    try:
        eng = create_engine(url, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as exc:  # report why, then skip
        return f"PostgreSQL at {PG_ENV} not reachable: {exc.__class__.__name__}"


def _migrate(url: str) -> None:
    app = create_app(Settings(mode="test", database_url=url))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(REPO / "migrations"), revision="heads")
        from scanfloor.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


# Catalogs that describe a database's schema and settings. Any DDL (ALTER TABLE ... DISABLE
# TRIGGER, DROP TRIGGER, GRANT, COMMENT, a new table...) inserts, updates or deletes rows in
# one of them, which changes that catalog's row count or its newest xmin; VACUUM and ANALYZE
# update pg_class in place (same xmin) and do not count. A reset database whose print differs
# from the fresh one's is cloned again instead (see PgServer).
_CATALOGS = (
    "pg_namespace",
    "pg_class",
    "pg_attribute",
    "pg_attrdef",
    "pg_constraint",
    "pg_index",
    "pg_inherits",
    "pg_trigger",
    "pg_event_trigger",
    "pg_rewrite",
    "pg_proc",
    "pg_type",
    "pg_enum",
    "pg_sequence",
    "pg_policy",
    "pg_extension",
    "pg_description",
    "pg_depend",
    "pg_largeobject_metadata",
    "pg_statistic_ext",
    "pg_publication",
)
_CATALOG_PRINT = "count(*) || ':' || coalesce(max(xmin::text::bigint), 0)"
SCHEMA_PRINT = "SELECT " + " || ' ' || ".join(
    [f"(SELECT {_CATALOG_PRINT} FROM pg_catalog.{name})" for name in _CATALOGS]
    # ALTER DATABASE / ALTER ROLE ... SET that apply here (the catalog is shared).
    + [
        f"(SELECT {_CATALOG_PRINT} FROM pg_catalog.pg_db_role_setting WHERE setdatabase IN "
        "(0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())))"
    ]
)
_USER_SCHEMAS = "schemaname NOT IN ('pg_catalog', 'information_schema')"


@dataclass(frozen=True)
class Baseline:
    """What a freshly migrated database holds, for a reset to put back exactly."""

    schema_print: str
    delete_sql: str  # DELETE FROM every table
    seeds: tuple[tuple[str, bytes], ...]  # (table, COPY text) of the rows migrations insert
    setval_sql: str  # every sequence back to where the migrations left it

    @classmethod
    def capture(cls, conn: psycopg.Connection[Any]) -> Baseline:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT format('%I.%I', schemaname, tablename) FROM pg_catalog.pg_tables "
                f"WHERE {_USER_SCHEMAS} ORDER BY 1"
            )
        ]
        seeds = []
        with conn.cursor() as cur:
            for table in tables:
                with cur.copy(f"COPY {table} TO STDOUT") as copy:
                    rows = b"".join(bytes(chunk) for chunk in copy)
                if rows:
                    seeds.append((table, rows))
        # pg_sequences.last_value is NULL for a sequence never called: setval(start, false)
        # makes its next value the start again, as in a fresh database.
        setval = conn.execute(
            "SELECT coalesce('SELECT ' || string_agg(format('pg_catalog.setval(%L, %s, %L)', "
            "format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value), "
            f"last_value IS NOT NULL), ', '), 'SELECT 1') FROM pg_catalog.pg_sequences "
            f"WHERE {_USER_SCHEMAS}"
        ).fetchone()
        return cls(
            schema_print=schema_print(conn),
            delete_sql="; ".join(f"DELETE FROM {table}" for table in tables) or "SELECT 1",
            seeds=tuple(seeds),
            setval_sql=setval[0] if setval else "SELECT 1",
        )


def schema_print(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute(SCHEMA_PRINT).fetchone()
    assert row is not None
    return str(row[0])


class PgServer:
    """The PostgreSQL databases of one pytest process (each xdist worker has its own).

    One template is migrated per process. Tests then share one database cloned from it,
    which `reset` puts back to the just-migrated state before each test, instead of cloning
    a database per test: CREATE DATABASE ... TEMPLATE plus DROP DATABASE took ~0.5 s a test
    of mostly disk I/O (FILE_COPY forces two checkpoints; WAL_LOG writes the whole template
    to WAL), the reset takes a few milliseconds (docs/decisions/0022). The reset needs a
    superuser (session_replication_role); without one, each test gets a fresh clone as
    before. A test that changed the schema (the hash-chain tests disable the ledger's
    triggers) also gets a fresh clone: the reset puts back rows and sequences, not DDL.
    """

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"sf_tmpl_{tag}"
        self.shared = f"sf_t_{tag}"
        self._exec(f'CREATE DATABASE "{self.template}"')
        _migrate(self.url_for(self.template))
        with self.admin.connect() as conn:
            self.can_reset = bool(
                conn.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar()
            )
        self._baseline: Baseline | None = None
        self._shared_exists = False
        self.resets = self.clones = 0

    def _exec(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def connect(self, name: str) -> psycopg.Connection[Any]:
        """A plain psycopg connection (autocommit) to one of this server's databases."""
        dsn = self.url.set(drivername="postgresql", database=name)
        return psycopg.connect(dsn.render_as_string(hide_password=False), autocommit=True)

    def new_database(self) -> str:
        name = f"sf_t_{os.getpid()}_{next(_counter)}"
        self._clone(name)
        return name

    def _clone(self, name: str) -> None:
        self._exec(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        self.clones += 1

    def drop(self, name: str) -> None:
        self._exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def database_for_test(self) -> str:
        """A migrated database with no data but what the migrations insert, for one test."""
        if not self.can_reset:
            return self.new_database()
        if self._shared_exists and self.reset(self.shared):
            return self.shared
        self.drop(self.shared)
        self._shared_exists = False
        self._clone(self.shared)
        self._shared_exists = True
        if self._baseline is None:
            with self.connect(self.shared) as conn:
                self._baseline = Baseline.capture(conn)
        return self.shared

    def release(self, name: str) -> None:
        if name != self.shared:
            self.drop(name)

    def reset(self, name: str) -> bool:
        """Put the database back as the migrations left it; False when it cannot be (its
        schema changed, or a connection to it would not end), and it needs cloning again."""
        base = self._baseline
        assert base is not None
        with self.connect(name) as conn:
            # End the connections a test left open (a server it started, a thread's pool),
            # which could still hold locks or write, as DROP DATABASE ... WITH (FORCE) did.
            # Autovacuum may stay: it takes no lock that DELETE waits on.
            others = (
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            conn.execute(f"SELECT pg_terminate_backend(pid, 10000) {others}")
            left = conn.execute(f"SELECT count(*) {others}").fetchone()
            if left is None or left[0] or schema_print(conn) != base.schema_print:
                return False
            with conn.transaction():
                # As a replica: the append-only triggers (DELETE refused) and the foreign
                # keys' triggers (any delete order) do not fire. Superuser only.
                conn.execute("SET LOCAL session_replication_role = replica")
                conn.execute(base.delete_sql)
                with conn.cursor() as cur:
                    for table, rows in base.seeds:
                        with cur.copy(f"COPY {table} FROM STDIN") as copy:
                            copy.write(rows)
                conn.execute(base.setval_sql)
        self.resets += 1
        return True

    def close(self) -> None:
        if self._shared_exists:
            self.drop(self.shared)
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = _pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL run skipped: set {PG_ENV} (CI sets it) to run it")
    why = _pg_reachable(url)
    if why:
        pytest.skip(why)
    server = PgServer(url)
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "scanfloor.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.database_for_test()
    try:
        yield server.url_for(name)
    finally:
        server.release(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each backend: for migration tests that start
    from an older revision."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"sf_empty_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    server._exec(f'CREATE DATABASE "{name}"')
    try:
        yield server.url_for(name)
    finally:
        server.drop(name)


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    application = create_app(Settings(mode="test", database_url=db_url))
    from scanfloor.extensions import db

    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def backend(app: Any) -> str:
    from scanfloor.extensions import db

    return str(db.engine.dialect.name)


@pytest.fixture
def users(app: Any) -> dict[str, Any]:
    """One user per role of the ladder (username = role), committed; auth("finance") adds
    the finance user (beside the ladder) when a test asks for it."""
    from scanfloor.auth.service import create_user

    made = {}
    for role in ("worker", "supervisor", "manager", "admin"):
        made[role] = create_user(
            username=role, role=role, password=f"{role}-password-1", display_name=role.title()
        )
    return made


@pytest.fixture
def auth(app: Any, users: dict[str, Any]) -> Callable[[str], dict[str, str]]:
    """auth("manager") -> headers carrying a fresh bearer token for that role."""
    from scanfloor.auth.service import create_user
    from scanfloor.auth.tokens import issue_token
    from scanfloor.extensions import db

    cache: dict[str, dict[str, str]] = {}

    def headers(role: str) -> dict[str, str]:
        if role == "finance" and role not in users:  # made on first use, then users["finance"]
            users[role] = create_user(username=role, role=role, password="finance-password-1")
        if role not in cache:
            tok = issue_token(users[role].id)
            db.session.commit()
            cache[role] = {"Authorization": f"Bearer {tok.token}"}
        return cache[role]

    return headers
