"""Cycle counting: count plans (ABC classes, schedules, ad-hoc zones), counts raised by
events (a short pick, a refused putaway, a bin that went empty), and the count workflow."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Raise an empty_bin count when a posting empties a bin, inside the posting's own
    transaction (counting/triggers.py)."""
    from .triggers import register

    register(app)
