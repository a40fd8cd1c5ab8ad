"""Migration 0018 lets a user hold the role finance (beside the worker < supervisor <
manager < admin ladder, docs/decisions/0026) and gives each carton what its carrier charges
to carry it: existing users (and the tokens pointing at them) and cartons are carried
forward as they were, with no shipping cost (unknown, not zero); a finance user can be
inserted afterwards, an unknown role still cannot, nor a negative cost. The downgrade
refuses while a finance user exists (they have no rung to fall back to) and changes
nothing; once none is left it takes both away."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import _migrations
from .test_migration_0017 import _at_0016_with_a_book

USERS = sa.table(
    "users",
    *(sa.column(c) for c in ("id", "username", "display_name", "role", "password_hash",
                             "badge", "pin_hash", "active")),
    sa.column("created_at", sa.DateTime),
)  # fmt: skip
TOKENS = sa.table(
    "api_tokens",
    *(sa.column(c) for c in ("id", "user_id", "token_hash", "kind", "prefix")),
    sa.column("created_at", sa.DateTime),
)
T0 = datetime(2026, 12, 1, 8, 0, 0)
NEW_COLUMNS = {"shipping_cost", "shipping_currency"}


def _at_0017_with_people_and_cartons() -> None:
    """The 0017 book (its ledger shipped from two cartons), an admin and a worker, and a
    sign-in token of the worker's (a row pointing at users, through SQLite's rebuild)."""
    _at_0016_with_a_book()
    upgrade(directory=MIGRATIONS, revision="0017")
    with db.engine.begin() as conn:
        conn.execute(
            USERS.insert(),
            [
                dict(id=801, username="ada", display_name="Ada", role="admin",
                     password_hash="x", badge="B-801", pin_hash=None, active=True,
                     created_at=T0),
                dict(id=802, username="wes", display_name="Wes", role="worker",
                     password_hash=None, badge="B-802", pin_hash="y", active=False,
                     created_at=T0),
            ],
        )  # fmt: skip
        conn.execute(
            TOKENS.insert().values(
                id=901, user_id=802, token_hash="h" * 64, kind="session", prefix="sf_abc",
                created_at=T0,
            )
        )  # fmt: skip
        assert conn.execute(sa.text("SELECT COUNT(*) FROM cartons")).scalar(), "cartons exist"


def _rows(conn: sa.Connection, table: str) -> set[tuple[object, ...]]:
    return {tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))}


def _carton_columns(conn: sa.Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("cartons")}


def _add_user(conn: sa.Connection, id_: int, role: str) -> None:
    conn.execute(
        USERS.insert().values(
            id=id_, username=f"u{id_}", display_name="New", role=role, active=True,
            created_at=T0,
        )
    )  # fmt: skip


def test_users_and_cartons_are_carried_forward_and_a_finance_user_fits_after(empty_url):
    with _migrations(empty_url):
        _at_0017_with_people_and_cartons()
        with db.engine.begin() as conn:
            users, tokens, cartons = (_rows(conn, t) for t in ("users", "api_tokens", "cartons"))
            assert not NEW_COLUMNS & _carton_columns(conn)
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            _add_user(conn, 803, "finance")  # not yet a role

        upgrade(directory=MIGRATIONS, revision="0018")

        with db.engine.begin() as conn:
            assert _rows(conn, "users") == users
            assert _rows(conn, "api_tokens") == tokens
            assert _carton_columns(conn) >= NEW_COLUMNS
            shipped = conn.execute(sa.text(
                "SELECT id, shipping_cost, shipping_currency FROM cartons"
            )).all()  # fmt: skip
            assert shipped and all(c is None and cur is None for _, c, cur in shipped)
            kept = {r[: len(next(iter(cartons)))] for r in _rows(conn, "cartons")}
            assert kept == cartons  # the old columns, row for row
            _add_user(conn, 804, "finance")
            first = shipped[0][0]
            conn.execute(sa.text(
                "UPDATE cartons SET shipping_cost = 4.5, shipping_currency = 'EUR' "
                f"WHERE id = {first}"
            ))  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            _add_user(conn, 805, "owner")
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE cartons SET shipping_cost = -1"))
        with db.engine.begin() as conn:
            role = conn.execute(sa.text("SELECT role FROM users WHERE id = 804")).scalar()
            cost = conn.execute(sa.text("SELECT MAX(shipping_cost) FROM cartons")).scalar()
        assert role == "finance" and float(cost) == 4.5


def test_the_downgrade_refuses_while_a_finance_user_exists_and_works_once_none_does(
    empty_url, capfd
):
    with _migrations(empty_url):
        _at_0017_with_people_and_cartons()
        upgrade(directory=MIGRATIONS, revision="0018")
        with db.engine.begin() as conn:
            _add_user(conn, 810, "finance")
            users_before = _rows(conn, "users")

        capfd.readouterr()
        with pytest.raises(SystemExit):  # flask-migrate logs the migration's error, exits 1
            downgrade(directory=MIGRATIONS, revision="0017")
        assert "1 user(s) hold the finance role" in capfd.readouterr().err
        with db.engine.begin() as conn:
            assert _rows(conn, "users") == users_before
            assert _carton_columns(conn) >= NEW_COLUMNS, "the refused downgrade changed nothing"
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert version == "0018"
            # An admin gives the finance user a role on the ladder first.
            conn.execute(sa.text("UPDATE users SET role = 'manager' WHERE id = 810"))

        downgrade(directory=MIGRATIONS, revision="0017")

        with db.engine.begin() as conn:
            assert not NEW_COLUMNS & _carton_columns(conn)
            assert conn.execute(sa.text("SELECT role FROM users WHERE id = 810")).scalar() == (
                "manager"
            )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            _add_user(conn, 811, "finance")  # 0017's CHECK is back
        upgrade(directory=MIGRATIONS, revision="0018")  # and up again
