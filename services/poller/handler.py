"""The poller's loop: the only module that joins fetching, parsing, the store and the bus.

A feed is leased from the store before it is checked, so replicas never check one feed at once.
New items are published before they are recorded as seen: a crash in between re-publishes them
with the same message id, which the broker (JetStream) or the classifier drops. A check's seen
items and outcome are committed together, batched with concurrent checks (see `_batch`).
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
from aiohttp.abc import AbstractResolver

from services.ids import article_id
from services.poller import schedule
from services.poller._batch import GroupCommit, GroupSeen
from services.poller._parsepool import ParsePool
from services.poller.fetch import FetchError, FetchLimits, FetchResult, fetch_feed, make_session
from services.poller.parse import Entry, FeedParseError, ParsedFeed
from shared import metrics, subjects
from shared.broker import Bus
from shared.logging import get_logger
from shared.messages import Article
from shared.store import Store

__all__ = ["Poller", "PollerOptions"]

log = get_logger("poller")
# A lease must outlast a check (30 s fetch timeout, parse, publish) plus the wait for a slot;
# it is also how long a dead replica's feeds stay untouched before another takes them.
LEASE_S = 120.0


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PollerOptions:
    allow_private_urls: bool = False
    allowed_networks: tuple[str, ...] = ()
    base_interval_s: float = 300.0
    min_interval_s: float = 120.0
    concurrency: int = 100
    per_host: int = 4
    batch: int = 200
    lease_s: float = LEASE_S
    parse_workers: int = 0  # processes parsing bodies; 0 parses in the event loop's process
    limits: FetchLimits = field(default_factory=FetchLimits)


class Poller:
    """Checks due feeds forever, publishing each new item exactly once."""

    def __init__(
        self,
        store: Store,
        bus: Bus,
        options: PollerOptions,
        *,
        now: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.options = options
        self.now = now
        self.rng = rng or random.Random()
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(options.concurrency)
        self._writes = GroupCommit(store)
        self._seen = GroupSeen(store)
        self._parser = ParsePool(options.parse_workers)

    async def run(self, stop: asyncio.Event) -> None:
        """Check feeds as they fall due until `stop` is set; in-flight checks finish first."""
        self._session = make_session(
            allow_private=self.options.allow_private_urls,
            allowed_networks=self.options.allowed_networks,
            limit=self.options.concurrency,
            limit_per_host=self.options.per_host,
            resolver=self._resolver,
        )
        tasks: set[asyncio.Task[None]] = set()
        self._parser.start()
        try:
            while not stop.is_set():
                due = await self.store.lease_due_feeds(
                    self.owner, now=self.now(), limit=self.options.batch, lease_s=self.options.lease_s
                )
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
            for task in tasks:  # only left running when this loop is cancelled
                task.cancel()
            self._parser.close()
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
            try:
                await self._record_failure(feed, "internal", str(exc), None)
            except Exception:  # the store is down: the lease expires and the feed is retried
                log.exception("feed_outcome_lost", feed_url=feed["url"])
        finally:
            self._slots.release()

    async def check_feed(self, feed: dict[str, Any]) -> int:
        """Fetch, parse and publish one feed; return how many articles were published."""
        assert self._session is not None
        started = self.now()
        try:
            with metrics.FETCH_LATENCY.time():
                result = await fetch_feed(
                    self._session,
                    feed["url"],
                    etag=feed["etag"],
                    last_modified=feed["last_modified"],
                    limits=self.options.limits,
                    allow_private=self.options.allow_private_urls,
                    allowed_networks=self.options.allowed_networks,
                )
        except FetchError as exc:
            await self._record_failure(feed, exc.kind, str(exc), exc.retry_after_s)
            return 0
        if result.status == 304:
            metrics.FEED_CHECKS.labels(outcome="not_modified").inc()
            await self._record_success(feed, started, new_items=0, ttl_s=None, result=result, extra={})
            return 0
        # A feed back from a long outage may list a day of items: renew the baseline instead.
        rebaseline = feed["baseline_done"] and schedule.should_rebaseline(
            feed["last_success_at"], now=started
        )
        try:
            parsed = await self._parser.parse(
                result.body, url=result.url, content_type=result.content_type, encoding=feed["encoding"]
            )
        except FeedParseError as exc:
            await self._record_failure(feed, exc.kind, str(exc), None)
            return 0
        published, seen = await self._publish_new(
            feed, parsed, baseline=rebaseline or not feed["baseline_done"]
        )
        extra: dict[str, Any] = {
            "etag": result.etag,
            "last_modified": result.last_modified,
            "baseline_done": True,
        }
        if not feed["name"] and parsed.title:
            extra["name"] = parsed.title[:200]
        if result.permanent_url and result.permanent_url != feed["url"]:
            if await self.store.feed_url_taken(result.permanent_url):
                # Two entries now name one feed; moving would break the unique URL, so keep
                # following the redirect and let the operator remove one.
                log.warning("feed_moved_to_known_url", feed_url=feed["url"], new_url=result.permanent_url)
            else:
                log.info("feed_moved", feed_url=feed["url"], new_url=result.permanent_url)
                extra["url"] = result.permanent_url
        metrics.FEED_CHECKS.labels(outcome="ok").inc()
        if rebaseline or not feed["baseline_done"]:
            # No check history to learn the rate from (or only an outage): use the items' dates.
            extra["items_per_day"] = schedule.rate_from_dates(
                [e.published for e in parsed.entries if e.published], now=started
            ) or (feed["items_per_day"] if rebaseline else None)
        await self._record_success(
            feed, started, new_items=published, ttl_s=parsed.ttl_s, result=result, extra=extra, seen=seen
        )
        return published

    async def _publish_new(
        self, feed: dict[str, Any], parsed: ParsedFeed, *, baseline: bool
    ) -> tuple[int, list[dict[str, Any]]]:
        """Publish the unseen entries (none on a baseline); return the count and the seen rows."""
        ids = [e.item_id for e in parsed.entries]
        unseen = await self._seen.unseen(feed["id"], ids)
        # Feeds list newest first; publish oldest first so updates follow first reports.
        new = [e for e in reversed(parsed.entries) if e.item_id in unseen]
        now = self.now()
        aids = [article_id(feed["url"], e.item_id) for e in new]
        if not baseline:
            for entry, aid in zip(new, aids, strict=True):
                await self.bus.publish(
                    self._article(feed, parsed, entry, aid, now), subjects.ARTICLES, msg_id=aid
                )
                metrics.ARTICLES_PUBLISHED.inc()
            if new:
                log.info("articles_published", feed_url=feed["url"], count=len(new))
        elif feed["baseline_done"]:
            log.info(
                "feed_rebaseline",
                feed_url=feed["url"],
                items=len(new),
                last_success=feed["last_success_at"].isoformat(),
            )
        elif new:
            log.info("feed_baseline", feed_url=feed["url"], items=len(new))
        seen = [
            {"feed_id": feed["id"], "item_id": e.item_id, "article_id": aid, "first_seen": now}
            for e, aid in zip(new, aids, strict=True)
        ]
        return (0 if baseline else len(new)), seen

    @staticmethod
    def _article(feed: dict[str, Any], parsed: ParsedFeed, entry: Entry, aid: str, now: datetime) -> Article:
        return Article(
            article_id=aid,
            feed_url=feed["url"],
            feed_title=parsed.title,
            title=entry.title,
            link=entry.link,
            text=entry.text,
            lang=entry.lang,
            published=entry.published,
            first_seen=now,
        )

    async def _record_success(
        self,
        feed: dict[str, Any],
        started: datetime,
        *,
        new_items: int,
        ttl_s: float | None,
        result: FetchResult,
        extra: dict[str, Any],
        seen: list[dict[str, Any]] | None = None,
    ) -> None:
        rate = extra.pop("items_per_day", None) or schedule.update_rate(
            feed["items_per_day"], new_items, since=feed["last_success_at"], now=started
        )
        delay = schedule.next_check_after_success(
            items_per_day=rate,
            base_s=self.options.base_interval_s,
            min_s=self.options.min_interval_s,
            ttl_s=ttl_s,
            max_age_s=result.max_age_s,
            retry_after_s=result.retry_after_s,
            rng=self.rng,
        )
        await self._writes.write(
            feed["id"],
            dict(
                last_checked_at=started,
                last_success_at=started,
                failing_since=None,
                error_count=0,
                last_error=None,
                items_per_day=rate,
                next_check_at=started + timedelta(seconds=delay),
                **extra,
            ),
            seen or (),
        )

    async def _record_failure(
        self, feed: dict[str, Any], kind: str, message: str, retry_after_s: float | None
    ) -> None:
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
            errors, base_s=self.options.base_interval_s, retry_after_s=retry_after_s, rng=self.rng
        )
        log.warning(
            "feed_check_failed",
            feed_url=feed["url"],
            kind=kind,
            error=message,
            errors=errors,
            retry_in_s=round(delay),
            status=status,
        )
        await self._writes.write(
            feed["id"],
            dict(
                last_checked_at=now,
                failing_since=failing_since,
                error_count=errors,
                last_error=f"{kind}: {message}"[:1000],
                status=status,
                next_check_at=now + timedelta(seconds=delay),
            ),
        )
