"""Configuration read from the environment; one object per run, no module-level app."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .allocation.webhook_url_rules import WebhookUrlRefused, check_webhook_url
from .smtp_rules import MailSettingError, check_mail_from, parse_smtp_url

DEFAULT_SQLITE = "sqlite:///scanfloor.db"
DEMO_SECRET = "scanfloor-demo-mode-key-not-secret-do-not-use-in-production"
WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "scanfloor"}


class ConfigError(RuntimeError):
    """The server must not start with this configuration."""


def _decimal(env: dict[str, str], name: str, default: str) -> Decimal:
    raw = env.get(name, default)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ConfigError(f"{name} must be a decimal number, not {raw!r}") from None


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Settings a deployment may change; see README "Configuration"."""

    database_url: str = DEFAULT_SQLITE
    secret_key: str = ""
    mode: str = "production"  # production | demo | test
    debug: bool = False
    max_content_length: int = 1 * 1024 * 1024
    token_ttl_hours: int = 12
    # Sign-in throttling (auth/throttle.py): wrong secrets per account and per client address
    # or device within a sliding window; its counters live in Redis when redis_url is set, so
    # every server process shares them, and in each process's memory otherwise.
    redis_url: str | None = None
    signin_max_failures: int = 5
    signin_client_max_failures: int = 20
    signin_window_seconds: int = 900
    signin_key_prefix: str = "scanfloor"
    gs1_separator_chars: tuple[str, ...] = ("\x1d", "|")
    socketio_message_queue: str | None = None
    # Browser origins allowed to open a live socket; empty = the server's own origin only.
    socketio_allowed_origins: tuple[str, ...] = ()
    # How often each process re-checks the tokens of the live sockets it holds.
    live_recheck_seconds: float = 2.0
    # The live board gathers every change of this window into one update per queue.
    board_coalesce_ms: int = 250
    # Automatic wave release per channel (picking/wave_schedule.py); empty = console only.
    wave_schedule: str = ""
    # Ship-from address lines for shipping labels, "|"-separated: one for every warehouse,
    # and per warehouse code (SCANFLOOR_SHIP_FROM_<CODE>) where they differ.
    ship_from: str = ""
    ship_from_by_warehouse: dict[str, str] = field(default_factory=dict)
    # Returns: the largest photo of an item's condition kept with a return, and the
    # restocking fee (a share of the line's price) a partial credit deducts by default.
    return_photo_max_bytes: int = 4 * 1024 * 1024
    restocking_fee_percent: Decimal = Decimal("15")
    # Cycle counting: ABC classes by value or velocity over this many days of the ledger; a
    # variance worth more than count_manager_value needs a manager's approval, not only a
    # supervisor's; count_empty_bins raises a count when a pick or move empties a bin.
    abc_basis: str = "value"
    abc_window_days: int = 90
    count_manager_value: Decimal = Decimal("500")
    count_empty_bins: bool = True
    # Purchasing: the company's functional currency (ISO 4217); a PO worth more than
    # po_manager_value needs a manager's approval (a supervisor approves below it); the
    # suggestion run reads this many days of demand; its schedule (HH:MM[;HH:MM...] UTC,
    # blank = by hand only) run by `scanfloor purchasing suggest --scheduled` from cron.
    currency: str = "EUR"
    po_manager_value: Decimal = Decimal("10000")
    demand_history_days: int = 365
    purchasing_schedule: str = ""
    # Finance: the cost method of items with none of their own or their category's
    # (moving_average or fifo; finance/method_sql.py).
    cost_method: str = "moving_average"
    # Channel settlements (finance/settlement_exceptions.py): an order shipped and not settled
    # after this many days is an exception; settled and invoiced amounts further apart than
    # the tolerance are one; the largest settlement file imported.
    settlement_days: int = 14
    # Per channel code where a channel pays on its own rhythm (SCANFLOOR_SETTLEMENT_DAYS_<CODE>).
    settlement_days_by_channel: dict[str, int] = field(default_factory=dict)
    settlement_tolerance: Decimal = Decimal("0.01")
    settlement_max_bytes: int = 20 * 1024 * 1024
    # Outgoing e-mail (purchase orders to suppliers with no po_endpoint): the SMTP server,
    # smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS), blank = no
    # e-mail; and the From address, required with it (smtp_rules.py).
    smtp_url: str = ""
    mail_from: str = ""
    # Journal entries pushed to an accounting system (finance/journal_push.py): its URL, under
    # the channel webhooks' URL policy (blank = nothing pushed), and the key that signs them.
    accounting_url: str = ""
    accounting_secret: str = ""
    # The outbox dispatcher thread in each server process (never in mode="test" unless a
    # test asks), its idle poll, the lease it holds while delivering, and when it gives up.
    outbox_thread: bool = True
    outbox_poll_seconds: float = 5.0
    outbox_lease_seconds: float = 60.0
    outbox_max_attempts: int = 15
    # Development only: channel webhooks to loopback, plain http included (always on in demo
    # and test modes; allocation/webhook_url_rules.py). Never private or internal hosts.
    webhook_allow_loopback: bool = False
    # How many reverse proxies stand in front of the server and set X-Forwarded-For/-Proto/
    # -Host/-Port (nginx, a load balancer). 0 trusts none of those headers: a client could
    # forge them, and the sign-in throttle counts per client address.
    proxy_hops: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        seps = env.get("SCANFLOOR_GS1_SEPARATORS", "\x1d|")
        return cls(
            database_url=env.get("DATABASE_URL", DEFAULT_SQLITE),
            secret_key=env.get("SECRET_KEY", ""),
            mode=env.get("SCANFLOOR_MODE", "production"),
            debug=_bool(env.get("FLASK_DEBUG")) or _bool(env.get("SCANFLOOR_DEBUG")),
            max_content_length=int(env.get("SCANFLOOR_MAX_BODY_BYTES", str(1024 * 1024))),
            token_ttl_hours=int(env.get("SCANFLOOR_TOKEN_TTL_HOURS", "12")),
            redis_url=env.get("REDIS_URL") or None,
            signin_max_failures=int(env.get("SCANFLOOR_SIGNIN_MAX_FAILURES", "5")),
            signin_client_max_failures=int(env.get("SCANFLOOR_SIGNIN_CLIENT_MAX_FAILURES", "20")),
            signin_window_seconds=int(env.get("SCANFLOOR_SIGNIN_WINDOW_SECONDS", "900")),
            signin_key_prefix=env.get("SCANFLOOR_SIGNIN_KEY_PREFIX", "scanfloor"),
            gs1_separator_chars=tuple(dict.fromkeys(seps)) or ("\x1d",),
            socketio_message_queue=env.get("SOCKETIO_MESSAGE_QUEUE") or None,
            socketio_allowed_origins=tuple(
                o.strip().rstrip("/")
                for o in env.get("SCANFLOOR_SOCKETIO_ORIGINS", "").split(",")
                if o.strip()
            ),
            live_recheck_seconds=float(env.get("SCANFLOOR_LIVE_RECHECK_SECONDS", "2")),
            board_coalesce_ms=int(env.get("SCANFLOOR_BOARD_COALESCE_MS", "250")),
            wave_schedule=env.get("SCANFLOOR_WAVE_SCHEDULE", ""),
            ship_from=env.get("SCANFLOOR_SHIP_FROM", ""),
            ship_from_by_warehouse={
                k[len("SCANFLOOR_SHIP_FROM_") :]: v
                for k, v in env.items()
                if k.startswith("SCANFLOOR_SHIP_FROM_") and v.strip()
            },
            return_photo_max_bytes=int(
                env.get("SCANFLOOR_RETURN_PHOTO_MAX_BYTES", str(4 * 1024 * 1024))
            ),
            restocking_fee_percent=_decimal(env, "SCANFLOOR_RESTOCKING_FEE_PERCENT", "15"),
            abc_basis=env.get("SCANFLOOR_ABC_BASIS", "value"),
            abc_window_days=int(env.get("SCANFLOOR_ABC_WINDOW_DAYS", "90")),
            count_manager_value=_decimal(env, "SCANFLOOR_COUNT_MANAGER_VALUE", "500"),
            count_empty_bins=_bool(env.get("SCANFLOOR_COUNT_EMPTY_BINS"), True),
            currency=env.get("SCANFLOOR_CURRENCY", "EUR").strip().upper(),
            po_manager_value=_decimal(env, "SCANFLOOR_PO_MANAGER_VALUE", "10000"),
            demand_history_days=int(env.get("SCANFLOOR_DEMAND_HISTORY_DAYS", "365")),
            purchasing_schedule=env.get("SCANFLOOR_PURCHASING_SCHEDULE", ""),
            cost_method=env.get("SCANFLOOR_COST_METHOD", "moving_average").strip().lower(),
            settlement_days=int(env.get("SCANFLOOR_SETTLEMENT_DAYS", "14")),
            settlement_days_by_channel={
                k[len("SCANFLOOR_SETTLEMENT_DAYS_") :].upper(): int(v)
                for k, v in env.items()
                if k.startswith("SCANFLOOR_SETTLEMENT_DAYS_") and v.strip()
            },
            settlement_tolerance=_decimal(env, "SCANFLOOR_SETTLEMENT_TOLERANCE", "0.01"),
            settlement_max_bytes=int(
                env.get("SCANFLOOR_SETTLEMENT_MAX_BYTES", str(20 * 1024 * 1024))
            ),
            smtp_url=env.get("SCANFLOOR_SMTP_URL", "").strip(),
            mail_from=env.get("SCANFLOOR_MAIL_FROM", "").strip(),
            accounting_url=env.get("SCANFLOOR_ACCOUNTING_URL", "").strip(),
            accounting_secret=env.get("SCANFLOOR_ACCOUNTING_SECRET", ""),
            outbox_thread=_bool(env.get("SCANFLOOR_OUTBOX_THREAD"), True),
            outbox_poll_seconds=float(env.get("SCANFLOOR_OUTBOX_POLL_SECONDS", "5")),
            outbox_lease_seconds=float(env.get("SCANFLOOR_OUTBOX_LEASE_SECONDS", "60")),
            outbox_max_attempts=int(env.get("SCANFLOOR_OUTBOX_MAX_ATTEMPTS", "15")),
            webhook_allow_loopback=_bool(env.get("SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK")),
            proxy_hops=int(env.get("SCANFLOOR_PROXY_HOPS", "0")),
        )

    def check(self) -> None:
        """Refuse unsafe production settings; demo and test modes fill in a throwaway key."""
        if self.mode not in {"production", "demo", "test"}:
            raise ConfigError(f"SCANFLOOR_MODE must be production, demo or test, not {self.mode!r}")
        if not 0 <= self.proxy_hops <= 5:
            raise ConfigError("SCANFLOOR_PROXY_HOPS must be between 0 and 5")
        if self.board_coalesce_ms < 20 or self.board_coalesce_ms > 10_000:
            raise ConfigError("SCANFLOOR_BOARD_COALESCE_MS must be between 20 and 10000")
        if self.abc_basis not in ("value", "velocity"):
            raise ConfigError("SCANFLOOR_ABC_BASIS must be value or velocity")
        if self.abc_window_days < 1 or self.abc_window_days > 3660:
            raise ConfigError("SCANFLOOR_ABC_WINDOW_DAYS must be between 1 and 3660")
        if self.return_photo_max_bytes < 1024 or self.return_photo_max_bytes > 50 * 1024 * 1024:
            raise ConfigError("SCANFLOOR_RETURN_PHOTO_MAX_BYTES must be between 1 KiB and 50 MiB")
        if not Decimal("0") <= self.restocking_fee_percent <= Decimal("100"):
            raise ConfigError("SCANFLOOR_RESTOCKING_FEE_PERCENT must be between 0 and 100")
        if self.count_manager_value < 0:
            raise ConfigError("SCANFLOOR_COUNT_MANAGER_VALUE cannot be negative")
        if len(self.currency) != 3 or not self.currency.isascii() or not self.currency.isalpha():
            raise ConfigError("SCANFLOOR_CURRENCY is an ISO 4217 code such as EUR or USD")
        if self.po_manager_value < 0:
            raise ConfigError("SCANFLOOR_PO_MANAGER_VALUE cannot be negative")
        if not 28 <= self.demand_history_days <= 3660:
            raise ConfigError("SCANFLOOR_DEMAND_HISTORY_DAYS must be between 28 and 3660")
        if self.cost_method not in ("moving_average", "fifo"):
            raise ConfigError("SCANFLOOR_COST_METHOD must be moving_average or fifo")
        every_days = [self.settlement_days, *self.settlement_days_by_channel.values()]
        if not all(0 <= d <= 3660 for d in every_days) or self.settlement_tolerance < 0:
            raise ConfigError(
                "SCANFLOOR_SETTLEMENT_DAYS must be between 0 and 3660, and "
                "SCANFLOOR_SETTLEMENT_TOLERANCE not negative"
            )
        if not 1024 <= self.settlement_max_bytes <= 200 * 1024 * 1024:
            raise ConfigError("SCANFLOOR_SETTLEMENT_MAX_BYTES must be between 1 KiB and 200 MiB")
        self._check_mail()
        self._check_accounting()
        if "*" in self.socketio_allowed_origins:
            raise ConfigError("SCANFLOOR_SOCKETIO_ORIGINS lists origins; '*' would let any site in")
        if self.mode == "production":
            if self.debug:
                raise ConfigError("debug mode is refused outside demo/test (unset FLASK_DEBUG)")
            if self.secret_key.lower() in WEAK_SECRETS or len(self.secret_key) < 32:
                raise ConfigError(
                    "SECRET_KEY must be set to a random string of at least 32 characters "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
        elif not self.secret_key:
            # Demo: one fixed, public key, so several demo processes (and restarts) agree on
            # idempotency fingerprints; demo mode is insecure by design (password "demo").
            # Test: a fresh random key per app.
            self.secret_key = DEMO_SECRET if self.mode == "demo" else secrets.token_urlsafe(48)

    def _check_mail(self) -> None:
        try:
            parse_smtp_url(self.smtp_url)
        except MailSettingError as exc:
            raise ConfigError(f"SCANFLOOR_SMTP_URL: {exc}") from None
        if self.smtp_url or self.mail_from:
            try:
                check_mail_from(self.mail_from)
            except MailSettingError as exc:
                raise ConfigError(f"SCANFLOOR_MAIL_FROM: {exc}") from None

    def _check_accounting(self) -> None:
        if not self.accounting_url:
            return
        allow = self.webhook_allow_loopback or self.mode in ("demo", "test")
        try:
            check_webhook_url(self.accounting_url, allow_loopback=allow)
        except WebhookUrlRefused as exc:
            raise ConfigError(f"SCANFLOOR_ACCOUNTING_URL: {exc.message}") from None
        if not self.accounting_secret:
            raise ConfigError(
                "SCANFLOOR_ACCOUNTING_SECRET must be set with SCANFLOOR_ACCOUNTING_URL "
                "(it signs every entry pushed)"
            )

    def flask_config(self) -> dict[str, Any]:
        url = self.database_url
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        cfg: dict[str, Any] = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": self.secret_key,
            "DEBUG": self.debug,
            "TESTING": self.mode == "test",
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "SCANFLOOR_MODE": self.mode,
            "SCANFLOOR_SETTINGS": self,
            "API_TITLE": "Scanfloor API",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/api/v1",
            "OPENAPI_JSON_PATH": "openapi.json",
            "JSON_SORT_KEYS": False,
            "SCANFLOOR_OUTBOX_THREAD": self.outbox_thread and self.mode != "test",
            "SCANFLOOR_OUTBOX_POLL_SECONDS": self.outbox_poll_seconds,
            "SCANFLOOR_OUTBOX_LEASE_SECONDS": self.outbox_lease_seconds,
            "SCANFLOOR_OUTBOX_MAX_ATTEMPTS": self.outbox_max_attempts,
            "SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK": self.webhook_allow_loopback
            or self.mode in ("demo", "test"),
            "SCANFLOOR_LIVE_RECHECK_SECONDS": self.live_recheck_seconds,
            "SCANFLOOR_BOARD_COALESCE_MS": self.board_coalesce_ms,
            "SCANFLOOR_WAVE_SCHEDULE": self.wave_schedule,
            "SCANFLOOR_SHIP_FROM": self.ship_from,
            **{f"SCANFLOOR_SHIP_FROM_{k}": v for k, v in self.ship_from_by_warehouse.items()},
            "SCANFLOOR_RETURN_PHOTO_MAX_BYTES": self.return_photo_max_bytes,
            "SCANFLOOR_RESTOCKING_FEE_PERCENT": self.restocking_fee_percent,
            "SCANFLOOR_ABC_BASIS": self.abc_basis,
            "SCANFLOOR_ABC_WINDOW_DAYS": self.abc_window_days,
            "SCANFLOOR_COUNT_MANAGER_VALUE": self.count_manager_value,
            "SCANFLOOR_COUNT_EMPTY_BINS": self.count_empty_bins,
            "SCANFLOOR_CURRENCY": self.currency,
            "SCANFLOOR_PO_MANAGER_VALUE": self.po_manager_value,
            "SCANFLOOR_DEMAND_HISTORY_DAYS": self.demand_history_days,
            "SCANFLOOR_PURCHASING_SCHEDULE": self.purchasing_schedule,
            "SCANFLOOR_COST_METHOD": self.cost_method,
            "SCANFLOOR_SETTLEMENT_DAYS": self.settlement_days,
            **{
                f"SCANFLOOR_SETTLEMENT_DAYS_{k}": v
                for k, v in self.settlement_days_by_channel.items()
            },
            "SCANFLOOR_SETTLEMENT_TOLERANCE": self.settlement_tolerance,
            "SCANFLOOR_SETTLEMENT_MAX_BYTES": self.settlement_max_bytes,
            "SCANFLOOR_SMTP_URL": self.smtp_url,
            "SCANFLOOR_MAIL_FROM": self.mail_from,
            "SCANFLOOR_ACCOUNTING_URL": self.accounting_url,
            "SCANFLOOR_ACCOUNTING_SECRET": self.accounting_secret,
            # The sign-in throttle's store (auth/throttle.py; a sliding window in it).
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
        }
        if url.startswith("sqlite"):
            # A writer waits for the file lock instead of failing at once (see docs/decisions).
            cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
        else:
            cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {
                "pool_pre_ping": True,
                "pool_size": 10,
                "max_overflow": 20,
                # No JIT: the app's statements are short, and the planner's estimates for
                # the reports' order reads (an OR of IN lists) passed the JIT thresholds,
                # which then cost 0.3 s to compile a read of a few hundred rows
                # (bench/bench_dashboards.py, exception priority 0.48 s against 0.08 s).
                "connect_args": {"options": "-c jit=off"},
            }
        cfg.update(self.extra)
        return cfg
