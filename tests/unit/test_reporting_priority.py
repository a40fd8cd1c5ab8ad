"""Order exception priority (reporting/priority_rules.py): one ranked list by service risk,
margin impact and channel penalty, ties broken the same way every time (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.priority_rules import OrderException, prioritise, service_risk
from scanfloor.reporting.stats_rules import ReportingRuleError

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
PENALTY = {"AMZ": Decimal(1), "WEB": Decimal("0.5")}  # B2B: none set, 0


def exc(eid, order_id, channel, hours_left, margin, kind="short_pick"):
    return OrderException(
        exception_id=eid,
        order_id=order_id,
        channel=channel,
        warehouse="WH2" if channel == "B2B" else "WH1",
        kind=kind,
        ship_by=None if hours_left is None else NOW + timedelta(hours=hours_left),
        margin=None if margin is None else Decimal(margin),
    )


EXCEPTIONS = [
    exc(1, 101, "WEB", 0, "50"),  # service 1, margin 50/200 = 0.25, channel 0.5
    exc(2, 102, "AMZ", 24, "200"),  # service (48-24)/48 = 0.5, margin 1, channel 1
    exc(3, 103, "B2B", -48, None),  # 48 h late: service 2, margin unknown 0, channel 0
    exc(4, 104, "WEB", None, "100"),  # no promise: service 0; margin 0.5; channel 0.5
    exc(5, 105, "AMZ", 96, "-20"),  # 4 days away: 0; a loss-making order: margin 0
    exc(6, 106, "WEB", -96, "0"),  # 96 h late: service capped at 2; channel 0.5
]


def test_the_score_is_half_service_risk_three_tenths_margin_and_a_fifth_channel_penalty():
    ranked = prioritise(EXCEPTIONS, NOW, PENALTY)
    got = [(r.rank, r.exception.order_id, r.service, r.margin, r.channel, r.score) for r in ranked]
    assert got == [
        # 0.5 x 2 + 0.3 x 0 + 0.2 x 0.5 = 1.1
        (1, 106, Decimal("2.0000"), Decimal("0.0000"), Decimal("0.5"), Decimal("1.1000")),
        # 0.5 x 2 = 1.0
        (2, 103, Decimal("2.0000"), Decimal("0.0000"), Decimal(0), Decimal("1.0000")),
        # 0.5 x 0.5 + 0.3 x 1 + 0.2 x 1 = 0.75
        (3, 102, Decimal("0.5000"), Decimal("1.0000"), Decimal(1), Decimal("0.7500")),
        # 0.5 x 1 + 0.3 x 0.25 + 0.2 x 0.5 = 0.675
        (4, 101, Decimal("1.0000"), Decimal("0.2500"), Decimal("0.5"), Decimal("0.6750")),
        # 0.3 x 0.5 + 0.2 x 0.5 = 0.25
        (5, 104, Decimal("0.0000"), Decimal("0.5000"), Decimal("0.5"), Decimal("0.2500")),
        # 0.2 x 1 = 0.2
        (6, 105, Decimal("0.0000"), Decimal("0.0000"), Decimal(1), Decimal("0.2000")),
    ]
    assert ranked[1].hours_to_ship == Decimal("-48.00")
    assert ranked[4].hours_to_ship is None


def test_service_risk_rises_from_0_two_days_out_to_1_at_the_promise_and_2_two_days_late():
    hours_left = (72, 48, 12, 0, -24, -48, -99)
    # (48 - h) / 48: 72 -> -0.5 kept at 0; 12 -> 0.75; -24 -> 1.5; -99 -> 3.06 kept at 2.
    assert [service_risk(Decimal(h)) for h in hours_left] == [
        Decimal(0), Decimal(0), Decimal("0.75"), Decimal(1), Decimal("1.5"), Decimal(2),
        Decimal(2),
    ]  # fmt: skip
    assert service_risk(None) == Decimal(0)


def test_ties_go_to_the_earlier_promise_then_the_lower_order_then_the_older_exception():
    # All WEB with no margin and 48 hours or more to go (or no promise): score 0.2 x 0.5 = 0.1.
    tied = [
        exc(10, 300, "WEB", 240, None),
        exc(11, 50, "WEB", None, None),  # no promise: after every promise despite order 50
        exc(12, 301, "WEB", 120, None),  # the earliest promise
        exc(14, 299, "WEB", 240, None),  # same promise as order 300, lower order number
        exc(13, 299, "WEB", 240, None),  # same order: the older exception (13) first
    ]
    ranked = prioritise(tied, NOW, PENALTY)
    assert {r.score for r in ranked} == {Decimal("0.1000")}
    assert [(r.exception.order_id, r.exception.exception_id) for r in ranked] == [
        (301, 12),
        (299, 13),
        (299, 14),
        (300, 10),
        (50, 11),
    ]


def test_when_no_order_has_a_positive_margin_margin_impact_is_0():
    ranked = prioritise([exc(1, 1, "WEB", 0, "-5"), exc(2, 2, "WEB", 0, None)], NOW, PENALTY)
    assert [r.margin for r in ranked] == [Decimal(0), Decimal(0)]


def test_narrowed_to_a_channel_the_list_and_its_largest_margin_are_that_channels():
    ranked = prioritise(EXCEPTIONS, NOW, PENALTY, Filters(channel="WEB"))
    # WEB's largest margin is order 104's 100: order 101's 50 now weighs 0.5, not 0.25.
    # 106: 0.5 x 2 + 0.2 x 0.5 = 1.1; 101: 0.5 x 1 + 0.3 x 0.5 + 0.1 = 0.75;
    # 104: 0.3 x 1 + 0.1 = 0.4.
    assert [(r.exception.order_id, r.score) for r in ranked] == [
        (106, Decimal("1.1000")),
        (101, Decimal("0.7500")),
        (104, Decimal("0.4000")),
    ]
    assert [
        r.exception.order_id for r in prioritise(EXCEPTIONS, NOW, PENALTY, Filters(warehouse="WH2"))
    ] == [103]


def test_a_channel_penalty_outside_0_to_1_is_refused_and_no_exceptions_rank_nothing():
    with pytest.raises(ReportingRuleError) as err:
        prioritise(EXCEPTIONS, NOW, {"WEB": Decimal("1.5")})
    assert err.value.code == "invalid_channel_penalty"
    assert prioritise([], NOW, PENALTY) == []


_exceptions = st.lists(
    st.builds(
        exc,
        st.integers(1, 50),
        st.integers(1, 20),
        st.sampled_from(["WEB", "AMZ", "B2B"]),
        st.one_of(st.none(), st.integers(-100, 100)),
        st.one_of(st.none(), st.integers(-50, 500).map(str)),
    ),
    max_size=15,
    unique_by=lambda e: e.exception_id,
)


@given(_exceptions, st.randoms())
def test_the_ranking_does_not_depend_on_the_order_exceptions_arrive_in(exceptions, rnd):
    shuffled = list(exceptions)
    rnd.shuffle(shuffled)
    first = [r.exception.exception_id for r in prioritise(exceptions, NOW, PENALTY)]
    again = [r.exception.exception_id for r in prioritise(shuffled, NOW, PENALTY)]
    assert first == again
    scores = [r.score for r in prioritise(exceptions, NOW, PENALTY)]
    assert scores == sorted(scores, reverse=True)
