"""Pure rules of acknowledging an anomaly flag: what makes two flags the same flag (its
fingerprint), and what an acknowledgement must say.

A fingerprint names the flag's kind, what it is about and the evidence that raised it, so
running the report again (over any period that still holds the same evidence) finds the
same flag acknowledged, while new evidence raises a flag that is not:
- unusual losses: `unusual_losses|<dimension>|<family>|<member>|<first day>|<last day>|<units>`,
  the days of the member's first and last change in the family and its total, in the period
  the report looked at. One more loss changes the last day or the total: a new flag.
- repeated small losses: `repeated_small_losses|location|<location>|<first day>|<last day>`,
  the days of the run of small losses that made the pattern.
A fingerprint longer than MAX_FINGERPRINT characters (very long codes) keeps its kind and
replaces the rest with its SHA-256, so it stays unique and fits the column.

An acknowledgement needs a note (what the person found: a recount, a known breakage, a
theft report): a blank one is refused, and so is a fingerprint of another kind than the
one named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .anomaly_rules import PatternFlag, UnusualFlag, family_units
from .stats_rules import ReportingRuleError
from .stock_rules import StockChange

UNUSUAL, PATTERN = "unusual_losses", "repeated_small_losses"
KINDS = (UNUSUAL, PATTERN)
MAX_FINGERPRINT = 200
MAX_SUBJECT = 200
MAX_NOTE = 2000
_SEP = "|"


def _fit(kind: str, parts: Iterable[object]) -> str:
    full = _SEP.join([kind, *(str(p) for p in parts)])
    if len(full) <= MAX_FINGERPRINT:
        return full
    return f"{kind}{_SEP}sha256:{hashlib.sha256(full.encode()).hexdigest()}"


def flag_changes(flag: UnusualFlag, changes: Iterable[StockChange]) -> list[StockChange]:
    """The changes that made an unusual flag's total: the member's, in its family."""
    return [
        c
        for c in changes
        if getattr(c, flag.dimension) == flag.member and family_units(c, flag.family)
    ]


def unusual_fingerprint(flag: UnusualFlag, changes: Iterable[StockChange]) -> str:
    """The fingerprint of an unusual-losses flag (module docstring); `changes` are the ones
    the report counted (the member's in the family are picked out here)."""
    days = sorted(c.on for c in flag_changes(flag, changes))
    first, last = (days[0], days[-1]) if days else (None, None)
    return _fit(UNUSUAL, (flag.dimension, flag.family, flag.member, first, last, flag.units))


def pattern_fingerprint(flag: PatternFlag) -> str:
    """The fingerprint of a repeated-small-losses flag (module docstring)."""
    return _fit(PATTERN, ("location", flag.location, flag.first_day, flag.last_day))


def unusual_subject(flag: UnusualFlag) -> str:
    """What a person reads as the flag's name: `location WH1-A-01: count losses`."""
    return f"{flag.dimension} {flag.member}: {flag.family.replace('_', ' ')}"


def pattern_subject(flag: PatternFlag) -> str:
    """`location WH1-A-01: repeated small losses 2026-03-02 to 2026-03-06`."""
    first, last = flag.first_day.isoformat(), flag.last_day.isoformat()
    return f"location {flag.location}: repeated small losses {first} to {last}"


@dataclass(frozen=True)
class AckRequest:
    """An acknowledgement as it will be stored (trimmed)."""

    fingerprint: str
    kind: str
    subject: str
    note: str


def check_ack(fingerprint: str, kind: str, subject: str, note: str) -> AckRequest:
    """The acknowledgement trimmed, or ReportingRuleError naming what is wrong with it."""
    fingerprint, subject, note = fingerprint.strip(), subject.strip(), note.strip()
    if kind not in KINDS:
        raise ReportingRuleError(
            "unknown_anomaly_kind", "not a kind of anomaly flag", {"kind": kind, "allowed": KINDS}
        )
    if not note:
        raise ReportingRuleError(
            "note_required", "say what you found: an acknowledgement needs a note", {"note": ""}
        )
    if not subject:
        raise ReportingRuleError("subject_required", "name the flag acknowledged", {})
    if not fingerprint.startswith(kind + _SEP) or len(fingerprint) <= len(kind) + 1:
        raise ReportingRuleError(
            "fingerprint_mismatch",
            "the fingerprint is not one of a flag of this kind",
            {"fingerprint": fingerprint, "kind": kind},
        )
    for name, value, limit in (
        ("fingerprint", fingerprint, MAX_FINGERPRINT),
        ("subject", subject, MAX_SUBJECT),
        ("note", note, MAX_NOTE),
    ):
        if len(value) > limit:
            raise ReportingRuleError(
                "too_long", f"{name} is at most {limit} characters", {"field": name}
            )
    return AckRequest(fingerprint, kind, subject, note)
