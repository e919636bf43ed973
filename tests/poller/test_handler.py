"""The poller loop on a real SQLite store and real local feeds: baselines, re-baselines, leases, batched writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiohttp import web
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from services.poller import schedule
from services.poller._batch import GroupCommit, GroupSeen
from services.poller._parsepool import ParsePool
from services.poller.fetch import make_session
from services.poller.handler import Poller, PollerOptions
from services.poller.parse import FeedParseError, parse_feed
from shared.messages import Article
from shared.store import Store

T0 = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)
Serve = Callable[..., Awaitable[str]]


class FakeBus:
    """Collects what the poller publishes."""

    def __init__(self) -> None:
        self.published: list[tuple[Article, str]] = []

    async def publish(self, item: Article, name: str, *, msg_id: str) -> None:
        self.published.append((item, msg_id))

    def titles(self) -> list[str]:
        titles = [a.title for a, _ in self.published]
        self.published.clear()
        return titles


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Feed:
    """A feed whose items and availability the test changes."""

    def __init__(self) -> None:
        self.items = ["a", "b"]
        self.down = False

    async def handle(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="down")
        body = "".join(f"<item><guid>{i}</guid><title>{i}</title></item>" for i in reversed(self.items))
        return web.Response(
            body=f'<rss version="2.0"><channel><title>T</title>{body}</channel></rss>',
            content_type="application/rss+xml",
        )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh SQLite store."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'fw.db'}")
    await store.start()
    yield store
    await store.close()


@pytest.fixture
async def poller(store: Store) -> AsyncIterator[tuple[Poller, FakeBus, Clock]]:
    """A Poller on the store with a fake bus, a hand-driven clock and an open HTTP session."""
    bus, clock = FakeBus(), Clock()
    poller = Poller(store, bus, PollerOptions(allow_private_urls=True), now=clock)  # type: ignore[arg-type]
    poller._session = make_session(allow_private=True)
    yield poller, bus, clock
    await poller._session.close()


async def _check(poller: Poller, url: str) -> int:
    feed = next(f for f in await poller.store.list_feeds() if f["url"] == url)
    return await poller.check_feed(feed)


async def test_baseline_then_new_items_once_oldest_first(
    poller: tuple[Poller, FakeBus, Clock], serve: Serve
) -> None:
    """The first check publishes nothing; later checks publish each new item once, oldest first."""
    p, bus, clock = poller
    feed = Feed()
    url = await serve({"/f": feed.handle}) + "/f"
    await p.store.add_feed(url, now=T0)
    assert await _check(p, url) == 0 and bus.titles() == []
    feed.items += ["c", "d"]
    clock.now += timedelta(minutes=5)
    assert await _check(p, url) == 2 and bus.titles() == ["c", "d"]
    clock.now += timedelta(minutes=5)
    assert await _check(p, url) == 0 and bus.titles() == []


async def test_feed_moved_for_good_follows_its_new_url_unless_that_feed_is_already_stored(
    poller: tuple[Poller, FakeBus, Clock], serve: Serve
) -> None:
    """A 301 moves the stored URL; a 301 to a URL another entry already has keeps the old URL,
    warns, and still records the check, so no item is published twice."""
    p, bus, clock = poller
    feed = Feed()

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(location="/f")

    base = await serve({"/f": feed.handle, "/old": moved, "/older": moved})
    await p.store.add_feed(base + "/old", now=T0)
    await _check(p, base + "/old")
    assert [f["url"] for f in await p.store.list_feeds()] == [base + "/f"]
    await p.store.add_feed(base + "/older", now=T0)
    feed.items.append("c")
    clock.now += timedelta(minutes=5)
    with structlog.testing.capture_logs() as logs:
        assert await _check(p, base + "/older") == 0  # its baseline
        feed.items.append("d")
        clock.now += timedelta(minutes=5)
        assert await _check(p, base + "/older") == 1 and bus.titles() == ["d"]
        clock.now += timedelta(minutes=5)
        assert await _check(p, base + "/older") == 0 and bus.titles() == []
    assert sorted(f["url"] for f in await p.store.list_feeds()) == [base + "/f", base + "/older"]
    assert [e["event"] for e in logs].count("feed_moved_to_known_url") == 3


async def test_feed_back_from_a_long_outage_is_rebaselined_not_flooded(
    poller: tuple[Poller, FakeBus, Clock], serve: Serve
) -> None:
    """After two days of failures the first success records the backlog as seen, publishes none of it and logs
    `feed_rebaseline`; items after that publish normally."""
    p, bus, clock = poller
    feed = Feed()
    url = await serve({"/f": feed.handle}) + "/f"
    await p.store.add_feed(url, now=T0)
    await _check(p, url)
    feed.down = True
    for hours in (1, 20, 47):
        clock.now = T0 + timedelta(hours=hours)
        await _check(p, url)
    feed.down, feed.items = False, [*feed.items, *(f"backlog{i}" for i in range(30))]
    clock.now = T0 + timedelta(hours=49)
    with structlog.testing.capture_logs() as logs:
        assert await _check(p, url) == 0
    assert bus.titles() == []
    rebase = [e for e in logs if e["event"] == "feed_rebaseline"]
    assert len(rebase) == 1 and rebase[0]["items"] == 30 and rebase[0]["feed_url"] == url
    row = (await p.store.list_feeds())[0]
    assert row["last_success_at"] == clock.now and row["error_count"] == 0 and row["status"] == "active"
    feed.items.append("fresh")
    clock.now += timedelta(minutes=5)
    assert await _check(p, url) == 1 and bus.titles() == ["fresh"]


async def test_a_shorter_gap_than_the_threshold_publishes_normally(
    poller: tuple[Poller, FakeBus, Clock], serve: Serve
) -> None:
    """A feed whose last success is just under the re-baseline threshold publishes its new items."""
    p, bus, clock = poller
    feed = Feed()
    url = await serve({"/f": feed.handle}) + "/f"
    await p.store.add_feed(url, now=T0)
    await _check(p, url)
    feed.items.append("late")
    clock.now = T0 + timedelta(seconds=schedule.REBASELINE_AFTER_S - 60)
    assert await _check(p, url) == 1 and bus.titles() == ["late"]


def test_should_rebaseline_threshold() -> None:
    """Only a last success older than the threshold (a day) asks for a new baseline; never-succeeded feeds do not."""
    assert schedule.REBASELINE_AFTER_S == schedule.DAY_S
    assert not schedule.should_rebaseline(None, now=T0)
    assert not schedule.should_rebaseline(T0 - timedelta(hours=23), now=T0)
    assert schedule.should_rebaseline(T0 - timedelta(hours=25), now=T0)


async def test_leases_last_the_configured_time(store: Store, serve: Serve) -> None:
    """A feed being checked is leased for `PollerOptions.lease_s` seconds, and released after."""
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=b'<rss version="2.0"><channel><title>T</title></channel></rss>')

    url = await serve({"/slow": slow}) + "/slow"
    await store.add_feed(url, now=T0)
    poller = Poller(
        store,
        FakeBus(),
        PollerOptions(allow_private_urls=True, lease_s=42.0),  # type: ignore[arg-type]
        now=lambda: T0,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    for _ in range(100):
        row = (await store.list_feeds())[0]
        if row["lease_until"] is not None:
            break
        await asyncio.sleep(0.02)
    assert row["lease_until"] == T0 + timedelta(seconds=42) and row["lease_owner"] == poller.owner
    release.set()
    stop.set()
    await asyncio.wait_for(task, 10)
    row = (await store.list_feeds())[0]
    assert row["lease_until"] is None and row["baseline_done"]


async def test_group_commit_writes_concurrent_checks_in_one_transaction(store: Store) -> None:
    """A hundred concurrent outcomes with seen items are committed together, aware datetimes intact."""
    ids = [await store.add_feed(f"https://f{i}.example/rss", now=T0) for i in range(100)]
    commits: list[int] = []
    event.listen(store.engine.sync_engine, "commit", lambda conn: commits.append(1))
    writes = GroupCommit(store)
    later = T0 + timedelta(minutes=3)

    def outcome(i: int) -> dict[str, Any]:
        # Two shapes of update, as a success and a failure produce.
        return (
            {"next_check_at": later, "error_count": 0}
            if i % 2
            else {"next_check_at": later, "last_error": "x"}
        )

    await asyncio.gather(
        *(
            writes.write(
                fid, outcome(i), [{"feed_id": fid, "item_id": "g", "article_id": f"a{fid}", "first_seen": T0}]
            )
            for i, fid in enumerate(ids)
        )
    )
    assert len(commits) == 1
    rows = await store.list_feeds()
    assert {r["next_check_at"] for r in rows} == {later}
    assert sum(r["last_error"] == "x" for r in rows) == 50
    assert [await store.unseen_items(fid, ["g", "h"]) for fid in ids] == [{"h"}] * 100


async def test_one_bad_outcome_does_not_fail_the_batch(store: Store) -> None:
    """A moved feed whose new URL is taken fails alone; the other outcomes in its batch are written."""
    a = await store.add_feed("https://a.example/rss", now=T0)
    b = await store.add_feed("https://b.example/rss", now=T0)
    writes = GroupCommit(store)
    results = await asyncio.gather(
        writes.write(a, {"url": "https://b.example/rss"}),
        writes.write(b, {"error_count": 7}),
        return_exceptions=True,
    )
    assert isinstance(results[0], IntegrityError) and results[1] is None
    assert [r["error_count"] for r in await store.list_feeds()] == [0, 7]


async def test_group_seen_answers_each_feed_from_one_query(store: Store) -> None:
    """Concurrent lookups for several feeds get each feed's own unseen ids, even when ids repeat across feeds."""
    a = await store.add_feed("https://a.example/rss", now=T0)
    b = await store.add_feed("https://b.example/rss", now=T0)
    await store.mark_seen(a, [("x", "ax"), ("y", "ay")], now=T0)
    await store.mark_seen(b, [("z", "bz")], now=T0)
    lookups = GroupSeen(store)
    got = await asyncio.gather(
        lookups.unseen(a, ["x", "y", "z"]), lookups.unseen(b, ["x", "y", "z"]), lookups.unseen(a, [])
    )
    assert got == [{"z"}, {"x", "y"}, set()]


@pytest.mark.parametrize("workers", [0, 1])
async def test_parse_pool_matches_in_process_parsing(
    workers: int, fixture_bytes: Callable[[str], bytes]
) -> None:
    """Parsing in a worker process gives the same feed as in-process, and the same FeedParseError kind."""
    pool = ParsePool(workers)
    pool.start()
    try:
        body = fixture_bytes("rss20_ar_windows1256.xml")
        got = await pool.parse(body, url="https://x.example/rss", content_type="text/xml", encoding=None)
        assert got == parse_feed(body, url="https://x.example/rss", content_type="text/xml")
        with pytest.raises(FeedParseError) as err:
            await pool.parse(
                b"<html><body>no</body></html>", url="https://x.example/", content_type=None, encoding=None
            )
        assert err.value.kind == "not_a_feed"
    finally:
        pool.close()
