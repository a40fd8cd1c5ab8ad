"""Demo data: a small but realistic warehouse, catalog, stock and users (demo mode only).

The plans (layout, catalog, stock) are pure and deterministic; demo.py writes them through
the ORM for reference data and through the one ledger writer for stock.
"""
