"""Six weeks of shelf losses for the demo's reports, written inside the demo seed's one
transaction after the closed work (closed_work.py): what a floor records between counts, and
two things the anomaly dashboard exists to catch.

- The background: on most days a supervisor finds one or two units damaged on a shelf and
  scraps them (bin -> Scrap, reason `damaged`), or puts right a unit found or missing
  (bin <-> Inventory Loss/Gain, reason `found` / `missing`), spread over EIGHT bins of
  slow items; each is dated on its day (`occurred_at`), so the weekly shrink trend has weeks.
- Planted, an unusual loss: five days ago one bin lost a case (WATER_DAMAGE units) to a leak,
  scrapped at once: the per-location and per-item scrap totals flag it.
- Planted, a shrink pattern: one bin is found a unit short on four days of the last week,
  never more than the usual loss: the repeated small losses flag it.

Every posting goes through `post_manual_movements`, the console's manual posting, by the
demo supervisor or manager (the roles that post by hand), so the finance subscriber values
each loss at its cost and books shrinkage. The bins hold untracked items that no other part
of the demo nor the browser tests use (closed_work.py's rule); each was restocked with a
dated receipt before the losses began, as the opening stock is dated today.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..catalog.codes import normalise_sku
from ..catalog.models import Item, Location
from ..counting.models import CountTask
from ..extensions import db
from ..ledger.models import Balance, Movement
from ..ledger.service import ManualLine, post_manual_movements
from .catalog_plan import ItemSpec
from .layout import WAREHOUSE
from .outbound_plan import FIRST_ORDER_ITEM, SHELF_TYPES
from .returns_counts import COUNT_ZONE
from .shipped_history import busy_items

SEED = 1407
DAYS = 42
BINS = 8  # the background's bins; the two planted ones come after them
WATER_DAMAGE = 24  # a case of 24: twice what a busy shelf scraps in the period
PATTERN_DAYS = (6, 4, 3, 1)  # days ago the pattern's bin is found a unit short
NEEDED = 40  # units received before the losses: six weeks of them never run a bin dry
SCRAP, LOSS_GAIN = "SCRAP", "INV-ADJ"


def seed_loss_history(catalog: list[ItemSpec], warehouse: int) -> None:
    """Post the background losses and the two planted anomalies (module docstring)."""
    users = dict(db.session.execute(select(User.username, User.id)).all())
    if users.get("super") is None or users.get("manager") is None:
        return  # a demo login was taken by someone else: nobody to post the losses
    staff = (int(users["super"]), int(users["manager"]))
    spare = {normalise_sku(s.sku) for s in catalog[FIRST_ORDER_ITEM:]}
    today = datetime.now(UTC).date()
    start = datetime.combine(today - timedelta(days=DAYS), time(), tzinfo=UTC)
    places = _quiet_bins(warehouse, spare, busy_items())[: BINS + 2]
    if len(places) < BINS + 2:
        return  # too small a catalog to plant anything without touching what others use
    for item, bin_id in places:
        _restock(item, bin_id, start - timedelta(days=1), staff[1])
    rng = random.Random(SEED)
    background, leak, pattern = places[:BINS], places[BINS], places[BINS + 1]
    for ago in range(DAYS, 0, -1):
        for _ in range(rng.choice((0, 1, 1, 2))):
            item, bin_id = rng.choice(background)
            kind = rng.choice(("scrap", "scrap", "missing", "found"))
            _post(kind, item, bin_id, 1, _at(today, ago, rng), rng.choice(staff))
    _post("scrap", *leak, WATER_DAMAGE, _at(today, 5, rng), staff[1], reason="water_damage")
    for ago in PATTERN_DAYS:
        _post("missing", *pattern, 1, _at(today, ago, rng), staff[0])


def _quiet_bins(warehouse: int, spare: set[str], busy: set[int]) -> list[tuple[int, int]]:
    """(item, bin) pairs: a shelf bin outside the open counts' zone, never counted, holding
    one item only, of a spare, untracked, idle item; in walk order."""
    zone = db.session.scalar(
        select(Location.id).where(Location.code == f"{WAREHOUSE}-{COUNT_ZONE}")
    )
    counted = select(CountTask.location_id)
    rows = db.session.execute(
        select(Location.id, Balance.item_id, Balance.quantity, Item.tracking, Item.sku)
        .join(Balance, Balance.location_id == Location.id)
        .join(Item, Item.id == Balance.item_id)
        .where(
            Location.warehouse_id == warehouse,
            Location.type.in_(SHELF_TYPES),
            Location.parent_id != zone,
            Location.id.not_in(counted),
            Balance.quantity > 0,
        )
        .order_by(Location.walk_sequence, Location.code)
    ).all()
    held: dict[int, list[tuple[int, int, bool]]] = {}
    for bin_id, item_id, quantity, tracking, sku in rows:
        ours = tracking == "none" and sku in spare and int(item_id) not in busy
        held.setdefault(int(bin_id), []).append((int(item_id), int(quantity), ours))
    out, seen = [], set()
    for bin_id, stock in held.items():
        item, quantity, ours = stock[0]
        if len(stock) == 1 and ours and quantity > 0 and item not in seen:
            seen.add(item)
            out.append((item, bin_id))
    return out


def _restock(item: int, bin_id: int, at: datetime, actor: int) -> None:
    """A receipt of NEEDED units into the bin dated before the losses, at the cost of the
    item's latest receipt: the demo's opening stock is dated today, and a loss dated in the
    past must find the stock already there (no place ever holds less than nothing)."""
    cost = db.session.scalar(
        select(Movement.unit_cost)
        .where(Movement.item_id == item, Movement.movement_type == "receipt")
        .order_by(Movement.id.desc())
        .limit(1)
    )
    line = ManualLine(item, NEEDED, "VENDOR", bin_id, unit_cost=cost)
    post_manual_movements("receipt", [line], actor_id=actor, occurred_at=at)


def _at(today: date, ago: int, rng: random.Random) -> datetime:
    day = today - timedelta(days=ago)
    return datetime.combine(day, time(8 + rng.randrange(9), rng.randrange(60)), tzinfo=UTC)


def _post(
    kind: str, item: int, bin_id: int, units: int, at: datetime, actor: int, reason: str = ""
) -> None:
    """One manual posting: scrap (bin -> Scrap), missing (bin -> Loss/Gain) or found."""
    if kind == "found":
        line = ManualLine(item, units, LOSS_GAIN, bin_id, reason_code=reason or "found")
        movement_type = "adjustment"
    elif kind == "missing":
        line = ManualLine(item, units, bin_id, LOSS_GAIN, reason_code=reason or "missing")
        movement_type = "adjustment"
    else:
        line = ManualLine(item, units, bin_id, SCRAP, reason_code=reason or "damaged")
        movement_type = "scrap"
    post_manual_movements(movement_type, [line], actor_id=actor, occurred_at=at)
