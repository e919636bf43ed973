"""The notifier service: developments in, alerts committed to the outbox, then delivered.

An alert is committed (idempotency key: subscription, development, revision) before it is sent
and marked sent after, so a crash at any point neither loses nor repeats one: a leased alert whose
sender died becomes due again when the lease expires.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifier.channels.base import Channel, ChannelAuthError, Delivery
from services.notifier.digest import send_digest
from services.notifier.rules import matches
from services.notifier.schedule import digest_due_at, held_until
from shared import metrics, subjects
from shared.broker import Bus
from shared.errors import PermanentError, RetryableError
from shared.logging import get_logger
from shared.messages import Development
from shared.store import Store

__all__ = ["NotifierService"]

log = get_logger("notifier")
LEASE_S = 120.0
MAX_BACKOFF_S = 3600.0
SUBSCRIPTIONS_TTL_S = 5.0
MAX_RETRY_WAIT_S = 600.0
DIGEST_CHECK_S = 15.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def retry_delay_s(attempts: int, retry_after_s: float | None) -> float:
    """Exponential backoff from 2 s to an hour, never sooner than the server asked."""
    return max(retry_after_s or 0.0, min(2.0 ** max(attempts, 1), MAX_BACKOFF_S))


class NotifierService:
    """Match developments to subscriptions, queue alerts durably, deliver them per channel."""

    def __init__(self, store: Store, bus: Bus, channels: Mapping[str, Channel], *,
                 window_s: float = 0.0, update_interval_s: float = 0.0,
                 now: Callable[[], datetime] = utcnow, concurrency: int = 64) -> None:
        self.store = store
        self.bus = bus
        self.channels = dict(channels)
        self.window = timedelta(seconds=window_s)
        self.update_interval = timedelta(seconds=update_interval_s)
        self._digests_checked = 0.0
        self.now = now
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"
        self._subs: list[dict[str, Any]] = []
        self._subs_at = 0.0
        self._wake = asyncio.Event()
        self._concurrency = concurrency
        bus.subscribe(subjects.DEVELOPMENTS, subjects.GROUP_NOTIFIER, Development, self.handle)

    async def _subscriptions(self) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        if loop.time() - self._subs_at > SUBSCRIPTIONS_TTL_S:
            self._subs = await self.store.list_subscriptions(active_only=True)
            self._subs_at = loop.time()
        return self._subs

    def invalidate_subscriptions(self) -> None:
        self._subs_at = 0.0

    async def handle(self, dev: Development) -> None:
        """Queue one alert per subscription that wants `dev`; ack only once they are committed."""
        now = self.now()
        # A new development waits the corroboration window for other sources; updates go at once
        # unless their development is itself still inside the window.
        not_before = max(now, dev.first_seen + self.window) if self.window else now
        wanted = [sub for sub in await self._subscriptions() if matches(sub["filters"], dev)]
        last_sent = await self.store.last_sent_times(dev.development_id) if dev.revision > 1 else {}
        payload = dev.model_dump(mode="json")
        queued = await self.store.enqueue_alerts([{
            "idem_key": f"{sub['id']}:{dev.development_id}:{dev.revision}",
            "subscription_id": sub["id"], "development_id": dev.development_id,
            "revision": dev.revision, "payload": payload, "created_at": now,
            "status": "pending" if sub["mode"] == "immediate" else "digest",
            # Updates to one subscriber are spaced out; a newer revision supersedes a queued one.
            "not_before": max(not_before, last_sent[sub["id"]] + self.update_interval)
            if sub["id"] in last_sent else not_before,
        } for sub in wanted])
        if dev.revision > 1:
            await self.store.supersede_pending(dev.development_id, dev.revision)
        if queued:
            for sub in wanted:
                metrics.ALERTS_QUEUED.labels(channel=sub["channel"]).inc()
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver due alerts until `stop` is set; sends in progress finish first."""
        while not stop.is_set():
            self._wake.clear()
            await self._maybe_send_digests()
            alerts = await self.store.lease_due_alerts(
                self.owner, now=self.now(), limit=500, lease_s=LEASE_S)
            if alerts:
                await self._deliver_all(alerts)
                continue
            metrics.OUTBOX_DEPTH.set((await self.store.outbox_counts()).get("pending", 0))
            nxt = await self.store.next_alert_due()
            wait = 1.0 if nxt is None else (nxt - self.now()).total_seconds()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waiters, timeout=min(max(wait, 0.05), 1.0),
                               return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()

    async def _deliver_all(self, alerts: list[dict[str, Any]]) -> None:
        # One task per subscription keeps each chat's alerts in order while a slow or
        # rate-limited chat never holds up the others.
        by_sub: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for alert in alerts:
            by_sub[alert["subscription_id"]].append(alert)
        subs = {s["id"]: s for s in await self.store.list_subscriptions()}
        slots = asyncio.Semaphore(self._concurrency)

        async def deliver_in_order(queue: list[dict[str, Any]]) -> None:
            async with slots:
                for alert in queue:
                    await self._deliver(alert, subs.get(alert["subscription_id"]))

        await asyncio.gather(*(deliver_in_order(q) for q in by_sub.values()))

    async def _deliver(self, alert: dict[str, Any], sub: dict[str, Any] | None) -> None:
        now = self.now()
        if sub is None or sub["paused"]:
            await self.store.finish_alert(alert["id"], status="failed", now=now,
                                          error="subscription removed or paused")
            return
        channel = self.channels.get(sub["channel"])
        if channel is None:
            await self.store.finish_alert(alert["id"], status="failed", now=now,
                                          error=f"channel {sub['channel']} is not configured")
            metrics.ALERTS_FAILED.labels(channel=sub["channel"], reason="not_configured").inc()
            return
        if held_until(sub["filters"], now) is not None:
            # Muted or quiet: the alert waits for the digest sent when the hold ends.
            await self.store.finish_alert(alert["id"], status="digest", now=now, error="held")
            return
        dev = Development.model_validate(alert["payload"])
        previous = None
        if dev.revision > 1:
            previous = await self.store.last_message_ref(sub["id"], dev.development_id)
        try:
            ref = await channel.send(Delivery(target=sub["target"], dev=dev, previous_ref=previous))
        except RetryableError as exc:
            if (exc.retry_after_s or 0) > MAX_RETRY_WAIT_S:
                # An absurd flood wait: deliver it in the next digest rather than freeze.
                await self.store.finish_alert(alert["id"], status="digest", now=now, error=str(exc))
                return
            delay = retry_delay_s(alert["attempts"] + 1, exc.retry_after_s)
            metrics.ALERTS_RETRIED.labels(channel=channel.name).inc()
            log.warning("alert_retry", channel=channel.name, subscription_id=sub["id"],
                        error=str(exc), retry_in_s=round(delay, 1))
            await self.store.finish_alert(alert["id"], status="pending", now=now, error=str(exc),
                                          not_before=now + timedelta(seconds=delay))
        except PermanentError as exc:
            metrics.ALERTS_FAILED.labels(channel=channel.name, reason=type(exc).__name__).inc()
            await self.store.finish_alert(alert["id"], status="failed", now=now, error=str(exc))
            if isinstance(exc, ChannelAuthError):
                log.error("channel_credentials_refused", channel=channel.name, error=str(exc))
            else:
                log.warning("subscription_paused", channel=channel.name, subscription_id=sub["id"],
                            error=str(exc))
                await self.store.pause_subscription(sub["id"], str(exc))
                self.invalidate_subscriptions()
        else:
            await self.store.finish_alert(alert["id"], status="sent", now=now, message_ref=ref)
            metrics.ALERTS_SENT.labels(channel=channel.name).inc()
            metrics.END_TO_END_LATENCY.observe((self.now() - dev.first_seen).total_seconds())

    async def _maybe_send_digests(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._digests_checked < DIGEST_CHECK_S:
            return
        self._digests_checked = loop.time()
        now = self.now()
        subs = {s["id"]: s for s in await self.store.list_subscriptions()}
        for sub_id, oldest in await self.store.digest_backlog():
            sub = subs.get(sub_id)
            if sub is None or sub["paused"] or sub["channel"] not in self.channels:
                continue
            if digest_due_at(sub["mode"], sub["filters"], oldest) > now or held_until(sub["filters"], now):
                continue
            rows = await self.store.lease_digest(sub_id, self.owner, now=now, lease_s=LEASE_S)
            if rows:
                await send_digest(self.store, self.channels[sub["channel"]], sub, rows, now=now)
