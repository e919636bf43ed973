"""The poller's loop: the only module that joins fetching, parsing, the store and the bus.

A feed is leased from the store before it is checked, so replicas never check one feed at once.
New items are published before they are recorded as seen: a crash in between re-publishes them
with the same message id, which the broker (JetStream) or the classifier drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from services.ids import article_id
from services.poller import schedule
from services.poller.fetch import FetchError, FetchLimits, FetchResult, fetch_feed, make_session
from services.poller.parse import Entry, FeedParseError, ParsedFeed, parse_feed
from shared import metrics, subjects
from shared.broker import Bus
from shared.logging import get_logger
from shared.messages import Article
from shared.store import Store

__all__ = ["Poller", "PollerOptions"]

log = get_logger("poller")
LEASE_S = 120.0
PARSE_IN_THREAD_BYTES = 64 * 1024


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PollerOptions:
    allow_private_urls: bool = False
    base_interval_s: float = 300.0
    min_interval_s: float = 120.0
    concurrency: int = 100
    per_host: int = 4
    batch: int = 200
    limits: FetchLimits = field(default_factory=FetchLimits)


class Poller:
    """Checks due feeds forever, publishing each new item exactly once."""

    def __init__(self, store: Store, bus: Bus, options: PollerOptions, *,
                 now: Callable[[], datetime] = utcnow, rng: random.Random | None = None) -> None:
        self.store = store
        self.bus = bus
        self.options = options
        self.now = now
        self.rng = rng or random.Random()
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(options.concurrency)

    async def run(self, stop: asyncio.Event) -> None:
        """Check feeds as they fall due until `stop` is set; in-flight checks finish first."""
        self._session = make_session(allow_private=self.options.allow_private_urls,
                                     limit=self.options.concurrency,
                                     limit_per_host=self.options.per_host)
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                due = await self.store.lease_due_feeds(
                    self.owner, now=self.now(), limit=self.options.batch, lease_s=LEASE_S)
                metrics.FEEDS_DUE.set(len(due))
                for feed in due:
                    await self._slots.acquire()
                    task = asyncio.create_task(self._check_guarded(feed))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if len(due) < self.options.batch:
                    await self._sleep_until_due(stop)
            if tasks:
                await asyncio.wait(tasks)
        finally:
            await self._session.close()

    async def _sleep_until_due(self, stop: asyncio.Event) -> None:
        nxt = await self.store.next_feed_due()
        wait = 1.0 if nxt is None else (nxt - self.now()).total_seconds()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(max(wait, 0.2), 1.0))

    async def _check_guarded(self, feed: dict[str, Any]) -> None:
        try:
            await self.check_feed(feed)
        except Exception as exc:  # a bug on one feed must not stop the others
            log.exception("feed_check_crashed", feed_url=feed["url"])
            await self._record_failure(feed, "internal", str(exc), None)
        finally:
            self._slots.release()

    async def check_feed(self, feed: dict[str, Any]) -> int:
        """Fetch, parse and publish one feed; return how many articles were published."""
        assert self._session is not None
        started = self.now()
        try:
            with metrics.FETCH_LATENCY.time():
                result = await fetch_feed(
                    self._session, feed["url"], etag=feed["etag"], last_modified=feed["last_modified"],
                    limits=self.options.limits, allow_private=self.options.allow_private_urls)
        except FetchError as exc:
            await self._record_failure(feed, exc.kind, str(exc), exc.retry_after_s)
            return 0
        if result.status == 304:
            metrics.FEED_CHECKS.labels(outcome="not_modified").inc()
            await self._record_success(feed, started, new_items=0, ttl_s=None, result=result, extra={})
            return 0
        try:
            # Big documents parse in a thread (~70 ms for 500 KB) so other checks keep going.
            parsed = await self._parse(result, feed["encoding"])
        except FeedParseError as exc:
            await self._record_failure(feed, exc.kind, str(exc), None)
            return 0
        published = await self._publish_new(feed, parsed)
        extra: dict[str, Any] = {"etag": result.etag, "last_modified": result.last_modified,
                                 "baseline_done": True}
        if not feed["name"] and parsed.title:
            extra["name"] = parsed.title[:200]
        if result.permanent_url and result.permanent_url != feed["url"]:
            log.info("feed_moved", feed_url=feed["url"], new_url=result.permanent_url)
            extra["url"] = result.permanent_url
        metrics.FEED_CHECKS.labels(outcome="ok").inc()
        if not feed["baseline_done"]:
            extra["items_per_day"] = schedule.rate_from_dates(
                [e.published for e in parsed.entries if e.published], now=started)
        await self._record_success(feed, started, new_items=published, ttl_s=parsed.ttl_s,
                                   result=result, extra=extra)
        return published

    @staticmethod
    async def _parse(result: FetchResult, encoding: str | None) -> ParsedFeed:
        def parse() -> ParsedFeed:
            return parse_feed(result.body, url=result.url, content_type=result.content_type,
                              encoding=encoding)

        return await asyncio.to_thread(parse) if len(result.body) > PARSE_IN_THREAD_BYTES else parse()

    async def _publish_new(self, feed: dict[str, Any], parsed: ParsedFeed) -> int:
        ids = [e.item_id for e in parsed.entries]
        unseen = await self.store.unseen_items(feed["id"], ids)
        # Feeds list newest first; publish oldest first so updates follow first reports.
        new = [e for e in reversed(parsed.entries) if e.item_id in unseen]
        now = self.now()
        pairs = [(e.item_id, article_id(feed["url"], e.item_id)) for e in new]
        if feed["baseline_done"]:
            for entry, (_, aid) in zip(new, pairs, strict=True):
                await self.bus.publish(self._article(feed, parsed, entry, aid, now), subjects.ARTICLES,
                                       msg_id=aid)
                metrics.ARTICLES_PUBLISHED.inc()
        elif new:
            log.info("feed_baseline", feed_url=feed["url"], items=len(new))
        await self.store.mark_seen(feed["id"], pairs, now=now)
        if feed["baseline_done"] and new:
            log.info("articles_published", feed_url=feed["url"], count=len(new))
        return len(new) if feed["baseline_done"] else 0

    @staticmethod
    def _article(feed: dict[str, Any], parsed: ParsedFeed, entry: Entry, aid: str,
                 now: datetime) -> Article:
        return Article(
            article_id=aid, feed_url=feed["url"], feed_title=parsed.title, title=entry.title,
            link=entry.link, text=entry.text, lang=entry.lang, published=entry.published,
            first_seen=now,
        )

    async def _record_success(self, feed: dict[str, Any], started: datetime, *, new_items: int,
                              ttl_s: float | None, result: FetchResult,
                              extra: dict[str, Any]) -> None:
        rate = extra.pop("items_per_day", None) or schedule.update_rate(
            feed["items_per_day"], new_items, since=feed["last_success_at"], now=started)
        delay = schedule.next_check_after_success(
            items_per_day=rate, base_s=self.options.base_interval_s, min_s=self.options.min_interval_s,
            ttl_s=ttl_s, max_age_s=result.max_age_s, retry_after_s=result.retry_after_s, rng=self.rng)
        await self.store.update_feed(
            feed["id"], last_checked_at=started, last_success_at=started, failing_since=None,
            error_count=0, last_error=None, items_per_day=rate,
            next_check_at=started + timedelta(seconds=delay), **extra)

    async def _record_failure(self, feed: dict[str, Any], kind: str, message: str,
                              retry_after_s: float | None) -> None:
        now = self.now()
        metrics.FEED_CHECKS.labels(outcome="error").inc()
        metrics.FETCH_ERRORS.labels(kind=kind).inc()
        errors = feed["error_count"] + 1
        failing_since = feed["failing_since"] or now
        status = "active"
        if kind == "gone":
            status = "disabled"
        elif schedule.is_dead(failing_since, now=now):
            status = "dead"
        delay = schedule.next_check_after_failure(
            errors, base_s=self.options.base_interval_s, retry_after_s=retry_after_s, rng=self.rng)
        log.warning("feed_check_failed", feed_url=feed["url"], kind=kind, error=message,
                    errors=errors, retry_in_s=round(delay), status=status)
        await self.store.update_feed(
            feed["id"], last_checked_at=now, failing_since=failing_since, error_count=errors,
            last_error=f"{kind}: {message}"[:1000], status=status,
            next_check_at=now + timedelta(seconds=delay))
