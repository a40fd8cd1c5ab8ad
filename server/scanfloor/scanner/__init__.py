"""The scanner PWA's static files, served at /scanner/."""

from flask import Flask


def register_scanner(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
