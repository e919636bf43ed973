"""Shared fixtures for poller tests: fixture files and a factory for local aiohttp feed servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Return a reader for files under tests/poller/fixtures."""
    return lambda name: (FIXTURES / name).read_bytes()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[dict[str, Handler]], Awaitable[str]]]:
    """Factory: start a real HTTP server on 127.0.0.1 with the given routes; return its base URL."""
    runners: list[web.AppRunner] = []

    async def start(routes: dict[str, Handler], host: str = "127.0.0.1") -> str:
        app = web.Application()
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://{host}:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()
