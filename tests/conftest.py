"""Fixtures shared by every test folder: real servers, or a clear skip (a failure under CI)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
SERVERS = {
    "postgres": ("127.0.0.1", 5432),
    "rabbitmq": ("127.0.0.1", 5672),
    "redis": ("127.0.0.1", 6379),
    "nats": ("127.0.0.1", 4222),
}
URLS = {
    "postgres": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/",
    "redis": "redis://127.0.0.1:6379",
    "nats": "nats://127.0.0.1:4222",
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_server(name: str) -> str:
    """The URL of a real server on this machine; skip without it, or fail under CI=true."""
    host, port = SERVERS[name]
    if not _reachable(host, port):
        message = f"{name} is not running on {host}:{port}"
        if IN_CI:
            pytest.fail(f"{message}, and CI requires it")
        pytest.skip(message)
    return URLS[name]


@pytest.fixture
def unique_prefix() -> str:
    """A namespace for subjects and queues so runs on a shared server never see each other."""
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
def fixed_now() -> Callable[[], datetime]:
    """A clock that stands still at a known instant."""
    moment = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)
    return lambda: moment
