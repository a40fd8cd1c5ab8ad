"""Waves and picking: planning (pure rules), releasing waves into pick tasks bound to the
reservations they consume, claiming tasks, and confirming picks bin -> tote."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Keep open pick lines within their reservations at every commit, after allocation's
    own settlement (picking/reconcile.py)."""
    from .reconcile import register

    register()
