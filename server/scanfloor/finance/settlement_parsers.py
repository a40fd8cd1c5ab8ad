"""Pure parsers of channel settlement files: bytes in, a typed Settlement out, or a
SettlementFileError naming the row (1 = the header) and the column. Money is Decimal.

Shopify payout transactions, CSV (Payments > Payouts > a payout > Export transactions):
  header "Transaction Date","Type","Order","Card Brand","Card Source","Payout Status",
  "Payout Date","Payout ID","Available On","Amount","Fee","Net","Checkout","Currency";
  every row of one Payout ID, Payout Date and Currency. Type charge -> an order line,
  refund -> refund (Amount negative), payout -> the transfer to the bank (its Amount is
  minus the payout), adjustment / chargeback / dispute / reserve... -> adjustment, any other
  type -> other. Net must be Amount - Fee. Reference: the Payout ID; deposit date: the
  Payout Date; period: the first and last Transaction Date; total: minus the payout row's
  Amount, or the lines' net when the file has no payout row.
Shopify payout transactions, JSON: either a list of balance transactions, or
  {"transactions": [...]} as the Admin API answers, optionally with {"payout": {"id",
  "date", "amount", "currency"}} beside it. A transaction: type, amount, fee, net (strings
  or numbers), currency, payout_id, processed_at (ISO 8601), and its order as "order"
  or "order_name" ("#1001") or else "source_order_id". Without a payout object the reference
  is the transactions' one payout_id, the deposit date the last processed_at, and the total
  minus the payout transaction's amount, else the lines' net.
Amazon settlement report flat file V2 (tab-separated): the header listed in AMAZON_COLUMNS;
  the first data row carries settlement-id, the start, end and deposit dates, total-amount
  and currency and no amount; every other row is one amount of one transaction. Order rows:
  ItemFees amounts -> fee lines (fee = minus the amount), other amount types (ItemPrice:
  principal, tax, shipping; Promotion...) -> order lines. Refund rows likewise -> refund
  lines. Other transaction types: fee lines when the amount type is ItemFees or the type
  names a fee, else adjustments. Dates are ISO (2024-01-31...) or dotted (31.01.2024...); a
  decimal comma is read as a point.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
SHOPIFY_COLUMNS = ("Transaction Date", "Type", "Order", "Card Brand", "Card Source",
                   "Payout Status", "Payout Date", "Payout ID", "Available On", "Amount",
                   "Fee", "Net", "Checkout", "Currency")  # fmt: skip
AMAZON_COLUMNS = ("settlement-id", "settlement-start-date", "settlement-end-date",
                  "deposit-date", "total-amount", "currency", "transaction-type", "order-id",
                  "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
                  "amount-type", "amount-description", "amount", "fulfillment-id",
                  "posted-date", "posted-date-time", "order-item-code",
                  "merchant-order-item-id", "merchant-adjustment-item-id", "sku",
                  "quantity-purchased", "promotion-id")  # fmt: skip
SHOPIFY_KINDS = {"charge": "order", "refund": "refund", "payout": "payout",
                 "adjustment": "adjustment", "chargeback": "adjustment",
                 "chargeback_won": "adjustment", "chargeback_lost": "adjustment",
                 "dispute": "adjustment", "reserve": "adjustment",
                 "reserved_funds": "adjustment", "refund_failure": "adjustment",
                 "payout_failure": "adjustment"}  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})")
_MONEY = re.compile(r"^[+-]?\d+(\.\d{1,4})?$")


class SettlementFileError(ValueError):
    """A settlement file that cannot be read: `row` is the file's row (1 = the header; 0 =
    the file as a whole), `column` the column's name (None: the row as a whole)."""

    def __init__(self, message: str, row: int = 0, column: str | None = None) -> None:
        where = f"row {row}" + (f", column {column}" if column else "") if row else "the file"
        super().__init__(f"{where}: {message}")
        self.message, self.row, self.column = f"{where}: {message}", row, column


@dataclass(frozen=True)
class SettlementLine:
    kind: str  # order | refund | fee | adjustment | payout | other
    order_reference: str | None
    posted_date: date | None
    amount: Decimal  # + the channel owes us, - we owe it
    fee: Decimal  # what the channel kept (negative: gave back)
    description: str
    raw: dict[str, Any] = field(default_factory=dict)
    merchant_reference: str | None = None  # Amazon merchant-order-id: the second choice


@dataclass(frozen=True)
class Settlement:
    reference: str
    period_start: date | None
    period_end: date | None
    deposit_date: date
    currency: str
    total: Decimal
    lines: tuple[SettlementLine, ...]


def parse_settlement(source: str, data: bytes) -> Settlement:
    """The parser of `source` ("shopify_payouts": CSV or JSON by content, "amazon_v2")."""
    text = _text(data)
    if source == "amazon_v2":
        return parse_amazon_v2(text)
    if source == "shopify_payouts":
        stripped = text.lstrip()
        if stripped.startswith(("[", "{")):
            return parse_shopify_json(stripped)
        return parse_shopify_csv(text)
    raise SettlementFileError(f"unknown settlement source {source!r}")


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettlementFileError(f"the file is not UTF-8 text (byte {exc.start})") from None


# --- values -------------------------------------------------------------------------------


def money(value: Any, row: int, column: str) -> Decimal:
    """An amount: a plain decimal (up to 4 places; a decimal comma is a point); never float."""
    if isinstance(value, (bool, float)):
        raise SettlementFileError(f"{value!r} is not an amount", row, column)
    if isinstance(value, int | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", ".") if "." not in value else value.strip()
    else:
        raise SettlementFileError(f"{value!r} is not an amount", row, column)
    if not _MONEY.match(text):
        raise SettlementFileError(f"{value!r} is not an amount", row, column)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise SettlementFileError(f"{value!r} is not an amount", row, column) from None


def day(value: Any, row: int, column: str, *, required: bool = True) -> date | None:
    """A date from an ISO (2024-01-31...) or dotted (31.01.2024...) timestamp."""
    text = str(value or "").strip()
    if not text:
        if required:
            raise SettlementFileError("a date is required", row, column)
        return None
    found = _ISO.match(text)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        found = _DOTTED.match(text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        pass
    raise SettlementFileError(f"{text!r} is not a date", row, column)


def _one(values: Mapping[str, int], what: str, column: str) -> str:
    """The single value every row shares; else an error naming the first row that differs."""
    if not values:
        raise SettlementFileError(f"no {what} in the file", 0, column)
    first = next(iter(values))
    for value, row in values.items():
        if value != first:
            raise SettlementFileError(f"a second {what} {value!r} (first {first!r})", row, column)
    return first


def _rows(text: str, delimiter: str, wanted: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SettlementFileError(f"the header lacks {', '.join(missing)}", 1, missing[0])
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise SettlementFileError(f"{len(cells)} cells for {len(header)} columns", n)
        yield n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}


# --- Shopify ------------------------------------------------------------------------------


def _shopify_kind(value: str, row: int, column: str) -> str:
    kind = value.strip().lower().replace(" ", "_")
    if not kind:
        raise SettlementFileError("a transaction type is required", row, column)
    return SHOPIFY_KINDS.get(kind, "other")


def parse_shopify_csv(text: str) -> Settlement:
    """A Shopify payout's transactions export (module docstring)."""
    lines: list[SettlementLine] = []
    rows: list[int] = []
    payouts: dict[str, int] = {}
    deposits: dict[date, int] = {}
    currencies: dict[str, int] = {}
    dates: list[date] = []
    for n, r in _rows(text, ",", ("Transaction Date", "Type", "Order", "Payout Date",
                                  "Payout ID", "Amount", "Fee", "Net", "Currency")):  # fmt: skip
        kind = _shopify_kind(r["Type"], n, "Type")
        amount, fee = money(r["Amount"], n, "Amount"), money(r["Fee"] or "0", n, "Fee")
        if r["Net"] and money(r["Net"], n, "Net") != amount - fee:
            raise SettlementFileError(f"Net {r['Net']} is not Amount - Fee", n, "Net")
        if not r["Payout ID"]:
            raise SettlementFileError("a payout id is required", n, "Payout ID")
        payouts.setdefault(r["Payout ID"], n)
        deposits.setdefault(day(r["Payout Date"], n, "Payout Date"), n)  # type: ignore[arg-type]
        currencies.setdefault(r["Currency"].strip().upper(), n)
        posted = day(r["Transaction Date"], n, "Transaction Date")
        assert posted is not None
        dates.append(posted)
        rows.append(n)
        lines.append(
            SettlementLine(
                kind, r["Order"] or None, posted, amount, fee, r["Type"].strip()[:200], dict(r)
            )
        )
    return _shopify(lines, rows, payouts, deposits, currencies, dates)


def parse_shopify_json(text: str) -> Settlement:
    """Shopify balance transactions as JSON (module docstring)."""
    try:
        doc = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise SettlementFileError(f"the file is not JSON ({exc})") from None
    payout = doc.get("payout") if isinstance(doc, dict) else None
    items = doc.get("transactions") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        raise SettlementFileError("a list of transactions is expected", 0, "transactions")
    lines: list[SettlementLine] = []
    rows: list[int] = []
    payouts: dict[str, int] = {}
    deposits: dict[date, int] = {}
    currencies: dict[str, int] = {}
    dates: list[date] = []
    for n, tx in enumerate(items, start=1):
        if not isinstance(tx, dict):
            raise SettlementFileError("a transaction is an object", n)
        kind = _shopify_kind(str(tx.get("type") or ""), n, "type")
        amount = money(tx.get("amount"), n, "amount")
        fee = money(tx.get("fee") if tx.get("fee") is not None else "0", n, "fee")
        if tx.get("net") is not None and money(tx["net"], n, "net") != amount - fee:
            raise SettlementFileError(f"net {tx['net']} is not amount - fee", n, "net")
        posted = day(tx.get("processed_at"), n, "processed_at")
        assert posted is not None
        dates.append(posted)
        rows.append(n)
        if tx.get("payout_id") is not None:
            payouts.setdefault(str(tx["payout_id"]), n)
        currencies.setdefault(str(tx.get("currency") or "").strip().upper(), n)
        ref = tx.get("order") or tx.get("order_name") or tx.get("source_order_id")
        raw = {k: str(v) if isinstance(v, Decimal) else v for k, v in tx.items()}
        lines.append(
            SettlementLine(
                kind,
                None if ref in (None, "") else str(ref),
                posted,
                amount,
                fee,
                str(tx.get("type"))[:200],
                raw,
            )
        )
    if isinstance(payout, dict):
        payouts = {str(payout.get("id") or ""): 0}
        deposits = {day(payout.get("date"), 0, "payout.date"): 0}  # type: ignore[dict-item]
        if payout.get("currency"):
            currencies = {str(payout["currency"]).strip().upper(): 0, **currencies}
    else:
        deposits = {max(dates): 0}
    settlement = _shopify(lines, rows, payouts, deposits, currencies, dates)
    if isinstance(payout, dict) and payout.get("amount") is not None:
        total = money(payout["amount"], 0, "payout.amount")
        return Settlement(**{**settlement.__dict__, "total": total})
    return settlement


def _shopify(lines: list[SettlementLine], rows: list[int], payouts: dict[str, int],
             deposits: dict[date, int], currencies: dict[str, int],
             dates: list[date]) -> Settlement:  # fmt: skip
    if not lines:
        raise SettlementFileError("the file has no transactions")
    reference = _one(payouts, "payout id", "Payout ID")
    if not reference:
        raise SettlementFileError("a payout id is required", 0, "Payout ID")
    deposit = next(iter(deposits))
    if len(deposits) > 1:
        _one({d.isoformat(): r for d, r in deposits.items()}, "payout date", "Payout Date")
    currency = _one(currencies, "currency", "Currency")
    out = [(ln, row) for ln, row in zip(lines, rows, strict=True) if ln.kind == "payout"]
    if len(out) > 1:
        raise SettlementFileError("a second payout row", out[1][1], "Type")
    total = -out[0][0].amount if out else sum((ln.amount - ln.fee for ln in lines), ZERO)
    return Settlement(reference, min(dates), max(dates), deposit, currency, total, tuple(lines))


# --- Amazon -------------------------------------------------------------------------------


def _amazon_kind(tx_type: str, amount_type: str) -> str:
    if amount_type == "ItemFees":
        return "fee"
    if tx_type == "Order":
        return "order"
    if tx_type == "Refund":
        return "refund"
    return "fee" if "fee" in tx_type.lower() else "adjustment"


def parse_amazon_v2(text: str) -> Settlement:
    """An Amazon settlement report flat file V2 (module docstring)."""
    rows = list(_rows(text, "\t", AMAZON_COLUMNS))
    if not rows:
        raise SettlementFileError("the file has no settlement row")
    n, head = rows[0]
    reference = head["settlement-id"]
    if not reference:
        raise SettlementFileError("the first row carries the settlement id", n, "settlement-id")
    if not head["total-amount"]:
        raise SettlementFileError("the first row carries the total", n, "total-amount")
    total = money(head["total-amount"], n, "total-amount")
    currency = head["currency"].strip().upper()
    if not currency:
        raise SettlementFileError("the first row carries the currency", n, "currency")
    deposit = day(head["deposit-date"], n, "deposit-date")
    assert deposit is not None
    start = day(head["settlement-start-date"], n, "settlement-start-date", required=False)
    end = day(head["settlement-end-date"], n, "settlement-end-date", required=False)
    lines: list[SettlementLine] = []
    for n, r in rows[1:]:
        if r["settlement-id"] and r["settlement-id"] != reference:
            raise SettlementFileError(
                f"settlement {r['settlement-id']} in settlement {reference}", n, "settlement-id"
            )
        if r["currency"] and r["currency"].strip().upper() != currency:
            raise SettlementFileError(f"currency {r['currency']} in {currency}", n, "currency")
        if not r["transaction-type"]:
            raise SettlementFileError("a transaction type is required", n, "transaction-type")
        value = money(r["amount"], n, "amount")
        kind = _amazon_kind(r["transaction-type"], r["amount-type"])
        amount, fee = (ZERO, -value) if kind == "fee" else (value, ZERO)
        posted = day(r["posted-date"] or r["posted-date-time"], n, "posted-date", required=False)
        what = " ".join(x for x in (r["transaction-type"], r["amount-type"],
                                    r["amount-description"]) if x)  # fmt: skip
        lines.append(
            SettlementLine(
                kind,
                r["order-id"] or None,
                posted,
                amount,
                fee,
                what[:200],
                {k: v for k, v in r.items() if v},
                merchant_reference=r["merchant-order-id"] or None,
            )
        )
    return Settlement(reference, start, end, deposit, currency, total, tuple(lines))
