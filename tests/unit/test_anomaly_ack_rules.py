"""What makes two anomaly flags the same flag (its fingerprint) and what an acknowledgement
must say (reporting/ack_rules.py; no database)."""

from __future__ import annotations

import pytest

from scanfloor.reporting.ack_rules import (
    MAX_FINGERPRINT,
    check_ack,
    pattern_fingerprint,
    pattern_subject,
    unusual_fingerprint,
    unusual_subject,
)
from scanfloor.reporting.anomaly_rules import (
    COUNT_LOSSES,
    repeated_small_losses,
    unusual_losses,
)
from scanfloor.reporting.stats_rules import ReportingRuleError
from scanfloor.reporting.stock_rules import COUNT
from tests.reporting_helpers import stock_change as ch
from tests.unit.test_reporting_anomaly import COUNT_LOSS_CHANGES

# tests/unit/test_reporting_anomaly.py's count losses: L1..L5 lose 2, 3, 3, 4, 2 (L1 also
# finds 5, L2 loses 40 by an adjustment); L6 10 + 6 + 4 = 20 on the 6th, 9th and 12th
# (median 3, MAD 1: L6 scores 11.47 and is flagged).
LOSSES = COUNT_LOSS_CHANGES


def _flag(changes):
    (flag,) = unusual_losses(changes, "location", COUNT_LOSSES)
    return flag


def test_an_unusual_flag_is_known_by_what_raised_it_its_days_and_its_total():
    flag = _flag(LOSSES)
    assert unusual_fingerprint(flag, LOSSES) == (
        "unusual_losses|location|count_losses|L6|2026-03-06|2026-03-12|20"
    )
    assert unusual_subject(flag) == "location L6: count losses"


def test_the_same_evidence_is_the_same_flag_and_a_new_loss_is_a_new_one():
    first = unusual_fingerprint(_flag(LOSSES), LOSSES)
    # Another location's gain changes nothing of L6's evidence.
    with_gain = [*LOSSES, ch(13, COUNT, 5, "L1")]
    assert unusual_fingerprint(_flag(with_gain), with_gain) == first
    more = [*LOSSES, ch(13, COUNT, -1, "L6")]
    assert unusual_fingerprint(_flag(more), more) != first


def test_a_pattern_is_known_by_its_location_and_the_days_of_its_run():
    small = [ch(d, COUNT, -1, "B1") for d in (2, 4, 6)] + [ch(3, COUNT, -5, "B2")]
    (flag,) = repeated_small_losses(small)
    assert pattern_fingerprint(flag) == "repeated_small_losses|location|B1|2026-03-02|2026-03-06"
    assert pattern_subject(flag) == "location B1: repeated small losses 2026-03-02 to 2026-03-06"


def test_a_fingerprint_too_long_for_its_column_keeps_its_kind_and_a_digest():
    long_code = "L" * 190
    changes = [
        *(c for c in LOSSES if c.location != "L6"),
        *(ch(c.on.day, COUNT, c.units, long_code) for c in LOSSES if c.location == "L6"),
    ]
    fingerprint = unusual_fingerprint(_flag(changes), changes)
    assert fingerprint.startswith("unusual_losses|sha256:")
    assert len(fingerprint) <= MAX_FINGERPRINT
    assert unusual_fingerprint(_flag(changes), changes) == fingerprint  # stable


def test_an_acknowledgement_needs_a_note_and_a_fingerprint_of_its_kind():
    ack = check_ack(" unusual_losses|location|x ", "unusual_losses", " L6 ", "  recounted ")
    assert (ack.fingerprint, ack.subject, ack.note) == (
        "unusual_losses|location|x",
        "L6",
        "recounted",
    )
    for args, code in (
        (("unusual_losses|x", "unusual_losses", "L6", "  "), "note_required"),
        (("unusual_losses|x", "unusual_losses", " ", "n"), "subject_required"),
        (("unusual_losses|x", "repeated_small_losses", "L6", "n"), "fingerprint_mismatch"),
        (("unusual_losses|", "unusual_losses", "L6", "n"), "fingerprint_mismatch"),
        (("x|y", "nonsense", "L6", "n"), "unknown_anomaly_kind"),
        (("unusual_losses|x", "unusual_losses", "L6", "n" * 2001), "too_long"),
    ):
        with pytest.raises(ReportingRuleError) as raised:
            check_ack(*args)
        assert raised.value.code == code, args
