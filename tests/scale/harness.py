"""Pieces shared by the scale tests and `bench/pipeline.py`: a live feed server, a catalogue of
sentences that are each their own development, service processes, and the checks on what the
fake Telegram Bot API received."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import IO, Any

import aiohttp
from aiohttp import web

from shared.messages import Article
from shared.store import Store

__all__ = [
    "FeedServer",
    "ServiceProcess",
    "article",
    "catalogue",
    "clean_env",
    "delivered_tokens",
    "drop_schema",
    "eventually",
    "free_port",
    "store_developments",
    "write_config",
]

REPO = Path(__file__).resolve().parents[2]
FRONTWATCH = Path(sys.executable).with_name("frontwatch")
DATA = REPO / "services" / "classifier" / "data"
TOKEN_RE = re.compile(r"/items/([0-9a-f]{12})")
_TEMPLATES = (
    "SDF took control of the village of {place}",
    "{n} civilians were killed in {place}",
    "{n} children were killed in {place}",
    "{n} women were injured in {place}",
    "{n} people were injured in {place}",
    "{n} {actor} fighters were killed in {place}",
)


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float, every_s: float = 0.2) -> bool:
    """Poll `check` until it is true (True) or `timeout_s` has passed (False)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if await check():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(every_s)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def catalogue(limit: int | None = None) -> list[str]:
    """English sentences that the classifier turns into exactly one fact each, every one under a
    different event key (so each becomes its own development at revision 1)."""
    from services.classifier.facts import event_key, facts_from
    from services.classifier.rules import classify

    places = [p["en"] for p in json.loads((DATA / "places.json").read_text(encoding="utf-8"))]
    actors = [a["en"] for a in json.loads((DATA / "actors.json").read_text(encoding="utf-8"))]
    out: list[str] = []
    keys: set[str] = set()
    now = datetime.now(UTC)
    for i, (template, place) in enumerate((t, p) for p in places for t in _TEMPLATES):
        for actor in actors if "{actor}" in template else [""]:
            text = template.format(place=place, actor=actor, n=5 + (i * 7 + len(out)) % 90)
            probe = Article(article_id="probe", feed_url="probe", text=text, first_seen=now)
            facts = facts_from(probe, classify(text, "en"))
            if len(facts) != 1 or not facts[0].place_id or event_key(facts[0]) in keys:
                continue
            keys.add(event_key(facts[0]))
            out.append(text)
            if limit is not None and len(out) >= limit:
                return out
    return out


def article(text: str, token: str) -> Article:
    """An article as the poller would publish it, its link carrying `token`."""
    return Article(
        article_id=f"bench-{token}",
        feed_url="http://127.0.0.1/bench.rss",
        title=text,
        link=f"http://127.0.0.1/items/{token}",
        text=text,
        lang="en",
        first_seen=datetime.now(UTC),
    )


@dataclass
class Item:
    """One item of a feed; `token` is its GUID and appears in its link (hence in the alert)."""

    token: str
    text: str
    feed: int
    appeared_at: float  # wall clock, time.time()


@dataclass
class FeedServer:
    """RSS 2.0 feeds on 127.0.0.1 whose items are added while the pipeline runs."""

    feeds: int = 4
    window: int = 100  # items a feed lists, newest first
    items: list[Item] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._by_feed: list[list[Item]] = [[] for _ in range(self.feeds)]
        self._runner: web.AppRunner | None = None
        self.requests = 0

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/feeds/{i}.rss" for i in range(self.feeds)]

    def add(self, text: str, feed: int | None = None) -> Item:
        """Publish an item on `feed` (round robin by default) from now on."""
        feed = len(self.items) % self.feeds if feed is None else feed
        item = Item(uuid.uuid4().hex[:12], text, feed, time.time())
        self._by_feed[feed].append(item)
        self.items.append(item)
        return item

    async def _feed(self, request: web.Request) -> web.Response:
        self.requests += 1
        index = int(request.match_info["n"])
        if not 0 <= index < self.feeds:
            raise web.HTTPNotFound()
        entries = []
        for item in reversed(self._by_feed[index][-self.window :]):
            date = format_datetime(datetime.fromtimestamp(item.appeared_at, UTC), usegmt=True)
            entries.append(
                f'<item><guid isPermaLink="false">{item.token}</guid><title>{escape(item.text)}</title>'
                f"<link>http://127.0.0.1:{self.port}/items/{item.token}</link>"
                f"<description>{escape(item.text)}.</description><pubDate>{date}</pubDate></item>"
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Scale wire {index}</title><link>http://127.0.0.1:{self.port}/</link>"
            f"<description>test</description><language>en</language>{''.join(entries)}"
            "</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml", charset="utf-8")

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/feeds/{n}.rss", self._feed)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def clean_env(**values: str) -> dict[str, str]:
    """The environment without any inherited FRONTWATCH_* setting, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTWATCH_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


def write_config(path: Path, feeds: list[str], telegram_chats: list[int]) -> Path:
    """A FRONTWATCH_CONFIG TOML with these feeds and one Telegram subscriber per chat."""
    lines = []
    for url in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    for chat in telegram_chats:
        lines += ["[[subscribers]]", 'channel = "telegram"', f'target = "{chat}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class ServiceProcess:
    """`frontwatch ROLE` as a child process, its output in a log file, ready once /readyz is 200."""

    def __init__(self, role: str, env: dict[str, str], log_dir: Path, name: str) -> None:
        self.role = role
        self.name = name
        self.port = free_port()
        self.env = {**env, "FRONTWATCH_HTTP_PORT": str(self.port)}
        self.log_path = log_dir / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> ServiceProcess:
        self._log = self.log_path.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            str(FRONTWATCH),
            self.role,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )
        return self

    async def wait_ready(self, timeout_s: float = 30.0) -> None:
        """Wait until /readyz answers 200; raise with the log's tail if the process dies."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout_s
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise RuntimeError(f"{self.name} exited {self.proc.returncode}:\n{self.tail()}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with session.get(f"http://127.0.0.1:{self.port}/readyz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout_s} s:\n{self.tail()}")

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the process has used so far; NaN off Linux or once it is gone."""
        if self.proc is None:
            return float("nan")
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def terminate(self) -> None:
        """Send SIGTERM (an orchestrator stopping the container)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)

    async def stop(self, timeout_s: float = 25.0) -> int:
        """SIGTERM, wait for the exit (SIGKILL after `timeout_s`), return the exit status."""
        assert self.proc is not None
        self.terminate()
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout_s)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        if self._log is not None:
            self._log.close()
        return code

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def events(self, name: str) -> Iterator[dict[str, Any]]:
        """The JSON log records of this process whose event is `name`."""
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{") and f'"{name}"' in line:
                with contextlib.suppress(ValueError):
                    record = json.loads(line)
                    if record.get("event") == name:
                        yield record


async def store_developments(store: Store) -> dict[str, tuple[str, int]]:
    """Item token (from the source link) -> (development id, revision) of every stored development."""
    from sqlalchemy import select

    from shared.store_schema import developments

    out: dict[str, tuple[str, int]] = {}
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(developments.c.development_id, developments.c.revision, developments.c.state)
        )
        for dev_id, revision, state in rows:
            for source in (state.get("last") or {}).get("sources", []):
                match = TOKEN_RE.search(source.get("url", ""))
                if match:
                    out[match.group(1)] = (dev_id, revision)
    return out


def delivered_tokens(sent: list[Any]) -> Counter[tuple[int | str, str]]:
    """(chat, item token) -> how many messages the fake Bot API accepted for that item in that chat."""
    seen: Counter[tuple[int | str, str]] = Counter()
    for message in sent:
        for token in set(TOKEN_RE.findall(message.text)):
            seen[(message.chat_id, token)] += 1
    return seen


async def drop_schema(url: str, schema: str) -> None:
    """Remove a test's PostgreSQL schema and everything in it."""
    from sqlalchemy import text

    store = Store(url)
    try:
        async with store.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await store.close()


async def delete_stream(nats_url: str, prefix: str) -> None:
    """Remove the JetStream stream of a test's namespace."""
    from shared.broker import make_bus

    bus = make_bus(nats_url, prefix=prefix)
    await bus.broker.connect()
    try:
        with contextlib.suppress(Exception):
            await bus.broker.connection.jetstream().delete_stream(bus.stream_name)
    finally:
        await bus.broker.stop()
