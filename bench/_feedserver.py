"""A local server with thousands of feeds that answers like the internet, for the poller benchmark.

Run in its own process (``python -m bench._feedserver --feeds 5000``); it prints ``PORT <n>`` once
listening and serves until stdin closes. Feed ``i`` lives at ``/feed/<i>`` and, by a fixed draw:

* 80 % are quiet: unchanged, so a conditional GET gets 304;
* 15 % are active: every request finds 1–3 new items (200, new ETag);
* 2.5 % are slow: 2–6 s before answering; 2.5 % fail: HTTP 500, 503, or an HTML page.

Every response waits a latency drawn between 50 and 300 ms first. Bodies are RSS 2.0 with the
latest 10 items, dated a few seconds apart (a busy feed, so the poller keeps it due).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from email.utils import formatdate

from aiohttp import web

__all__ = ["feed_kind", "main"]

LATENCY_S = (0.05, 0.3)
SLOW_S = (2.0, 6.0)
ITEMS_SHOWN = 10


def feed_kind(i: int) -> str:
    """The fixed behaviour of feed `i`: quiet, active, slow or failing."""
    draw = random.Random(i * 7919).random()
    if draw < 0.80:
        return "quiet"
    if draw < 0.95:
        return "active"
    return "slow" if draw < 0.975 else "failing"


class Feeds:
    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.kinds = [feed_kind(i) for i in range(count)]
        self.versions = [ITEMS_SHOWN] * count  # items published so far
        self.bodies: dict[int, tuple[int, bytes]] = {}
        self.requests = 0

    def body(self, i: int) -> bytes:
        version = self.versions[i]
        cached = self.bodies.get(i)
        if cached and cached[0] == version:
            return cached[1]
        now = time.time()
        items = "".join(
            f"<item><guid isPermaLink=\"false\">feed{i}-{n}</guid><title>Report {n} from feed {i}"
            f"</title><link>https://news{i}.example/a/{n}</link><description>Fighting was reported "
            f"near the town on day {n}; officials gave no figures.</description>"
            f"<pubDate>{formatdate(now - (version - n) * 5, usegmt=True)}</pubDate></item>"
            for n in range(version - 1, version - 1 - ITEMS_SHOWN, -1))
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Feed {i}</title><link>https://news{i}.example/</link>{items}"
                f"</channel></rss>").encode()
        self.bodies[i] = (version, body)
        return body

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        i = int(request.match_info["n"])
        if not 0 <= i < self.count:
            return web.Response(status=404)
        kind = self.kinds[i]
        await asyncio.sleep(self.rng.uniform(*LATENCY_S))
        if kind == "slow":
            await asyncio.sleep(self.rng.uniform(*SLOW_S))
        elif kind == "failing":
            return self._failure(i)
        elif kind == "active":
            self.versions[i] += self.rng.randint(1, 3)
        etag = f'"v{self.versions[i]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.body(i), headers={
            "ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"})

    def _failure(self, i: int) -> web.Response:
        which = self.rng.randrange(3)
        if which == 0:
            return web.Response(status=500, text="Internal Server Error")
        if which == 1:
            return web.Response(status=503, text="busy", headers={"Retry-After": "5"})
        return web.Response(text="<html><body>Moved to our new site</body></html>",
                            content_type="text/html")


async def serve(count: int, port: int, seed: int) -> None:
    feeds = Feeds(count, seed)
    app = web.Application()
    app.router.add_get("/feed/{n}", feeds.handle)
    # Idle keep-alive connections are held as long as a browser would; thousands are normal here.
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=30, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # the parent closes stdin to stop us
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(serve(args.feeds, args.port, args.seed))


if __name__ == "__main__":
    main()
