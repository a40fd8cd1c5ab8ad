"""Channels, orders, reservations and available-to-sell (ARCHITECTURE rules 6 and 7)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Keep reservations in step with stock inside every posting's transaction
    (allocation/subscriber.py)."""
    from .subscriber import register

    register(app)
