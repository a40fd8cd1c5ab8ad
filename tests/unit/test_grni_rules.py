"""GRNI ageing rules (finance/grni_rules.py): the debits of a purchase order clear its oldest
receipts first, what is left open is aged by its receipt date, an over-cleared order is a
negative amount, and an invoice across several orders is shared by what it matched; and
the verify check's comparison (finance/grni_service.ageing_mismatch)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from scanfloor.finance.grni_rules import (
    Ageing,
    Flow,
    add,
    age,
    bucket_of,
    flow_of,
    open_credits,
    split_by_match,
)
from scanfloor.finance.grni_service import CHECK, ageing_mismatch

D = Decimal
Z = D("0.00")
AS_OF = date(2025, 6, 30)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def receipt(days: int, amount: str) -> Flow:
    return Flow(ago(days), D(amount), Z)


def debit(days: int, amount: str) -> Flow:
    return Flow(ago(days), Z, D(amount))


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-3, 0), (0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (400, 3)],
)
def test_an_age_falls_in_0_30_31_60_61_90_or_over_90_days(days, bucket):
    assert bucket_of(days) == bucket


def test_what_is_received_and_not_invoiced_is_aged_by_its_receipt_date():
    a = age([receipt(10, "100.00"), receipt(45, "20.00"), receipt(75, "3.00"),
             receipt(120, "0.50")], AS_OF)  # fmt: skip
    assert a.buckets == (D("100.00"), D("20.00"), D("3.00"), D("0.50"))
    assert a.total == D("123.50")
    assert a.oldest_open == ago(120)


def test_debits_clear_the_oldest_receipt_first_whatever_their_own_date():
    # An invoice (today) and a return to vendor (5 days ago) of 70 together clear the
    # 40-day-old receipt (50) and 20 of the 10-day-old one.
    a = age([receipt(10, "30.00"), receipt(40, "50.00"), debit(0, "60.00"),
             debit(5, "10.00")], AS_OF)  # fmt: skip
    assert a.buckets == (D("10.00"), Z, Z, Z)
    assert a.oldest_open == ago(10)


def test_a_debit_before_the_receipt_still_clears_it():
    a = age([debit(50, "40.00"), receipt(20, "100.00")], AS_OF)
    assert a.buckets == (D("60.00"), Z, Z, Z)


def test_a_fully_invoiced_order_has_nothing_open():
    a = age([receipt(95, "80.00"), debit(1, "80.00")], AS_OF)
    assert a.buckets == (Z, Z, Z, Z) and a.total == 0 and a.oldest_open is None


def test_an_order_cleared_beyond_its_receipts_is_negative_at_its_newest_debit():
    a = age([receipt(100, "10.00"), debit(70, "4.00"), debit(40, "9.00")], AS_OF)
    assert a.buckets == (Z, D("-3.00"), Z, Z)
    assert a.total == D("-3.00") and a.oldest_open is None


def test_receipts_and_debits_on_one_day_are_netted_fifo_too():
    left, excess = open_credits([Flow(ago(3), D("10.00"), D("4.00")), receipt(1, "5.00")])
    assert left == [(ago(3), D("6.00")), (ago(1), D("5.00"))] and excess == 0


def test_the_totals_row_adds_the_buckets_and_keeps_the_oldest_open_date():
    t = add([
        Ageing((D("1.00"), D("2.00"), Z, Z), ago(40)),
        Ageing((Z, Z, D("3.00"), D("-1.00")), None),
        Ageing((D("5.00"), Z, Z, Z), ago(2)),
    ])  # fmt: skip
    assert t.buckets == (D("6.00"), D("2.00"), D("3.00"), D("-1.00"))
    assert t.total == D("10.00") and t.oldest_open == ago(40)


def test_an_invoice_for_one_order_clears_it_entirely():
    assert split_by_match(D("90.00"), {7: D("50.00")}) == ({7: D("90.00")}, Z)


def test_an_invoice_for_several_orders_clears_what_each_match_cleared_the_rest_unassigned():
    shares, rest = split_by_match(D("100.00"), {7: D("60.00"), 8: D("30.00")})
    assert shares == {7: D("60.00"), 8: D("30.00")} and rest == D("10.00")
    shares, rest = split_by_match(D("-90.00"), {7: D("60.00"), 8: D("30.00")})  # a reversal
    assert shares == {7: D("-60.00"), 8: D("-30.00")} and rest == 0


def test_an_invoice_naming_no_known_order_is_all_unassigned():
    assert split_by_match(D("12.00"), {}) == ({}, D("12.00"))


def test_a_net_amount_is_a_credit_or_a_debit():
    assert flow_of(AS_OF, D("5.00")) == Flow(AS_OF, D("5.00"), Z)
    assert flow_of(AS_OF, D("-5.00")) == Flow(AS_OF, Z, D("5.00"))


def test_the_verify_check_fails_when_the_ageing_and_the_account_differ():
    assert ageing_mismatch(D("10.00"), D("10.00")) == []
    (failure,) = ageing_mismatch(D("10.00"), D("10.01"))
    assert failure.check == CHECK == "grni_matches_ageing"
    assert failure.details == {"ageing": "10.00", "account": "10.01"}
