"""Delivering the outbox: claim due messages under a lease, hand each to its consumer with
no transaction open, record every attempt, back off and finally give up on failures.

Order per destination: only the oldest pending message of a destination (its head) can be
claimed, and a claim takes the head together with the due messages right behind it, all
under one lease. While any of them is pending and leased, nothing else of that destination
is eligible, so two dispatchers never deliver to one destination at once and never out of
order; other destinations go on. A failure stops its destination for the round (the head
waits for its backoff, the rest wait behind it). A dead message no longer blocks its
destination: it waits in the console for a person.

Claiming takes FOR UPDATE SKIP LOCKED on PostgreSQL (two dispatchers claiming at the same
moment skip each other's rows instead of waiting) and writes the lease (claimed_until,
claimed_by). A dispatcher killed mid-delivery loses nothing: when its lease runs out the
message is claimed and delivered again. Delivery is at least once; receivers deduplicate by
the message id (the Scanfloor-Delivery header of a webhook). SQLite claims in its one
write transaction at a time, which is enough.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, exists, or_, select, update

from ..database import write_transaction
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import as_utc, utcnow
from .consumers import Message, Outcome, consumer_for
from .models import OutboxAttempt, OutboxMessage
from .rules import DEAD, DELIVERED, PENDING, RetryPolicy, split_destination

log = logging.getLogger(__name__)
DESTINATIONS_PER_CLAIM = 10
RUN = 20  # messages of one destination per claim
DEFAULT_LEASE_S = 60.0
MARGIN_S = 0.5  # stop sending this long before the lease ends
MIN_SEND_S = 0.5  # no time left for a delivery: leave it to the next claim

_M = OutboxMessage.__table__
_A = OutboxAttempt.__table__
_earlier = _M.alias("earlier")
_NOW = bindparam("now", type_=UTCDateTime())
# Statements built once (PERFORMANCE.md): the dispatcher runs them many times a second.
_HEADS = (
    select(_M.c.id, _M.c.destination)
    .where(
        _M.c.state == PENDING,
        _M.c.next_attempt_at <= _NOW,
        or_(_M.c.claimed_until.is_(None), _M.c.claimed_until <= _NOW),
        ~exists().where(
            _earlier.c.destination == _M.c.destination,
            _earlier.c.state == PENDING,
            _earlier.c.id < _M.c.id,
        ),
    )
    .order_by(_M.c.id)
    .limit(bindparam("limit"))
)
_HEADS_LOCKED = _HEADS.with_for_update(skip_locked=True, of=_M)
_RUN = (
    select(_M.c.id, _M.c.topic, _M.c.destination, _M.c.payload, _M.c.attempts, _M.c.next_attempt_at)
    .where(
        _M.c.state == PENDING,
        _M.c.destination == bindparam("destination"),
        _M.c.id >= bindparam("head"),
    )
    .order_by(_M.c.id)
    .limit(RUN)
)
_LEASE = (
    update(_M)
    .where(_M.c.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_until=bindparam("until", type_=UTCDateTime()), claimed_by=bindparam("token"))
)
_MINE = (_M.c.id == bindparam("mid")) & (_M.c.claimed_by == bindparam("token"))
_DELIVERED = (
    update(_M)
    .where(_MINE)
    .values(
        state=DELIVERED,
        delivered_at=_NOW,
        attempts=_M.c.attempts + 1,
        last_error=None,
        claimed_until=None,
        claimed_by=None,
    )
)
_FAILED = (
    update(_M)
    .where(_MINE)
    .values(
        state=bindparam("state"),
        attempts=_M.c.attempts + 1,
        next_attempt_at=bindparam("next", type_=UTCDateTime()),
        last_error=bindparam("error"),
        claimed_until=None,
        claimed_by=None,
    )
)
_RELEASE = (
    update(_M)
    .where(_M.c.claimed_by == bindparam("token"))
    .values(claimed_until=None, claimed_by=None)
)
_LOG = _A.insert()


@dataclass(frozen=True)
class DispatchReport:
    claimed: int
    sent: int
    failed: int
    dead: int


def policy_from_config() -> RetryPolicy:
    cfg = current_app.config
    return RetryPolicy(
        base_s=float(cfg.get("SCANFLOOR_OUTBOX_RETRY_BASE_SECONDS", 10.0)),
        cap_s=float(cfg.get("SCANFLOOR_OUTBOX_RETRY_CAP_SECONDS", 3600.0)),
        max_attempts=int(cfg.get("SCANFLOOR_OUTBOX_MAX_ATTEMPTS", 15)),
    )


def _claim(token: str, now: datetime, lease_end: datetime, limit: int) -> list[list[Message]]:
    """Lease the heads of up to `limit` destinations, each with the due messages behind it."""
    with write_transaction():
        conn = db.session.connection()
        q = _HEADS_LOCKED if _pg(conn) else _HEADS
        heads = conn.execute(q, {"now": now, "limit": limit}).all()
        runs: list[list[Message]] = []
        for head_id, destination in heads:
            kind, target = split_destination(destination)
            run: list[Message] = []
            for r in conn.execute(_RUN, {"destination": destination, "head": head_id}):
                if r.id != head_id and as_utc(r.next_attempt_at) > now:
                    break  # waiting out its own backoff (retried by hand behind a dead one)
                run.append(Message(r.id, r.topic, destination, kind, target, r.payload, r.attempts))
            runs.append(run)
        ids = [m.id for run in runs for m in run]
        if ids:
            conn.execute(_LEASE, {"ids": ids, "until": lease_end, "token": token})
        return runs


def _pg(conn: Any) -> bool:
    return bool(conn.dialect.name == "postgresql")


def _deliver(msg: Message, seconds: float) -> Outcome:
    consumer = consumer_for(msg.kind)
    if consumer is None:
        return Outcome(error=f"no consumer for destination kind {msg.kind!r}")
    try:
        return consumer(msg, seconds)
    except Exception as exc:  # a consumer bug is a failed attempt, not a lost message
        log.exception("outbox consumer %r failed on message %s", msg.kind, msg.id)
        return Outcome(error=f"{exc.__class__.__name__}: {exc}"[:500])
    finally:
        db.session.rollback()  # end any read transaction the consumer opened


def _record(msg: Message, outcome: Outcome, ms: int, token: str, policy: RetryPolicy) -> str | None:
    """Log the attempt and move the message on; None if the lease was lost meanwhile."""
    with write_transaction():
        conn = db.session.connection()
        now = utcnow()
        conn.execute(
            _LOG,
            {
                "message_id": msg.id,
                "attempted_at": now,
                "status_code": outcome.status_code,
                "error": None if outcome.error is None else outcome.error[:500],
                "duration_ms": ms,
            },
        )
        if outcome.ok:
            done = conn.execute(_DELIVERED, {"mid": msg.id, "token": token, "now": now})
            state = DELIVERED
        else:
            attempts = msg.attempts + 1
            state = policy.state_after_failure(attempts)
            wait = policy.delay(attempts, random.random())
            params = {
                "mid": msg.id,
                "token": token,
                "state": state,
                "next": now + timedelta(seconds=wait),
                "error": outcome.error,
            }
            done = conn.execute(_FAILED, params)
        return state if done.rowcount else None


def dispatch_due(limit: int = DESTINATIONS_PER_CLAIM) -> DispatchReport:
    """One round: claim what is due, deliver it in order per destination, record each try."""
    cfg = current_app.config
    lease_s = float(cfg.get("SCANFLOOR_OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_S))
    policy = policy_from_config()
    token = uuid.uuid4().hex
    now = utcnow()
    lease_end = now + timedelta(seconds=lease_s)
    runs = _claim(token, now, lease_end, limit)
    claimed = sent = failed = dead = 0
    try:
        for run in runs:
            claimed += len(run)
            for msg in run:
                left = (lease_end - utcnow()).total_seconds() - MARGIN_S
                if left < MIN_SEND_S:
                    break  # the lease is nearly over: released below, claimed again later
                start = time.perf_counter()
                outcome = _deliver(msg, left)
                ms = int((time.perf_counter() - start) * 1000)
                state = _record(msg, outcome, ms, token, policy)
                sent += state == DELIVERED
                failed += state in (PENDING, DEAD)
                dead += state == DEAD
                if state != DELIVERED:
                    break  # later messages of this destination wait behind this one
    finally:
        if runs:
            with write_transaction():
                db.session.connection().execute(_RELEASE, {"token": token})
    return DispatchReport(claimed, sent, failed, dead)


def dispatch_until_idle(max_rounds: int = 1000) -> DispatchReport:
    """Rounds until one claims nothing: what `scanfloor outbox run --once` does."""
    total = DispatchReport(0, 0, 0, 0)
    for _ in range(max_rounds):
        r = dispatch_due()
        total = DispatchReport(
            total.claimed + r.claimed, total.sent + r.sent, total.failed + r.failed,
            total.dead + r.dead,
        )  # fmt: skip
        if r.claimed == 0 or r.sent == 0:
            break
    return total
