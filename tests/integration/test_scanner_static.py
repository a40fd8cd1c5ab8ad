"""The scanner PWA's files as the server hands them out: types a browser accepts (wasm,
manifest, module scripts), a service worker that is never stale, a versioned shell that holds
every file the app needs offline, and nothing outside scanner_ui/ (nor its build tools)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.scanner.views import scanner_dir

UI = Path(__file__).resolve().parents[2] / "scanner_ui"
# What the app needs at run time; docs, licences and build tools are not part of the shell.
SHELL_SUFFIXES = {".js", ".css", ".png", ".wasm", ".webmanifest"}


@pytest.fixture(scope="module")
def client() -> Any:
    """Static files only: no database is touched."""
    return create_app(Settings(mode="test", database_url="sqlite://")).test_client()


def precache_list() -> list[str]:
    sw = (UI / "sw.js").read_text()
    block = re.search(r"const PRECACHE = \[(.*?)\];", sw, re.S)
    assert block is not None
    entries = re.findall(r'"(/scanner/[^"]*)"', block.group(1))
    return ["/scanner/", *entries] if "SHELL" in block.group(1) else entries


def test_the_server_serves_the_checkout_scanner_ui_folder():
    assert scanner_dir().resolve() == UI.resolve()


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/scanner/", "text/html"),
        ("/scanner/sw.js", "text/javascript"),
        ("/scanner/js/main.js", "text/javascript"),
        ("/scanner/css/app.css", "text/css"),
        ("/scanner/manifest.webmanifest", "application/manifest+json"),
        ("/scanner/icons/icon-192.png", "image/png"),
        ("/scanner/vendor/barcode-detector/zxing_reader.wasm", "application/wasm"),
    ],
)
def test_each_kind_of_file_is_served_without_sign_in_with_a_type_browsers_accept(
    client, path, mimetype
):
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.mimetype == mimetype
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_the_service_worker_is_never_cached_and_may_control_the_whole_app(client):
    resp = client.get("/scanner/sw.js")
    assert resp.headers["Cache-Control"] == "no-cache"
    assert resp.headers["Service-Worker-Allowed"] == "/scanner/"
    assert client.get("/scanner/").headers["Cache-Control"] == "no-cache"
    assert "max-age=3600" in client.get("/scanner/js/main.js").headers["Cache-Control"]


def test_the_bare_path_redirects_so_relative_urls_and_the_worker_scope_line_up(client):
    resp = client.get("/scanner")
    assert resp.status_code == 308
    assert resp.headers["Location"].endswith("/scanner/")


@pytest.mark.parametrize(
    "path",
    [
        "/scanner/tools/make_icons.py",
        "/scanner/../pyproject.toml",
        "/scanner/%2e%2e/pyproject.toml",
        "/scanner/vendor/barcode-detector/LICENSE.zxing-wasm",
        "/scanner/js/no-such-file.js",
    ],
)
def test_files_outside_the_app_and_build_tools_are_not_served(client, path):
    assert client.get(path).status_code == 404


def test_the_versioned_shell_precaches_every_file_the_app_needs_and_only_real_files(client):
    listed = precache_list()
    assert len(listed) == len(set(listed))
    for url in listed:
        assert client.get(url).status_code == 200, url
    on_disk = {
        "/scanner/" + p.relative_to(UI).as_posix()
        for p in UI.rglob("*")
        if p.is_file() and p.suffix in SHELL_SUFFIXES and "tools" not in p.parts
    }
    on_disk.discard("/scanner/sw.js")  # the worker is not in its own cache
    assert on_disk - set(listed) == set(), "files missing from PRECACHE in sw.js"
    assert re.search(r'const VERSION = "scanfloor-scanner-v\d+"', (UI / "sw.js").read_text())


def test_every_module_import_names_a_file_that_exists():
    imports = re.compile(r'(?:import|export)\s[^;]*?from\s+"([^"]+)"|new URL\("([^"]+)"')
    for script in (UI / "js").rglob("*.js"):
        for m in imports.finditer(script.read_text()):
            target = m.group(1) or m.group(2)
            if target.startswith("."):
                assert (script.parent / target).resolve().exists(), f"{script.name}: {target}"


def test_the_manifest_makes_the_app_installable_with_icons_of_the_sizes_it_claims(client):
    manifest = json.loads(client.get("/scanner/manifest.webmanifest").data)
    assert manifest["start_url"] == "/scanner/" and manifest["scope"] == "/scanner/"
    assert manifest["display"] == "standalone"
    purposes = set()
    for icon in manifest["icons"]:
        png = Image.open(io.BytesIO(client.get(icon["src"]).data))
        assert f"{png.width}x{png.height}" == icon["sizes"]
        purposes.add(icon.get("purpose", "any"))
    assert {"any", "maskable"} <= purposes
    html = client.get("/scanner/").get_data(as_text=True)
    assert 'rel="manifest" href="/scanner/manifest.webmanifest"' in html
    assert 'inputmode="none"' in html and 'autocomplete="off"' in html  # the scan sink


def test_the_vendored_wasm_is_the_one_its_glue_code_expects():
    vendor = UI / "vendor" / "barcode-detector"
    glue = (vendor / "zxing-exported.js").read_text()
    expected = re.search(r'"([0-9a-f]{64})"', glue)
    assert expected is not None
    assert hashlib.sha256(
        (vendor / "zxing_reader.wasm").read_bytes()
    ).hexdigest() == expected.group(1)
    worker = (UI / "js" / "decoder-worker.js").read_text()
    assert "prepareZXingModule" in worker and "locateFile" in worker
