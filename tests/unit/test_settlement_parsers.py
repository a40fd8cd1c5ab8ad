"""Settlement files read as the channels export them: a Shopify payout's transactions (CSV
and JSON) and Amazon's settlement report flat file V2, into one typed settlement; a file
that cannot be read is refused naming its row and column. Money is Decimal."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scanfloor.finance.settlement_parsers import (
    SettlementFileError,
    parse_settlement,
    parse_shopify_csv,
)

D = Decimal
FIXTURES = Path(__file__).parent.parent / "fixtures" / "settlements"
SHOPIFY = (FIXTURES / "shopify_payout.csv").read_bytes()
AMAZON = (FIXTURES / "amazon_v2.tsv").read_bytes()


def test_a_shopify_payout_csv_is_its_charges_refund_and_payout():
    s = parse_settlement("shopify_payouts", SHOPIFY)
    assert (s.reference, s.deposit_date, s.currency, s.total) == (
        "87654321", date(2024, 3, 4), "EUR", D("67.10"))  # fmt: skip
    assert (s.period_start, s.period_end) == (date(2024, 3, 1), date(2024, 3, 4))
    kinds = [(ln.kind, ln.order_reference, ln.amount, ln.fee) for ln in s.lines]
    assert kinds == [
        ("order", "#1001", D("50.00"), D("1.75")),
        ("order", "#1002", D("30.00"), D("1.15")),
        ("refund", "#1001", D("-10.00"), D("0.00")),
        ("payout", None, D("-67.10"), D("0.00")),
    ]
    assert all(isinstance(ln.amount, Decimal) for ln in s.lines)
    assert s.lines[0].raw["Card Brand"] == "visa"


def test_a_shopify_csv_with_a_byte_order_mark_reads_the_same():
    assert parse_settlement("shopify_payouts", b"\xef\xbb\xbf" + SHOPIFY).total == D("67.10")


def test_a_shopify_net_that_is_not_amount_less_fee_names_its_row_and_column():
    bad = SHOPIFY.replace(b'"48.25"', b'"48.26"')
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("shopify_payouts", bad)
    assert (err.value.row, err.value.column) == (2, "Net")


def test_a_shopify_amount_that_is_not_a_number_names_its_row_and_column():
    bad = SHOPIFY.replace(b'"30.00"', b'"thirty"')
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("shopify_payouts", bad)
    assert (err.value.row, err.value.column) == (3, "Amount")
    assert "row 3" in str(err.value) and "Amount" in str(err.value)


def test_two_payouts_in_one_shopify_file_are_refused():
    text = SHOPIFY.decode().replace(
        ',"87654321","2024-03-04","-10.00"', ',"99","2024-03-04","-10.00"'
    )
    with pytest.raises(SettlementFileError) as err:
        parse_shopify_csv(text)
    assert (err.value.row, err.value.column) == (4, "Payout ID")


def test_a_shopify_header_without_its_columns_is_refused_at_row_1():
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("shopify_payouts", b'"Date","Amount"\n"2024-03-01","1.00"\n')
    assert err.value.row == 1


def test_shopify_json_balance_transactions_with_their_payout():
    doc = {
        "payout": {"id": 555, "date": "2024-03-05", "amount": "18.50", "currency": "EUR"},
        "transactions": [
            {"type": "charge", "order_name": "#2001", "amount": "20.00", "fee": "0.90",
             "net": "19.10", "currency": "EUR", "payout_id": 555,
             "processed_at": "2024-03-03T10:00:00-05:00"},
            {"type": "adjustment", "amount": "-0.60", "fee": "0.00", "net": "-0.60",
             "currency": "EUR", "payout_id": 555, "processed_at": "2024-03-04T10:00:00Z"},
        ],
    }  # fmt: skip
    s = parse_settlement("shopify_payouts", json.dumps(doc).encode())
    assert (s.reference, s.deposit_date, s.total) == ("555", date(2024, 3, 5), D("18.50"))
    assert [(ln.kind, ln.order_reference) for ln in s.lines] == [
        ("order", "#2001"), ("adjustment", None)]  # fmt: skip


def test_shopify_json_refuses_a_float_free_amount_that_is_not_money():
    doc = [{"type": "charge", "amount": "1e3", "currency": "EUR", "payout_id": 1,
            "processed_at": "2024-03-03"}]  # fmt: skip
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("shopify_payouts", json.dumps(doc).encode())
    assert (err.value.row, err.value.column) == (1, "amount")


def test_an_amazon_v2_file_is_its_header_row_and_one_line_per_amount():
    s = parse_settlement("amazon_v2", AMAZON)
    assert (s.reference, s.deposit_date, s.total, s.currency) == (
        "11223344", date(2024, 3, 17), D("33.40"), "EUR")  # fmt: skip
    assert (s.period_start, s.period_end) == (date(2024, 3, 1), date(2024, 3, 15))
    got = [(ln.kind, ln.order_reference, ln.merchant_reference, ln.amount, ln.fee)
           for ln in s.lines]  # fmt: skip
    assert got == [
        ("order", "028-1111111-2222222", "M-7", D("36.00"), D(0)),
        ("order", "028-1111111-2222222", "M-7", D("4.00"), D(0)),
        ("fee", "028-1111111-2222222", "M-7", D(0), D("6.00")),
        ("fee", None, None, D(0), D("0.60")),
    ]
    assert s.lines[0].posted_date == date(2024, 3, 2)


def test_amazon_dotted_dates_and_decimal_commas_are_read():
    text = AMAZON.decode().replace("2024-03-17 00:00:00 UTC", "17.03.2024 00:00:00 UTC")
    text = text.replace("\t33.40\t", "\t33,40\t")
    s = parse_settlement("amazon_v2", text.encode())
    assert (s.deposit_date, s.total) == (date(2024, 3, 17), D("33.40"))


def test_an_amazon_row_of_another_settlement_names_its_row():
    lines = AMAZON.decode().split("\n")
    lines[3] = lines[3].replace("11223344", "99999999", 1)
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("amazon_v2", "\n".join(lines).encode())
    assert (err.value.row, err.value.column) == (4, "settlement-id")


def test_an_amazon_first_row_without_its_total_is_refused():
    text = AMAZON.decode().replace("\t33.40\t", "\t\t")
    with pytest.raises(SettlementFileError) as err:
        parse_settlement("amazon_v2", text.encode())
    assert (err.value.row, err.value.column) == (2, "total-amount")


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(SettlementFileError):
        parse_settlement("amazon_v2", b"\xff\xfe\x00bad")
