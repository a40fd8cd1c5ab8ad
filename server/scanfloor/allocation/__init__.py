"""Channels, orders, reservations and available-to-sell (ARCHITECTURE rules 6 and 7)."""
