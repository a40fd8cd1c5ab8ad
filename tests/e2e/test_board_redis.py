"""Scale-out of the live board: two server processes joined by Redis; a posting committed on
one is computed there and its `board.update` reaches a board connected to the other. Needs
Redis (SCANFLOOR_TEST_REDIS_URL, set by .ci/run when it answers); skips and says why without."""

from __future__ import annotations

import pytest

from .conftest import BIN, base_env, free_port, serving
from .test_board_live import Board, Site, _wait_for, prepare
from .test_realtime_redis import SHARED_QUEUE, _redis_or_skip

pytestmark = [pytest.mark.timeout(180), SHARED_QUEUE]


def test_a_change_committed_on_one_process_reaches_a_board_on_another(tmp_path):
    queue = _redis_or_skip()
    db_url = f"sqlite:///{tmp_path}/board.db"
    from tests.conftest import _migrate

    _migrate(db_url)
    ids, tokens = prepare(db_url)
    env = base_env(
        DATABASE_URL=db_url,
        SCANFLOOR_MODE="test",
        SCANFLOOR_OUTBOX_THREAD="false",
        SOCKETIO_MESSAGE_QUEUE=queue,
    )
    pa, pb = free_port(), free_port()
    with (
        serving([str(BIN / "scanfloor"), "serve", "--port", str(pa)], env, pa) as a,
        serving([str(BIN / "scanfloor"), "serve", "--port", str(pb)], env, pb) as b,
    ):
        board = Board().connect(b, tokens["supervisor"])
        try:
            assert board.join("NORTH")["joined"]["code"] == "NORTH"
            posted = Site(a, tokens, ids).receive("N-DOCK")

            def arrived() -> bool:
                return any(
                    u["warehouse"]["code"] == "NORTH" and u["feed"][0]["posting_id"] == posted
                    for u in board.updates
                    if u.get("feed")
                )

            assert _wait_for(arrived), "no board.update reached the other process"
            update = next(u for u in board.updates if u["warehouse"]["code"] == "NORTH")
            assert update["queues"]["to_put_away"] == {
                **update["queues"]["to_put_away"],
                "count": 1,
                "units": 1,
            }
        finally:
            board.close()
