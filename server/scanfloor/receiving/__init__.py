"""Receiving: suppliers, purchase orders, and receiving them at the dock through the ledger."""
