"""Back-office pages (server-rendered)."""

from flask import Flask


def register_console(app: Flask) -> None:
    from .allocation_views import bp as alloc_bp
    from .board_views import bp as board_bp
    from .counts_views import bp as counts_bp
    from .finance_views import bp as finance_bp
    from .grni_views import bp as grni_bp
    from .invoice_views import bp as invoices_bp
    from .labels_views import bp as labels_bp
    from .landed_views import bp as landed_bp
    from .margin_views import bp as margin_bp
    from .outbox_views import bp as outbox_bp
    from .purchasing_suggest_views import bp as purchasing_bp
    from .purchasing_views import bp as po_bp
    from .putaway_views import bp as putaway_bp
    from .replenishment_views import bp as replenishment_bp
    from .reports_views import bp as reports_bp
    from .returns_views import bp as returns_bp
    from .settlement_views import bp as settlements_bp
    from .suppliers_views import bp as suppliers_bp
    from .views import bp
    from .waves_views import bp as waves_bp

    app.register_blueprint(bp)
    app.register_blueprint(labels_bp)
    app.register_blueprint(po_bp)
    app.register_blueprint(putaway_bp)
    app.register_blueprint(alloc_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(waves_bp)
    app.register_blueprint(returns_bp)
    app.register_blueprint(counts_bp)
    app.register_blueprint(purchasing_bp)
    app.register_blueprint(suppliers_bp)
    app.register_blueprint(replenishment_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(grni_bp)
    app.register_blueprint(invoices_bp)
    app.register_blueprint(landed_bp)
    app.register_blueprint(settlements_bp)
    app.register_blueprint(margin_bp)
    app.register_blueprint(reports_bp)
