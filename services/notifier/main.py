"""The notifier service: developments in, alerts committed to the outbox, then delivered.

An alert is committed (idempotency key: subscription, development, revision) before it is sent
and marked sent right after its own send, never in a batch, so a crash neither loses one nor
repeats more than the sends it interrupted: a leased alert whose sender died becomes due again
when its lease (renewed while held) expires.

How many sends a crash can interrupt is bounded per channel: a send and the commit that records
it happen inside a gate of `unconfirmed_per_channel` (1 by default), so a SIGKILL repeats at
most one alert per channel. Sends are paced per Telegram chat before the gate, so the gate is
never held while a chat's limit runs down; a send that still takes longer than
`GATE_PATIENCE_S` (a flood wait, a slow server) stops holding up the others. A graceful stop
(SIGTERM) lets the sends in progress finish and be recorded, and hands every other leased alert
back at once: no duplicate, nothing waits for a lease to expire.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections import Counter, deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifier._pacing import ChatPacer, Gate
from services.notifier.channels._limits import SlidingWindowLimiter
from services.notifier.channels.base import Channel, ChannelAuthError, Delivery
from services.notifier.channels.telegram import TelegramChannel
from services.notifier.digest import send_digest
from services.notifier.schedule import digest_due_at, held_until
from services.notifier.subscriptions import SubscriptionCache
from shared import metrics, subjects
from shared.broker import Bus
from shared.errors import PermanentError, RetryableError
from shared.logging import get_logger
from shared.messages import Development
from shared.store import Store

__all__ = ["NotifierService"]

log = get_logger("notifier")
LEASE_S = 20.0  # a dead sender's alerts are due again this long after its last renewal
LEASE_RENEW_S = 5.0
MAX_HELD = 500  # alerts leased by one process at a time
LEASE_BATCH = 100
MAX_BACKOFF_S = 3600.0
SUBSCRIPTIONS_TTL_S = 5.0
MAX_RETRY_WAIT_S = 600.0
DIGEST_CHECK_S = 15.0
GATE_PATIENCE_S = 2.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def retry_delay_s(attempts: int, retry_after_s: float | None) -> float:
    """Exponential backoff from 2 s to an hour, never sooner than the server asked."""
    return max(retry_after_s or 0.0, min(2.0 ** max(attempts, 1), MAX_BACKOFF_S))


class _Stopped(Exception):
    """The service is stopping: the alert was not sent and stays queued."""


class NotifierService:
    """Match developments to subscriptions, queue alerts durably, deliver them per channel."""

    def __init__(
        self,
        store: Store,
        bus: Bus,
        channels: Mapping[str, Channel],
        *,
        window_s: float = 0.0,
        update_interval_s: float = 0.0,
        now: Callable[[], datetime] = utcnow,
        concurrency: int = 64,
        unconfirmed_per_channel: int = 1,
    ) -> None:
        self.store = store
        self.bus = bus
        self.channels = dict(channels)
        self.window = timedelta(seconds=window_s)
        self.update_interval = timedelta(seconds=update_interval_s)
        self._digests_checked = 0.0
        self.now = now
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"
        self.subscriptions = SubscriptionCache(store, SUBSCRIPTIONS_TTL_S)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._gates = {name: Gate(unconfirmed_per_channel, GATE_PATIENCE_S) for name in self.channels}
        self._pacers = {
            name: ChatPacer(ch) for name, ch in self.channels.items() if isinstance(ch, TelegramChannel)
        }
        # A bot's limits are global, so one replica at a time sends through each Telegram
        # channel: the holder of its lock. Other channels are shared by every replica.
        self._single_sender = set(self._pacers)
        self._locks_held: set[str] = set()
        self._queues: dict[int, deque[dict[str, Any]]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._held: dict[int, int] = {}  # alert id -> subscription id, for every alert leased here
        self._retry_at: dict[int, datetime] = {}  # subscription id -> when its failed alert is due
        bus.subscribe(subjects.DEVELOPMENTS, subjects.GROUP_NOTIFIER, Development, self.handle)

    # --- intake -----------------------------------------------------------------------------

    async def handle(self, dev: Development) -> None:
        """Queue one alert per subscription that wants `dev`; ack only once they are committed."""
        now = self.now()
        # A new development waits the corroboration window for other sources; updates go at once
        # unless their development is itself still inside the window.
        not_before = max(now, dev.first_seen + self.window) if self.window else now
        wanted = await self.subscriptions.match(dev)
        last_sent = await self.store.last_sent_times(dev.development_id) if dev.revision > 1 else {}
        payload = dev.model_dump(mode="json")
        queued = await self.store.enqueue_alerts(
            [
                {
                    "subscription_id": sub["id"],
                    "development_id": dev.development_id,
                    "revision": dev.revision,
                    "payload": payload,
                    "created_at": now,
                    "status": "pending" if sub["mode"] == "immediate" else "digest",
                    # Updates to one subscriber are spaced out; a newer revision supersedes a queued one.
                    "not_before": max(not_before, last_sent[sub["id"]] + self.update_interval)
                    if sub["id"] in last_sent
                    else not_before,
                }
                for sub in wanted
            ]
        )
        if dev.revision > 1:
            await self.store.supersede_pending(dev.development_id, dev.revision)
        if queued:
            for channel, count in Counter(sub["channel"] for sub in wanted).items():
                metrics.ALERTS_QUEUED.labels(channel=channel).inc(count)
            self._wake.set()

    # --- delivery loop ----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver due alerts until `stop` is set; sends in progress finish and are recorded,
        every other leased alert is handed back for the next run."""
        self._stopping.clear()
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        try:
            await self._hold_locks()
            while not stop.is_set():
                self._wake.clear()
                await self._maybe_send_digests()
                if loop.time() - renewed >= LEASE_RENEW_S:
                    renewed = loop.time()
                    await self.store.renew_leases(
                        list(self._held), self.owner, now=self.now(), lease_s=LEASE_S
                    )
                    await self._hold_locks()
                room = min(MAX_HELD - len(self._held), LEASE_BATCH)
                if room > 0:
                    alerts = await self.store.lease_due_alerts(
                        self.owner,
                        now=self.now(),
                        limit=room,
                        lease_s=LEASE_S,
                        skip_channels=self._single_sender - self._locks_held,
                    )
                    await self._dispatch(alerts)
                    if len(alerts) == room:
                        continue  # more may be due
                wait = 1.0
                if not self._held:
                    metrics.OUTBOX_DEPTH.set((await self.store.outbox_counts()).get("pending", 0))
                    nxt = await self.store.next_alert_due()
                    if nxt is not None:
                        wait = min(max((nxt - self.now()).total_seconds(), 0.05), 1.0)
                await self._sleep(stop, wait)
        except asyncio.CancelledError:
            for worker in list(self._workers.values()):
                worker.cancel()
            raise
        finally:
            await self._hand_back()

    async def _hold_locks(self) -> None:
        """Take or renew the sender lock of each single-sender channel."""
        for name in sorted(self._single_sender):
            held = await self.store.hold_lock(f"sender:{name}", self.owner, now=self.now(), lease_s=LEASE_S)
            if held and name not in self._locks_held:
                log.info("sender_lock_taken", channel=name)
                self._locks_held.add(name)
            elif not held and name in self._locks_held:
                log.info("sender_lock_lost", channel=name)
                self._locks_held.discard(name)
                await self._hand_back_channel(name)

    async def _hand_back_channel(self, name: str) -> None:
        """Release the alerts queued here for channel `name` (its lock now has another holder),
        except each chat's alert already being sent."""
        ids: list[int] = []
        for sub_id, queue in self._queues.items():
            sub = self.subscriptions.by_id.get(sub_id)
            if sub is None or sub["channel"] != name or len(queue) < 2:
                continue
            head = queue.popleft()
            ids += [a["id"] for a in queue]
            queue.clear()
            queue.append(head)
        await self._release(ids)

    async def _release_locks(self) -> None:
        for name in list(self._locks_held):
            self._locks_held.discard(name)
            try:
                await self.store.release_lock(f"sender:{name}", self.owner)
            except Exception:  # the lease expires by itself
                log.exception("sender_lock_release_failed", channel=name)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()

    async def _hand_back(self) -> None:
        """Let sends in progress finish, then release every alert still queued here."""
        self._stopping.set()
        workers = list(self._workers.values())
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
        ids = list(self._held)
        self._queues.clear()
        self._held.clear()
        if ids:
            try:
                await self.store.release_alerts(ids, self.owner)
            except Exception:  # the leases expire by themselves
                log.exception("alerts_release_failed", alerts=len(ids))
            else:
                log.info("alerts_handed_back", alerts=len(ids))
        await self._release_locks()

    async def _dispatch(self, alerts: list[dict[str, Any]]) -> None:
        # One worker per subscription keeps each chat's alerts in order while a slow or
        # rate-limited chat never holds up the others.
        now = self.now()
        waiting: dict[datetime, list[int]] = {}
        for alert in alerts:
            sub_id = alert["subscription_id"]
            retry_at = self._retry_at.get(sub_id)
            if retry_at is not None and retry_at > now and alert["not_before"] < retry_at:
                # An earlier alert of this chat waits for a retry: this one waits behind it.
                waiting.setdefault(retry_at, []).append(alert["id"])
                continue
            self._held[alert["id"]] = sub_id
            self._queues.setdefault(sub_id, deque()).append(alert)
            if sub_id not in self._workers:
                self._workers[sub_id] = asyncio.create_task(self._work(sub_id))
        self._retry_at = {k: v for k, v in self._retry_at.items() if v > now}
        for retry_at, ids in waiting.items():
            await self.store.release_alerts(ids, self.owner, not_before=retry_at)

    def _forget(self, alert_ids: list[int]) -> None:
        full = len(self._held) >= MAX_HELD
        for alert_id in alert_ids:
            self._held.pop(alert_id, None)
        if full and len(self._held) < MAX_HELD:
            self._wake.set()

    async def _work(self, sub_id: int) -> None:
        queue = self._queues[sub_id]
        try:
            async with self._slots:
                while queue and not self._stopping.is_set():
                    try:
                        retry_at = await self._deliver(queue[0])
                    except _Stopped:
                        return
                    except Exception:
                        log.exception("alert_delivery_crashed", subscription_id=sub_id)
                        # Hand it back with the rest of the chat's queue, for a later try.
                        retry_at = self.now() + timedelta(seconds=retry_delay_s(1, None))
                    else:
                        self._forget([queue.popleft()["id"]])
                    if retry_at is not None:
                        self._retry_at[sub_id] = retry_at
                        if queue:
                            await self._defer(queue, retry_at)
        finally:
            self._workers.pop(sub_id, None)
            if not queue:
                self._queues.pop(sub_id, None)
            elif not self._stopping.is_set():
                self._workers[sub_id] = asyncio.create_task(self._work(sub_id))

    async def _defer(self, queue: deque[dict[str, Any]], retry_at: datetime) -> None:
        """Release a chat's queued alerts until `retry_at`, so they keep their order."""
        ids = [a["id"] for a in queue]
        queue.clear()
        await self._release(ids, retry_at)

    async def _release(self, ids: list[int], not_before: datetime | None = None) -> None:
        """Hand alerts leased here back to the store, due at `not_before` (else at once)."""
        self._forget(ids)
        try:
            await self.store.release_alerts(ids, self.owner, not_before=not_before)
        except Exception:  # their leases expire by themselves
            log.exception("alerts_release_failed", alerts=len(ids))

    async def _acquire_or_stop(self, limiter: SlidingWindowLimiter) -> None:
        """Wait for a chat's turn; raise _Stopped if the service stops first."""
        acquire = asyncio.ensure_future(limiter.acquire())
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait([acquire, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if acquire.done() and not acquire.cancelled() and acquire.exception() is None:
            if self._stopping.is_set():
                await limiter.release()
                raise _Stopped
            return
        acquire.cancel()
        raise _Stopped

    async def _deliver(self, alert: dict[str, Any]) -> datetime | None:
        """Send one alert and record the outcome; returns when to retry, if it must be."""
        sub = await self.subscriptions.get(alert["subscription_id"])
        now = self.now()
        if sub is None or sub["paused"]:
            await self.store.finish_alert(
                alert["id"], status="failed", now=now, error="subscription removed or paused"
            )
            return None
        channel = self.channels.get(sub["channel"])
        if channel is None:
            await self.store.finish_alert(
                alert["id"], status="failed", now=now, error=f"channel {sub['channel']} is not configured"
            )
            metrics.ALERTS_FAILED.labels(channel=sub["channel"], reason="not_configured").inc()
            return None
        if held_until(sub["filters"], now) is not None:
            # Muted or quiet: the alert waits for the digest sent when the hold ends.
            await self.store.finish_alert(alert["id"], status="digest", now=now, error="held")
            return None
        dev = Development.model_validate(alert["payload"])
        previous = None
        if dev.revision > 1:
            previous = await self.store.last_message_ref(sub["id"], dev.development_id)
        pacer = self._pacers.get(channel.name)
        limiter = pacer.limiter(sub["target"]) if pacer is not None else None
        if limiter is not None:
            await self._acquire_or_stop(limiter)
        try:
            async with self._gates[channel.name].hold():
                return await self._send(alert, sub, channel, dev, previous)
        finally:
            if limiter is not None:
                await limiter.release()

    async def _send(
        self,
        alert: dict[str, Any],
        sub: dict[str, Any],
        channel: Channel,
        dev: Development,
        previous: str | None,
    ) -> datetime | None:
        try:
            ref = await channel.send(Delivery(target=sub["target"], dev=dev, previous_ref=previous))
        except RetryableError as exc:
            now = self.now()
            if (exc.retry_after_s or 0) > MAX_RETRY_WAIT_S:
                # An absurd flood wait: deliver it in the next digest rather than freeze.
                await self.store.finish_alert(alert["id"], status="digest", now=now, error=str(exc))
                return None
            delay = retry_delay_s(alert["attempts"] + 1, exc.retry_after_s)
            metrics.ALERTS_RETRIED.labels(channel=channel.name).inc()
            log.warning(
                "alert_retry",
                channel=channel.name,
                subscription_id=sub["id"],
                error=str(exc),
                retry_in_s=round(delay, 1),
            )
            retry_at = now + timedelta(seconds=delay)
            await self.store.finish_alert(
                alert["id"], status="pending", now=now, error=str(exc), not_before=retry_at
            )
            return retry_at
        except PermanentError as exc:
            metrics.ALERTS_FAILED.labels(channel=channel.name, reason=type(exc).__name__).inc()
            await self.store.finish_alert(alert["id"], status="failed", now=self.now(), error=str(exc))
            if isinstance(exc, ChannelAuthError):
                log.error("channel_credentials_refused", channel=channel.name, error=str(exc))
            else:
                log.warning(
                    "subscription_paused", channel=channel.name, subscription_id=sub["id"], error=str(exc)
                )
                await self.store.pause_subscription(sub["id"], str(exc))
                self.subscriptions.invalidate()
            return None
        # Recorded at once, before anything else is awaited: this is the window a crash repeats.
        await self.store.finish_alert(alert["id"], status="sent", now=self.now(), message_ref=ref)
        metrics.ALERTS_SENT.labels(channel=channel.name).inc()
        metrics.END_TO_END_LATENCY.observe((self.now() - dev.first_seen).total_seconds())
        return None

    async def _maybe_send_digests(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._digests_checked < DIGEST_CHECK_S:
            return
        self._digests_checked = loop.time()
        now = self.now()
        await self.subscriptions.refresh()
        subs = self.subscriptions.by_id
        for sub_id, oldest in await self.store.digest_backlog():
            sub = subs.get(sub_id)
            if sub is None or sub["paused"] or sub["channel"] not in self.channels:
                continue
            if sub["channel"] in self._single_sender - self._locks_held:
                continue  # the lock holder sends it
            if digest_due_at(sub["mode"], sub["filters"], oldest) > now or held_until(sub["filters"], now):
                continue
            rows = await self.store.lease_digest(sub_id, self.owner, now=now, lease_s=LEASE_S)
            if rows:
                await send_digest(self.store, self.channels[sub["channel"]], sub, rows, now=now)
