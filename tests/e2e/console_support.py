"""The back-office console in the browser tests."""

from __future__ import annotations

from typing import Any


def console_sign_in(page: Any, base: str, path: str, username: str) -> None:
    """Open a console page and sign in on it as a demo user (password "demo")."""
    page.goto(base + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)
