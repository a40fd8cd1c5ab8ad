"""Warehouse access rights: which warehouses a user may see (docs/decisions/0012)."""
