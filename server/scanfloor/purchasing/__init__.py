"""Purchasing: suppliers and the purchase orders placed with them (receiving reads them)."""
