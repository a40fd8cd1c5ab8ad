"""Scanfloor: mobile-first warehouse scanning on one append-only stock ledger."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .config import Settings

__version__ = "0.1.0"


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the Flask app. `overrides` are extra Flask config keys (tests use them)."""
    from . import models  # noqa: F401  (registers every table on db.metadata)
    from .allocation import init_app as init_allocation
    from .api.body_limits import refuse_bodies_past_limits
    from .api.errors import ScanfloorApi, register_error_handlers
    from .api.fields import BigIdConverter, IdConverter
    from .api.nul_chars import refuse_nul_characters
    from .api.routes import register_blueprints
    from .auth.guard import check_route_before_view
    from .console import register_console
    from .counting import init_app as init_counting
    from .database import configure_engine
    from .extensions import db, migrate, socketio
    from .finance.revenue_subscriber import register as init_revenue
    from .finance.subscriber import register as init_finance
    from .picking import init_app as init_picking
    from .purchasing import po_outbox  # noqa: F401  (registers the `supplier` consumer)
    from .purchasing.demand_projection import register as init_demand_projection
    from .replenishment import init_app as init_replenishment
    from .reporting.facts_projection import register as init_facts
    from .reporting.order_facts_store import register as init_order_facts
    from .scanner import register_scanner
    from .security_headers import register_security_headers

    settings = settings or Settings.from_env()
    settings.check()
    app = Flask(__name__)
    if settings.proxy_hops:
        # Behind N proxies the client's address, scheme and host are what the proxies say
        # (the throttle, the origin check and redirects read them), and only those N hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    # Ids in paths bounded by their key's column type (api/fields.py): every <int:...> rule.
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["bigid"] = BigIdConverter
    app.config.update(settings.flask_config())
    app.config.update(overrides)

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    with app.app_context():
        configure_engine(db.engine)
    # Allocation keeps reservations in step with stock inside each posting's transaction;
    # picking then keeps open pick lines within those reservations (after it, at commit).
    init_allocation(app)
    init_picking(app)
    # Counting raises a count of a bin a posting emptied (counting/triggers.py).
    init_counting(app)
    # A posting that takes a pick face below its min raises its replenishment task.
    init_replenishment(app)
    # Daily demand per item and warehouse (and channel), kept with every posting: what a
    # purchase suggestion run reads instead of the movements (purchasing/demand_projection).
    init_demand_projection(app)
    # Valuation and journal entries of every movement that changes what stock is worth.
    init_finance(app)
    # Revenue (and sales tax) per order a shipment ships for (finance/revenue_rules.py).
    init_revenue(app)
    # The reports' daily facts (reporting/facts_models.py), after finance: they carry the
    # values finance just gave the posting's movements.
    init_facts(app)
    # The records of settled orders the fill rates and cycle time read (order_facts_store),
    # refreshed as a transaction that ships or cancels commits.
    init_order_facts(app)

    api = ScanfloorApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Scanfloor REST API. Errors: {error: {code, message, details}}."
            },
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    )
    app.extensions["scanfloor_api"] = api
    register_error_handlers(app)
    # First of all hooks, before anything parses a body: nesting past the limit is a 400
    # and a chunked body past MAX_CONTENT_LENGTH a 413 (api/body_limits.py).
    app.before_request(refuse_bodies_past_limits)
    from .auth.throttle import init_throttle

    init_throttle(app)  # sign-in throttling's store: Redis at REDIS_URL, else memory

    @app.before_request
    def _fresh_request_state() -> None:
        # g lives on the app context, which an outer context (CLI, tests) may share
        # across requests: per-request state must not leak from one request to the next.
        from flask import g

        g.pop("principal", None)

    # After the reset above: sign-in and role checks run before a view parses its body or
    # looks anything up, so an anonymous caller gets 401, never 422 or 404.
    app.before_request(check_route_before_view)
    app.before_request(refuse_nul_characters)  # after it: 401 comes before 422 (api/nul_chars.py)

    register_blueprints(api)
    register_console(app)
    register_scanner(app)
    register_security_headers(app)

    from .realtime import register_realtime
    from .realtime.origins import origin_check

    register_realtime(app)
    socketio.init_app(
        app,
        message_queue=settings.socketio_message_queue,
        async_mode="threading",
        # Own origin plus SCANFLOOR_SOCKETIO_ORIGINS ([] would switch the Origin check off).
        cors_allowed_origins=origin_check(settings.socketio_allowed_origins),
    )
    return app


def _migrations_dir() -> str:
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    # Source checkout: <repo>/server/scanfloor -> <repo>/migrations. The Docker image copies
    # migrations/ next to the package's install root the same way.
    return os.environ.get(
        "SCANFLOOR_MIGRATIONS", os.path.join(os.path.dirname(os.path.dirname(here)), "migrations")
    )
