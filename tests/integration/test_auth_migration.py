"""Migration 0009 adds the sign-in audit log and carries the old badge lockout's counts and
locks into it before the lockout's columns go."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T0 = datetime(2026, 11, 30, 12, 0, 0)
LOCKED = datetime(2026, 11, 30, 12, 15, 0)


def _fill_at_0008(conn: sa.Connection) -> None:
    users = sa.table(
        "users",
        *(
            sa.column(c)
            for c in ("id", "username", "display_name", "role", "badge", "pin_failures", "active")
        ),
        sa.column("locked_until", sa.DateTime()),
        sa.column("created_at", sa.DateTime()),
    )
    common = {"role": "worker", "active": True, "created_at": T0}
    conn.execute(
        users.insert(),
        [
            {**common, "id": 1, "username": "calm", "display_name": "C", "badge": "B-1",
             "pin_failures": 0, "locked_until": None},
            {**common, "id": 2, "username": "fumbling", "display_name": "F", "badge": "B-2",
             "pin_failures": 2, "locked_until": None},
            {**common, "id": 3, "username": "locked", "display_name": "L", "badge": "B-3",
             "pin_failures": 0, "locked_until": LOCKED},
        ],
    )  # fmt: skip
    # A row pointing at a user: the columns must go without rebuilding `users` under it.
    tokens = sa.table(
        "api_tokens",
        *(sa.column(c) for c in ("id", "user_id", "token_hash", "kind", "prefix")),
        sa.column("created_at", sa.DateTime()),
    )
    conn.execute(
        tokens.insert().values(
            id=1, user_id=3, token_hash="a" * 64, kind="session", prefix="sft_x", created_at=T0
        )
    )


def test_the_badge_lockout_is_carried_into_the_audit_log_and_its_columns_go(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as conn:
            _fill_at_0008(conn)
        upgrade(directory=MIGRATIONS, revision="0009")

        from scanfloor.auth.models import AuthEvent, User

        events = db.session.scalars(sa.select(AuthEvent).order_by(AuthEvent.user_id)).all()
        assert [(e.kind, e.method, e.login, e.user_id) for e in events] == [
            ("sign_in_throttled", "badge", "B-2", 2),
            ("sign_in_throttled", "badge", "B-3", 3),
        ]
        assert events[0].details["wrong_pins"] == 2
        assert events[0].details["locked_until"] is None
        assert (
            datetime.fromisoformat(events[1].details["locked_until"]).replace(tzinfo=None) == LOCKED
        )
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("users")}
        assert not columns & {"pin_failures", "locked_until"}
        # Every user is still there, badges intact.
        assert db.session.scalars(sa.select(User.badge).order_by(User.id)).all() == [
            "B-1",
            "B-2",
            "B-3",
        ]
        assert db.session.scalar(sa.text("SELECT user_id FROM api_tokens")) == 3
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0008")
        assert not sa.inspect(db.engine).has_table("auth_events")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, pin_failures FROM users ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 0), (2, 0), (3, 0)]
        db.session.remove()
        db.engine.dispose()
