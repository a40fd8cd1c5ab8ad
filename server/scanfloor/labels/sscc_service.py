"""Allocate a new SSCC container: extension digit + GS1 company prefix + next serial.

The prefix comes from SCANFLOOR_GS1_COMPANY_PREFIX (Flask config, else the environment), the
extension digit from SCANFLOOR_SSCC_EXTENSION_DIGIT (default 0). The next serial is one past
the highest SSCC already registered under that prefix (containers are never deleted, so
numbers are never reused). Allocations run one at a time: SQLite write transactions are
serialised already; on PostgreSQL a transaction-scoped advisory lock does it.
"""

from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import func, select, text

from ..catalog.containers_service import create_container
from ..catalog.models import Container
from ..catalog.results import ContainerView
from ..database import is_sqlite, write_transaction
from ..errors import Conflict, NotConfigured
from ..extensions import db
from .base import LabelRuleError
from .gs1 import SSCC_LENGTH, make_sscc, serial_digits, sscc_serial

PREFIX_SETTING = "SCANFLOOR_GS1_COMPANY_PREFIX"
EXTENSION_SETTING = "SCANFLOOR_SSCC_EXTENSION_DIGIT"
_LOCK_KEY = 0x55CC  # any constant: the lock only orders SSCC allocations


def _setting(name: str) -> str:
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def sscc_settings() -> tuple[int, str]:
    """(extension digit, company prefix), or NotConfigured saying what to set."""
    prefix = _setting(PREFIX_SETTING)
    extension = _setting(EXTENSION_SETTING) or "0"
    if not prefix:
        raise NotConfigured(
            f"SSCC allocation needs your GS1 company prefix: set {PREFIX_SETTING}",
            {"setting": PREFIX_SETTING},
        )
    try:
        serial_digits(prefix)
    except LabelRuleError as exc:
        raise NotConfigured(
            f"{PREFIX_SETTING}: {exc.message}", {"setting": PREFIX_SETTING}
        ) from exc
    if len(extension) != 1 or not extension.isdigit():
        raise NotConfigured(
            f"{EXTENSION_SETTING} is one digit, 0-9", {"setting": EXTENSION_SETTING}
        )
    return int(extension), prefix


def _next_serial(extension: int, prefix: str) -> int:
    candidates = db.session.scalars(
        select(Container.code)
        .where(
            Container.code.like(f"{extension}{prefix}%"),
            func.length(Container.code) == SSCC_LENGTH,
        )
        .order_by(Container.code.desc())
    )
    # Among 18-digit codes the highest string is the highest number; an LPN that happens to
    # start with the prefix is not an SSCC and is skipped.
    for code in candidates:
        if code.isdigit():
            return sscc_serial(code, prefix) + 1
    return 1


def allocate_sscc(*, kind: str = "pallet", location_id: int | None = None) -> ContainerView:
    """Register a new container under the next SSCC of this company's prefix."""
    extension, prefix = sscc_settings()
    with write_transaction():
        if not is_sqlite():
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        serial = _next_serial(extension, prefix)
        try:
            code = make_sscc(extension, prefix, serial)
        except LabelRuleError as exc:
            raise Conflict(
                "every SSCC serial under this company prefix is used",
                {"company_prefix": prefix, "extension": extension},
            ) from exc
        return create_container(code=code, kind=kind, location_id=location_id)
