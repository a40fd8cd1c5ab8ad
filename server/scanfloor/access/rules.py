"""Who may see which warehouse, and who may be handed floor work there: pure rules, no
database."""

from __future__ import annotations

from collections.abc import Iterable

# Managers and admins run the whole network; the floor roles below them work where assigned.
EVERY_WAREHOUSE_ROLES = frozenset({"manager", "admin"})
# Finance keeps one set of books for the company, so it reads every warehouse's documents
# (a return, a purchase order's receipts) without being assigned; it works in none.
READS_EVERY_WAREHOUSE_ROLES = EVERY_WAREHOUSE_ROLES | {"finance"}
# The roles that pick, count, put away and replenish (auth's ladder, repeated so these rules
# stay pure): a task is never handed to anyone else, finance included (docs/decisions/0026).
FLOOR_ROLES = frozenset({"worker", "supervisor", "manager", "admin"})


def sees_every_warehouse(role: str) -> bool:
    return role in READS_EVERY_WAREHOUSE_ROLES


def may_see(role: str, assigned: Iterable[int], warehouse_id: int) -> bool:
    """True if a user with this role and these assigned warehouses may see this one."""
    return sees_every_warehouse(role) or warehouse_id in set(assigned)


def works_on_floor(role: str) -> bool:
    """True for a role a pick, count or replenishment task may be handed to."""
    return role in FLOOR_ROLES
