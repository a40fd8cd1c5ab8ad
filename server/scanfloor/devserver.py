"""The built-in server (`scanfloor serve`) without its version banner.

Werkzeug's request handler sends `Server: Werkzeug/<version> Python/<version>`, which tells a
prober exactly which known flaws to try. Gunicorn (docker/entrypoint.sh) sends a bare
`Server: gunicorn`; this handler makes the dev server as quiet.
"""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "scanfloor"


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return SERVER_NAME
