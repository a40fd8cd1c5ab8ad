"""The accounting push's message and its settings (no database): amounts as decimal text in
the currency's minor units, one idempotency key per entry, and the channel webhooks' URL
policy for SCANFLOOR_ACCOUNTING_URL, which needs a secret beside it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from scanfloor.config import ConfigError, Settings
from scanfloor.finance.journal_push import entry_payload, idempotency_key


def _entry(**kw: object) -> SimpleNamespace:
    base = {"id": 42, "entry_date": date(2025, 3, 31), "period": "2025-03", "kind": "receipt",
            "source_type": "receipt", "source_id": "7", "posting_id": 9, "movement_id": 11,
            "reverses_entry_id": None, "memo": "receipt"}  # fmt: skip
    return SimpleNamespace(**(base | kw))


def _line(code: str, debit: object, credit: object, warehouse: str | None = "WH1") -> object:
    return SimpleNamespace(code=code, name=f"Account {code}", warehouse=warehouse, debit=debit,
                           credit=credit)  # fmt: skip


def test_an_entrys_message_carries_its_lines_as_decimal_text_and_its_idempotency_key():
    lines = [_line("1300", 75.0, 0.0), _line("2100", "0", "75.0000", None)]
    msg = entry_payload(_entry(), lines, "EUR")
    assert msg["event"] == "journal_entry.created"
    assert msg["idempotency_key"] == idempotency_key(42) == "journal_entry:42"
    entry = msg["entry"]
    assert (entry["id"], entry["date"], entry["period"], entry["currency"]) == (
        42, "2025-03-31", "2025-03", "EUR")  # fmt: skip
    assert (entry["posting_id"], entry["movement_id"], entry["source_id"]) == (9, 11, "7")
    assert entry["lines"] == [
        {"account_code": "1300", "account_name": "Account 1300", "warehouse": "WH1",
         "debit": "75.00", "credit": "0.00"},
        {"account_code": "2100", "account_name": "Account 2100", "warehouse": None,
         "debit": "0.00", "credit": "75.00"},
    ]  # fmt: skip


def test_amounts_follow_the_currencys_minor_units():
    msg = entry_payload(_entry(), [_line("1300", "1500", "0")], "JPY")
    assert (msg["entry"]["lines"][0]["debit"], msg["entry"]["currency"]) == ("1500", "JPY")
    msg = entry_payload(_entry(), [_line("1300", "1.5", "0")], "KWD")
    assert msg["entry"]["lines"][0]["debit"] == "1.500"


def _settings(**env: str) -> Settings:
    return Settings.from_env({"SCANFLOOR_MODE": "production", "SECRET_KEY": "k" * 40, **env})


def test_an_https_accounting_url_with_a_secret_is_accepted_and_reaches_the_app_config():
    s = _settings(SCANFLOOR_ACCOUNTING_URL="https://books.example.com/hooks/journal",
                  SCANFLOOR_ACCOUNTING_SECRET="s3cret")  # fmt: skip
    s.check()
    cfg = s.flask_config()
    assert cfg["SCANFLOOR_ACCOUNTING_URL"] == "https://books.example.com/hooks/journal"
    assert cfg["SCANFLOOR_ACCOUNTING_SECRET"] == "s3cret"


def test_no_accounting_url_is_the_default_and_needs_no_secret():
    s = _settings()
    s.check()
    assert s.flask_config()["SCANFLOOR_ACCOUNTING_URL"] == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://books.example.com/journal",  # plain http
        "http://127.0.0.1:8080/journal",  # loopback outside development
        "https://169.254.169.254/latest",  # a metadata service
        "https://10.0.0.5/journal",  # a private address
        "https://user:pw@books.example.com/",  # credentials
    ],
)
def test_an_accounting_url_the_webhook_policy_refuses_stops_the_server(url):
    with pytest.raises(ConfigError, match="SCANFLOOR_ACCOUNTING_URL"):
        _settings(SCANFLOOR_ACCOUNTING_URL=url, SCANFLOOR_ACCOUNTING_SECRET="x").check()


def test_loopback_http_is_accepted_only_where_loopback_webhooks_are():
    url = "http://127.0.0.1:8080/journal"
    _settings(SCANFLOOR_ACCOUNTING_URL=url, SCANFLOOR_ACCOUNTING_SECRET="x",
              SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK="true").check()  # fmt: skip


def test_an_accounting_url_without_a_secret_stops_the_server():
    with pytest.raises(ConfigError, match="SCANFLOOR_ACCOUNTING_SECRET"):
        _settings(SCANFLOOR_ACCOUNTING_URL="https://books.example.com/j").check()
