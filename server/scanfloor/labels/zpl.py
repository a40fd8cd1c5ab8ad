"""ZPL from the Jinja templates in label_templates/.

Every value a template prints goes through `zpl_escape` (Jinja's finalize hook), so text
from users (location names, item names, lot codes) cannot end a field or a label: `^` and
`~` (ZPL's command prefixes) and `_` (the ^FH escape character) become ^FH hex escapes, and
control characters become spaces. Macro output (ZPL we wrote) is passed through as is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .geometry import Layout

TEMPLATES_ENV = "SCANFLOOR_LABEL_TEMPLATES"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def zpl_escape(value: str) -> str:
    """Text safe inside ^FH^FD ... ^FS."""
    text = _CONTROL.sub(" ", value)
    # "_" first: the escapes of ^ and ~ contain it.
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def _finalize(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(zpl_escape(str(value)))


def templates_dir() -> Path:
    """$SCANFLOOR_LABEL_TEMPLATES, else label_templates/ of a source checkout, else of the
    working directory (the Docker image copies it to /app/label_templates)."""
    configured = os.environ.get(TEMPLATES_ENV)
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[3] / "label_templates"
    if checkout.is_dir():
        return checkout
    return Path.cwd() / "label_templates"


@lru_cache(maxsize=4)
def _environment(directory: str) -> Environment:
    # autoescape=True only so that macro output arrives as Markup (left alone by _finalize);
    # _finalize does the escaping, ZPL's, never HTML's.
    return Environment(
        loader=FileSystemLoader(directory),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def zpl_label(layout: Layout) -> str:
    """One label, ^XA to ^XZ."""
    template = _environment(str(templates_dir())).get_template(layout.template)
    return template.render(layout=layout)


def zpl_labels(layouts: Sequence[Layout]) -> str:
    """Several labels, one after another, as one print job."""
    return "".join(zpl_label(layout) for layout in layouts)
