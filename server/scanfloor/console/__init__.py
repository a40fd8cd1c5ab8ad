"""Back-office pages (server-rendered)."""

from flask import Flask


def register_console(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
