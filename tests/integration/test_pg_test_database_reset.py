"""The PostgreSQL test database's reset (tests/conftest.py, docs/decisions/0022): after a
test's writes, a connection it left in a transaction and sequences it advanced, the reset
database holds exactly what a fresh clone of the migrated template holds; a test that changed
the schema gets a fresh clone instead."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db
from tests.conftest import PgServer
from tests.factories import make_bin, make_item, receive

pytestmark = pytest.mark.postgres


def _contents(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """Every table's rows (COPY text, sorted) and every sequence's state."""
    found: dict[str, Any] = {}
    tables = conn.execute(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    with conn.cursor() as cur:
        for (table,) in tables:
            with cur.copy(f"COPY {table} TO STDOUT") as copy:
                text = b"".join(bytes(chunk) for chunk in copy).decode()
            found[table] = sorted(text.splitlines())
    sequences = conn.execute(
        "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    for (seq,) in sequences:
        found[seq] = conn.execute(f"SELECT last_value, is_called FROM {seq}").fetchone()
    return found


def _dirty(server: PgServer, name: str) -> None:
    app = create_app(Settings(mode="test", database_url=server.url_for(name)))
    from scanfloor.auth.service import create_user

    with app.app_context():
        create_user(username="worker", role="worker", password="worker-password-1")
        receive(make_item(), make_bin(), 5)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_reset_database_is_a_fresh_clone_again(pg_server: PgServer) -> None:
    if not pg_server.can_reset:
        pytest.skip("the reset needs a superuser; without one every test gets a fresh clone")
    name = pg_server.database_for_test()
    with pg_server.connect(name) as conn:
        before = _contents(conn)
    _dirty(pg_server, name)
    # A connection left in a transaction, holding a row lock the reset's DELETE would wait on.
    straggler = pg_server.connect(name)
    straggler.autocommit = False
    straggler.execute("SELECT * FROM locations FOR UPDATE").fetchall()
    with pg_server.connect(name) as conn:
        assert _contents(conn) != before
    try:
        assert pg_server.reset(name)
        with pytest.raises(psycopg.OperationalError):  # ended by the reset
            straggler.execute("SELECT 1")
    finally:
        straggler.close()
    fresh = pg_server.new_database()
    try:
        with pg_server.connect(fresh) as conn:
            assert _contents(conn) == before
    finally:
        pg_server.drop(fresh)
    with pg_server.connect(name) as conn:
        assert _contents(conn) == before
        assert conn.execute("SELECT nextval('items_id_seq')").fetchone() == (1,)


def test_a_changed_schema_gets_a_fresh_clone(pg_server: PgServer) -> None:
    if not pg_server.can_reset:
        pytest.skip("the reset needs a superuser; without one every test gets a fresh clone")
    name = pg_server.database_for_test()
    with pg_server.connect(name) as conn:
        conn.execute("ALTER TABLE movements DISABLE TRIGGER ALL")
    assert not pg_server.reset(name)
    clones = pg_server.clones
    assert pg_server.database_for_test() == name
    assert pg_server.clones == clones + 1
    with pg_server.connect(name) as conn:
        disabled = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'movements'::regclass "
            "AND NOT tgisinternal AND tgenabled = 'D'"
        ).fetchone()
    assert disabled == (0,)
