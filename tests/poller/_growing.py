"""Helpers for the exactly-once tests: feeds that gain items, poller processes, the article stream."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nats
from aiohttp import web

from services.ids import article_id
from shared import subjects

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class GrowingFeeds:
    """`count` RSS feeds on 127.0.0.1 that gain items on demand, with ETags and a request log.

    Every request is logged as (feed, start, end) in monotonic seconds; `delay_s` keeps each
    request open a while so that two overlapping checks of one feed would show in the log.
    """

    count: int
    initial_items: int = 3
    delay_s: tuple[float, float] = (0.0, 0.0)
    items: list[list[str]] = field(default_factory=list)
    log: list[tuple[int, float, float]] = field(default_factory=list)
    base: str = ""
    _runner: web.AppRunner | None = None
    _rng: random.Random = field(default_factory=lambda: random.Random(7))

    def url(self, feed: int) -> str:
        return f"{self.base}/feed/{feed}"

    def add_item(self, feed: int) -> str:
        """Add an item to `feed`; return its expected article id."""
        guid = f"f{feed}-item{len(self.items[feed])}"
        self.items[feed].append(guid)
        return article_id(self.url(feed), guid)

    async def _handle(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        feed = int(request.match_info["n"])
        await asyncio.sleep(self._rng.uniform(*self.delay_s))
        items = list(self.items[feed])  # the state when the answer is made
        etag = f'"{len(items)}"'
        if request.headers.get("If-None-Match") == etag:
            response = web.Response(status=304, headers={"ETag": etag})
        else:
            # Undated items leave the posting rate unknown, so checks stay at the short base interval.
            body = "".join(
                f"<item><guid>{g}</guid><title>{g}</title><link>https://n.example/{g}</link></item>"
                for g in reversed(items)
            )
            xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{feed}</title>{body}</channel></rss>'
            response = web.Response(
                body=xml.encode(), content_type="application/rss+xml", headers={"ETag": etag}
            )
        self.log.append((feed, started, time.monotonic()))
        return response

    async def start(self) -> None:
        self.items = [[f"f{n}-item{i}" for i in range(self.initial_items)] for n in range(self.count)]
        app = web.Application()
        app.router.add_get("/feed/{n}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def overlaps(self) -> list[tuple[int, float, float]]:
        """Requests that began before the previous request for the same feed had ended."""
        found = []
        last_end: dict[int, float] = {}
        for feed, start, end in sorted(self.log, key=lambda r: r[1]):
            if start < last_end.get(feed, -1.0):
                found.append((feed, start, end))
            last_end[feed] = max(end, last_end.get(feed, -1.0))
        return found


def poller_env(
    tmp_path: Path, *, broker_url: str, store_url: str, schema: str | None = None, feeds: Sequence[str] = ()
) -> dict[str, str]:
    """Environment for `frontwatch poller`: fast intervals, loopback allowed, feeds from a config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTWATCH_")}
    env |= {
        "FRONTWATCH_BROKER_URL": broker_url,
        "FRONTWATCH_STORE_URL": store_url,
        "FRONTWATCH_ALLOW_PRIVATE_URLS": "true",
        "FRONTWATCH_POLL_INTERVAL_S": "0.3",
        "FRONTWATCH_MIN_POLL_INTERVAL_S": "0.2",
        "FRONTWATCH_LOG_FORMAT": "json",
        "FRONTWATCH_LOG_LEVEL": "INFO",
        "FRONTWATCH_SHUTDOWN_GRACE_S": "5",
    }
    if schema:
        env["FRONTWATCH_STORE_SCHEMA"] = schema
    if feeds:
        config = tmp_path / "frontwatch.toml"
        config.write_text("".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in feeds))
        env["FRONTWATCH_CONFIG"] = str(config)
    return env


def start_poller(env: dict[str, str], log_path: Path, lease_s: float) -> subprocess.Popen[bytes]:
    """Start `frontwatch poller` in its own process, with leases of `lease_s` seconds."""
    with log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "services.cli", "poller"],
            cwd=ROOT,
            env={**env, "FRONTWATCH_POLLER_LEASE_S": str(lease_s)},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no clean-up at all, as when a container is OOM-killed."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait; kill if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            kill(proc)


async def published_ids(nats_url: str) -> list[str]:
    """Every article id stored in the JetStream stream, duplicates included, in stream order."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        try:
            info = await js.stream_info(subjects.STREAM)
        except nats.js.errors.NotFoundError:
            return []
        ids: list[str] = []
        if not info.state.messages:
            return ids
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg(subjects.STREAM, seq)
            if msg.subject == subjects.ARTICLES and msg.data:
                ids.append(json.loads(msg.data)["article_id"])
        return ids
    finally:
        await nc.close()
