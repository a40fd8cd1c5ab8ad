"""Shared fixtures.

Integration tests take the `app` fixture, which runs each test once on SQLite (a fresh
file-backed database copied from one migrated template) and once on PostgreSQL (a fresh
database cloned from a migrated template) when SCANFLOOR_TEST_DATABASE_URL points at one.
Without it, the PostgreSQL runs skip and say why. Unit tests take none of this.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scanfloor import create_app
from scanfloor.config import Settings

PG_ENV = "SCANFLOOR_TEST_DATABASE_URL"
REPO = Path(__file__).resolve().parent.parent
_counter = itertools.count()


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


class PgServer:
    """Clones one migrated template database per test (CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.template = f"sf_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._exec(f'CREATE DATABASE "{self.template}"')
        _migrate(self.url_for(self.template))

    def _exec(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def new_database(self) -> str:
        name = f"sf_t_{os.getpid()}_{next(_counter)}"
        self._exec(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        return name

    def drop(self, name: str) -> None:
        self._exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
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
    name = server.new_database()
    try:
        yield server.url_for(name)
    finally:
        server.drop(name)


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
    """One user per role (username = role), committed."""
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
    from scanfloor.auth.tokens import issue_token
    from scanfloor.extensions import db

    cache: dict[str, dict[str, str]] = {}

    def headers(role: str) -> dict[str, str]:
        if role not in cache:
            tok = issue_token(users[role].id)
            db.session.commit()
            cache[role] = {"Authorization": f"Bearer {tok.token}"}
        return cache[role]

    return headers
