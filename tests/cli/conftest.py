"""Fixtures for the admin CLI tests (opt-in): a private store, a clean environment, a feed server."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import structlog

from services.cli import main

FIXTURES = Path(__file__).parents[1] / "poller" / "fixtures"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at a fresh SQLite store with default settings; undo its logging set-up after."""
    for name in list(os.environ):
        if name.startswith("FRONTWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FRONTWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTWATCH_LOG_FORMAT", "json")
    handlers, config = logging.getLogger().handlers[:], structlog.get_config()
    yield tmp_path
    # main() binds logging to the captured stderr, which pytest closes after the test.
    logging.getLogger().handlers[:] = handlers
    structlog.configure(**config)


@pytest.fixture
def run_cli(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `frontwatch ARGS...` in this process on `cli_env`; return (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def feed_server() -> Iterator[Callable[[str, bytes, str], str]]:
    """Factory: serve `body` at `path` on 127.0.0.1 from a thread; return the URL."""
    routes: dict[str, tuple[bytes, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, ctype = routes.get(self.path, (b"", ""))
            self.send_response(200 if ctype else 404)
            self.send_header("Content-Type", ctype or "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def add(path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        routes[path] = (body, content_type)
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield add
    server.shutdown()
    server.server_close()
