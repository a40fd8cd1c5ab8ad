"""The journal and the trial balance as CSV an accounting system imports (RFC 4180, CRLF
line ends, UTF-8, a header row, one row per journal line or per account).

Columns (README "Finance" documents them too; keep the three in step):
- journal: entry_id, entry_date (YYYY-MM-DD), period (YYYY-MM), kind (the posting rule),
  movement_id (empty for an entry no movement caused), account_code, account_name, debit,
  credit (decimal text to the cent, "0.00" on the side a line does not use), warehouse (the
  line's warehouse code, empty if none), memo. Oldest entry first, lines in entry order.
- trial balance: account_code, account_name, kind, debit, credit, balance (debit - credit);
  one row per account, no totals row (a totals row would import as an account).

Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
get a leading apostrophe; amounts and codes written by Scanfloor never start that way,
except a negative balance, which is a number and is left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from ..finance.views import EntryView, TrialBalance

JOURNAL_COLUMNS = (
    "entry_id",
    "entry_date",
    "period",
    "kind",
    "movement_id",
    "account_code",
    "account_name",
    "debit",
    "credit",
    "warehouse",
    "memo",
)
TRIAL_BALANCE_COLUMNS = ("account_code", "account_name", "kind", "debit", "credit", "balance")
MEDIA_TYPE = "text/csv; charset=utf-8"
CENT = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell_amount(value: Decimal) -> str:
    # The columns' scale, whatever the driver hands back (SQLite may give 75.0000).
    return format(value.quantize(CENT), "f")


def journal_csv(entries: Iterable[EntryView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(JOURNAL_COLUMNS)
    for entry in entries:
        for line in entry.lines:
            writer.writerow(
                (
                    entry.id,
                    entry.entry_date.isoformat(),
                    entry.period,
                    cell_text(entry.kind),
                    "" if entry.movement_id is None else entry.movement_id,
                    cell_text(line.account_code),
                    cell_text(line.account_name),
                    cell_amount(line.debit),
                    cell_amount(line.credit),
                    cell_text(line.warehouse_code),
                    cell_text(entry.memo),
                )
            )
    return out.getvalue()


def trial_balance_csv(tb: TrialBalance) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TRIAL_BALANCE_COLUMNS)
    for acc in tb.accounts:
        writer.writerow(
            (
                cell_text(acc.code),
                cell_text(acc.name),
                acc.kind,
                cell_amount(acc.debit),
                cell_amount(acc.credit),
                cell_amount(acc.balance),
            )
        )
    return out.getvalue()
