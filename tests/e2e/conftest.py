"""Helpers to run the real server as a separate process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(
    *args: str, env: dict[str, str], timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "scanfloor"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCANFLOOR_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


@contextmanager
def serving(cmd: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    # The server's output goes to a file, not a pipe: nobody reads a pipe while the server
    # runs, and once its 64 KB buffer (~700 request log lines) is full the server blocks.
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"server exited with {proc.returncode}:\n{log.read()}")
                try:
                    if requests.get(url + "/healthz", timeout=3).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("server did not answer /healthz within 60 s")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One seeded demo server (SQLite) for the browser tests of this run."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    # The demo's GS1 company prefix, as `make demo` sets it: cartons get SSCCs from it.
    env = base_env(
        DATABASE_URL=f"sqlite:///{path}",
        SCANFLOOR_MODE="demo",
        SCANFLOOR_GS1_COMPANY_PREFIX="9501101",
    )
    assert run_cli("db", "upgrade", "heads", env=env).returncode == 0
    seeded = run_cli("seed-demo", env=env, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    with serving([str(BIN / "scanfloor"), "serve", "--port", str(port)], env, port) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (its own browser download fails here)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests skipped: {CHROMIUM} missing (make test installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        yield b
        b.close()
