"""Replenishment on the floor: pick faces kept between their min and max from reserve."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Raise a replenishment task when a posting takes a pick face below its min, inside
    the posting's own transaction (replenishment/trigger.py)."""
    from .trigger import register

    register(app)
