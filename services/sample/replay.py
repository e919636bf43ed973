"""Local replay server for the bundled sample feeds.

`frontwatch run` starts a :class:`ReplayServer` so that the first run works offline: it serves
three feeds (RSS 2.0 in English, Atom 1.0 in English, RSS 2.0 in Arabic encoded in windows-1256)
and reveals the items of ``timeline.json`` as a story develops over about 30 seconds (fighting in
Baghuz, half of a town taken, fighters surrendering, a civilian death toll rising from 388 to 400).

Each feed lives at ``/feeds/<file>`` and contains only the items whose ``at_s`` has passed
(newest first), with a strong ``ETag`` and a ``Last-Modified`` that change exactly when the set of
visible items changes; ``If-None-Match`` and ``If-Modified-Since`` are answered with 304.

Run it standalone with ``python -m services.sample.replay --port 8765``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any, Final, Literal
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

__all__ = [
    "FEED_SPECS",
    "FeedSpec",
    "ReplayServer",
    "SampleFeed",
    "TimelineItem",
    "load_template",
    "load_timeline",
    "main",
]

_PACKAGE: Final = "services.sample"
_TEMPLATE_DIR: Final = "feeds"
_TIMELINE_FILE: Final = "timeline.json"
_ITEM_KEYS: Final = frozenset({"feed", "at_s", "guid", "title", "summary", "link", "lang"})


@dataclass(frozen=True)
class SampleFeed:
    """A bundled feed as served by a running :class:`ReplayServer`."""

    name: str
    url: str  # e.g. http://127.0.0.1:PORT/feeds/wire-en.rss


@dataclass(frozen=True)
class FeedSpec:
    """How one bundled feed template is served."""

    name: str
    file: str
    kind: Literal["rss", "atom"]
    encoding: str  # the encoding of the served bytes (the template itself is always UTF-8)
    lang: str

    @property
    def content_type(self) -> str:
        media = "application/rss+xml" if self.kind == "rss" else "application/atom+xml"
        return f"{media}; charset={self.encoding}"


FEED_SPECS: Final[tuple[FeedSpec, ...]] = (
    FeedSpec(name="wire-en", file="wire-en.rss", kind="rss", encoding="utf-8", lang="en"),
    FeedSpec(name="monitor-en", file="monitor-en.atom", kind="atom", encoding="utf-8", lang="en"),
    FeedSpec(
        name="observatory-ar", file="observatory-ar.rss", kind="rss", encoding="windows-1256", lang="ar"
    ),
)
_SPECS_BY_FILE: Final = {spec.file: spec for spec in FEED_SPECS}


@dataclass(frozen=True)
class TimelineItem:
    """One item of the sample story: it appears in ``feed`` once ``at_s`` story-seconds have passed."""

    feed: str
    at_s: int
    guid: str
    title: str
    summary: str
    link: str
    lang: str


def _item_from_json(index: int, raw: Any) -> TimelineItem:
    if not isinstance(raw, dict) or set(raw) != _ITEM_KEYS:
        raise ValueError(f"timeline item {index}: expected an object with keys {sorted(_ITEM_KEYS)}")
    at_s = raw["at_s"]
    if not isinstance(at_s, int) or isinstance(at_s, bool) or at_s < 0:
        raise ValueError(f"timeline item {index}: at_s must be a non-negative integer")
    strings = {k: raw[k] for k in _ITEM_KEYS - {"at_s"}}
    for key, value in strings.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"timeline item {index}: {key} must be a non-empty string")
    return TimelineItem(
        feed=raw["feed"],
        at_s=at_s,
        guid=raw["guid"],
        title=raw["title"],
        summary=raw["summary"],
        link=raw["link"],
        lang=raw["lang"],
    )


def load_timeline() -> list[TimelineItem]:
    """Load and validate the bundled ``timeline.json`` (from the package, via importlib.resources)."""
    text = resources.files(_PACKAGE).joinpath(_TIMELINE_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    if not isinstance(raw, list):
        raise ValueError("timeline.json must be a JSON list")
    items = [_item_from_json(i, entry) for i, entry in enumerate(raw)]
    names = {spec.name for spec in FEED_SPECS}
    guids: set[str] = set()
    for item in items:
        if item.feed not in names:
            raise ValueError(f"timeline item {item.guid}: unknown feed {item.feed!r}")
        if item.guid in guids:
            raise ValueError(f"timeline item {item.guid}: duplicate guid")
        guids.add(item.guid)
    return items


def load_template(spec: FeedSpec) -> str:
    """Return the UTF-8 template text of a bundled feed."""
    return resources.files(_PACKAGE).joinpath(_TEMPLATE_DIR).joinpath(spec.file).read_text(encoding="utf-8")


def _rfc822(ts: float) -> str:
    return format_datetime(_utc(ts), usegmt=True)


def _rfc3339(ts: float) -> str:
    return _utc(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=UTC)


def _render_rss_item(item: TimelineItem, published: float) -> str:
    return (
        "    <item>\n"
        f"      <title>{escape(item.title)}</title>\n"
        f"      <link>{escape(item.link)}</link>\n"
        f"      <description>{escape(item.summary)}</description>\n"
        f'      <guid isPermaLink="false">{escape(item.guid)}</guid>\n'
        f"      <pubDate>{_rfc822(published)}</pubDate>\n"
        "    </item>"
    )


def _render_atom_entry(item: TimelineItem, published: float) -> str:
    stamp = _rfc3339(published)
    return (
        f"  <entry xml:lang={quoteattr(item.lang)}>\n"
        f"    <id>{escape(item.guid)}</id>\n"
        f'    <title type="text">{escape(item.title)}</title>\n'
        f'    <link rel="alternate" type="text/html" href={quoteattr(item.link)}/>\n'
        f"    <published>{stamp}</published>\n"
        f"    <updated>{stamp}</updated>\n"
        f'    <summary type="text">{escape(item.summary)}</summary>\n'
        "  </entry>"
    )


@dataclass(frozen=True)
class _Rendered:
    body: bytes
    etag: str
    last_modified: int  # whole seconds since the epoch


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of an ``If-None-Match`` header against our (strong) ETag (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == opaque for part in header.split(","))


class ReplayServer:
    """Serves the bundled sample feeds on a local port, revealing the timeline as time passes.

    ``speed`` compresses the story: with ``speed=10`` an item with ``at_s=20`` appears 2 seconds after
    :meth:`start`. ``clock`` (monotonic seconds) decides what is visible and can be injected by tests;
    ``wall_clock`` (epoch seconds) only dates the items.

    Item dates are ``anchor + at_s`` whole seconds, where the anchor is chosen so that no item is ever dated
    in the future (at ``speed=1`` an item is dated when it appears). Dates, and so ``Last-Modified``, of
    successive reveals in one feed therefore differ by at least one second even when replaying fast.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not (math.isfinite(speed) and speed > 0):
            raise ValueError("speed must be a positive number")
        self._host = host
        self._requested_port = port
        self._speed = speed
        self._clock = clock
        self._wall_clock = wall_clock
        self._timeline = load_timeline()
        self._templates = {spec.name: load_template(spec) for spec in FEED_SPECS}
        self._items_by_feed: dict[str, list[TimelineItem]] = {spec.name: [] for spec in FEED_SPECS}
        for item in self._timeline:
            self._items_by_feed[item.feed].append(item)
        self._span_s = max((item.at_s for item in self._timeline), default=0)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._t0 = 0.0
        self._anchor = 0
        self._cache: dict[tuple[str, int], _Rendered] = {}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the HTTP server (port 0 picks a free port) and start the story clock."""
        if self._runner is not None:
            raise RuntimeError("ReplayServer already started")
        app = web.Application()
        app.router.add_get("/", self._handle_index)
        app.router.add_get("/feeds/{file}", self._handle_feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._cache.clear()
        self._t0 = self._clock()
        # Date items so that none is ever in the future: at speed s the story's last item appears span/s
        # seconds after start, so the anchor sits span * (1 - 1/s) seconds before now (never after it).
        lead = self._span_s * max(0.0, 1.0 - 1.0 / self._speed)
        self._anchor = math.floor(self._wall_clock() - lead)

    async def stop(self) -> None:
        """Stop serving; safe to call more than once."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> ReplayServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ public state

    @property
    def port(self) -> int:
        """The bound TCP port (only known once started)."""
        if self._port is None:
            raise RuntimeError("ReplayServer not started")
        return self._port

    @property
    def base_url(self) -> str:
        host = self._host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def feeds(self) -> list[SampleFeed]:
        """The URLs of the bundled feeds on this server."""
        return [SampleFeed(name=spec.name, url=self._url(spec)) for spec in FEED_SPECS]

    def elapsed_story_s(self) -> float:
        """Story seconds since :meth:`start` (wall seconds multiplied by ``speed``)."""
        return max(0.0, (self._clock() - self._t0) * self._speed)

    def visible_items(self, feed: str) -> list[TimelineItem]:
        """The items of ``feed`` that have appeared so far, newest first."""
        now = self.elapsed_story_s()
        items = [item for item in self._items_by_feed[feed] if item.at_s <= now]
        return items[::-1]

    def published_at(self, item: TimelineItem) -> int:
        """The (epoch seconds) date given to ``item`` in the feeds."""
        return self._anchor + item.at_s

    # ------------------------------------------------------------------ rendering

    def _url(self, spec: FeedSpec) -> str:
        return f"{self.base_url}/feeds/{spec.file}"

    def _render(self, spec: FeedSpec) -> _Rendered:
        visible = self.visible_items(spec.name)
        key = (spec.name, len(visible))  # items only ever get added, so the count identifies the state
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        last_modified = max((self.published_at(i) for i in visible), default=self._anchor)
        if spec.kind == "rss":
            entries = [_render_rss_item(i, self.published_at(i)) for i in visible]
            updated = _rfc822(last_modified)
        else:
            entries = [_render_atom_entry(i, self.published_at(i)) for i in visible]
            updated = _rfc3339(last_modified)
        text = (
            self._templates[spec.name]
            .replace("{{encoding}}", spec.encoding)
            .replace("{{self_url}}", escape(self._url(spec), {'"': "&quot;"}))
            .replace("{{updated}}", updated)
            .replace("{{items}}", "\n".join(entries))
        )
        body = text.encode(spec.encoding, errors="xmlcharrefreplace")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        rendered = _Rendered(body=body, etag=etag, last_modified=last_modified)
        self._cache[key] = rendered
        return rendered

    # ------------------------------------------------------------------ handlers

    async def _handle_feed(self, request: web.Request) -> web.StreamResponse:
        spec = _SPECS_BY_FILE.get(request.match_info["file"])
        if spec is None:
            raise web.HTTPNotFound(text="no such sample feed\n")
        rendered = self._render(spec)
        headers = {
            "ETag": rendered.etag,
            "Last-Modified": _rfc822(rendered.last_modified),
        }
        if_none_match = request.headers.get("If-None-Match")
        if_modified_since = request.if_modified_since
        if if_none_match is not None:
            not_modified = _etag_matches(if_none_match, rendered.etag)
        elif if_modified_since is not None:
            not_modified = rendered.last_modified <= if_modified_since.timestamp()
        else:
            not_modified = False
        if not_modified:
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = spec.content_type
        return web.Response(body=rendered.body, headers=headers)

    async def _handle_index(self, request: web.Request) -> web.StreamResponse:
        del request
        lines = ["frontwatch sample feeds", *(f"{feed.name}\t{feed.url}" for feed in self.feeds())]
        return web.Response(text="\n".join(lines) + "\n")

    # ------------------------------------------------------------------ standalone helpers

    def timeline(self) -> list[TimelineItem]:
        """The whole story, in order of appearance."""
        return list(self._timeline)

    @property
    def speed(self) -> float:
        return self._speed


async def _announce_reveals(server: ReplayServer, out: Callable[[str], None]) -> None:
    """Print each item as it becomes visible (standalone mode only)."""
    for item in server.timeline():
        delay = (item.at_s - server.elapsed_story_s()) / server.speed
        if delay > 0:
            await asyncio.sleep(delay)
        out(f"t={item.at_s:>3}s  {item.feed:<15} {item.title}")
    out("story complete; feeds stay up until interrupted")


async def _serve(args: argparse.Namespace, out: Callable[[str], None]) -> None:
    server = ReplayServer(host=args.host, port=args.port, speed=args.speed)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    announcer: asyncio.Task[None] | None = None
    try:
        out(f"frontwatch sample replay on {server.base_url} (speed x{server.speed:g})")
        for feed in server.feeds():
            out(f"  {feed.name:<15} {feed.url}")
        if not args.quiet:
            announcer = asyncio.create_task(_announce_reveals(server, out))
        await stop.wait()
    finally:
        if announcer is not None:
            announcer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await announcer
        await server.stop()


def _print(line: str) -> None:
    print(line, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m services.sample.replay``."""
    parser = argparse.ArgumentParser(
        prog="python -m services.sample.replay",
        description="Serve frontwatch's bundled sample feeds, replaying the sample story.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to bind, 0 for any (default 8765)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="replay speed factor, e.g. 10 for 10x (default 1)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print items as they appear")
    args = parser.parse_args(argv)
    if not (math.isfinite(args.speed) and args.speed > 0):
        parser.error("--speed must be a positive number")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args, _print))
    return 0


if __name__ == "__main__":
    sys.exit(main())
