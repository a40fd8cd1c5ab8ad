"""Who may see which warehouse: pure rules, no database."""

from __future__ import annotations

from collections.abc import Iterable

# Managers and admins run the whole network; everyone else sees what they are assigned.
EVERY_WAREHOUSE_ROLES = frozenset({"manager", "admin"})


def sees_every_warehouse(role: str) -> bool:
    return role in EVERY_WAREHOUSE_ROLES


def may_see(role: str, assigned: Iterable[int], warehouse_id: int) -> bool:
    """True if a user with this role and these assigned warehouses may see this one."""
    return sees_every_warehouse(role) or warehouse_id in set(assigned)
