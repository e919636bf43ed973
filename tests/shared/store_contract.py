"""One behaviour suite for the store, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.store import Store

T0 = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


class StoreContract:
    """Subclasses provide the `store` fixture."""

    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    async def test_schema_start_is_idempotent(self, store: Store) -> None:
        """Starting twice on the same store keeps its data (restart)."""
        await store.add_feed("https://example.org/a.rss", now=T0)
        await store.start()
        assert [f["url"] for f in await store.list_feeds()] == ["https://example.org/a.rss"]

    async def test_add_feed_twice_keeps_one(self, store: Store) -> None:
        """Adding a known URL returns the same feed instead of a duplicate."""
        a = await store.add_feed("https://example.org/a.rss", now=T0, name="A")
        b = await store.add_feed("https://example.org/a.rss", now=T0)
        assert a == b and len(await store.list_feeds()) == 1

    async def test_datetimes_come_back_aware_utc(self, store: Store) -> None:
        """Times are stored and returned as UTC-aware datetimes on every database."""
        await store.add_feed("https://example.org/a.rss", now=T0)
        feed = (await store.list_feeds())[0]
        assert feed["created_at"] == T0 and feed["created_at"].tzinfo is not None

    async def test_lease_gives_each_due_feed_to_one_owner(self, store: Store) -> None:
        """Two pollers leasing at once never get the same feed, and a lease expires."""
        for i in range(10):
            await store.add_feed(f"https://example.org/{i}.rss", now=T0)
        a, b = await asyncio.gather(
            store.lease_due_feeds("a", now=T0, limit=10, lease_s=60),
            store.lease_due_feeds("b", now=T0, limit=10, lease_s=60),
        )
        ids_a, ids_b = {f["id"] for f in a}, {f["id"] for f in b}
        assert not ids_a & ids_b and len(ids_a | ids_b) == 10
        later = T0 + timedelta(seconds=61)
        assert len(await store.lease_due_feeds("c", now=later, limit=10, lease_s=60)) == 10

    async def test_update_feed_releases_lease_and_reschedules(self, store: Store) -> None:
        """After a check the feed is not due until its next check time."""
        fid = await store.add_feed("https://example.org/a.rss", now=T0)
        await store.lease_due_feeds("a", now=T0, limit=1, lease_s=60)
        await store.update_feed(fid, next_check_at=T0 + timedelta(minutes=5))
        assert await store.lease_due_feeds("b", now=T0 + timedelta(minutes=1), limit=5, lease_s=60) == []
        assert len(await store.lease_due_feeds("b", now=T0 + timedelta(minutes=5), limit=5, lease_s=60)) == 1

    async def test_seen_items(self, store: Store) -> None:
        """Items recorded as seen are not reported unseen again, and re-marking is harmless."""
        fid = await store.add_feed("https://example.org/a.rss", now=T0)
        assert await store.unseen_items(fid, ["x", "y"]) == {"x", "y"}
        await store.mark_seen(fid, [("x", "ax")], now=T0)
        await store.mark_seen(fid, [("x", "ax")], now=T0)
        assert await store.unseen_items(fid, ["x", "y"]) == {"y"}

    async def test_development_compare_and_set(self, store: Store) -> None:
        """Only one of two writers racing on the same revision wins."""
        assert await store.save_development("k", "d1", revision=1, expected=None, state={"n": 1}, now=T0)
        assert not await store.save_development("k", "d1", revision=1, expected=None, state={"n": 9}, now=T0)
        assert await store.save_development("k", "d1", revision=2, expected=1, state={"n": 2}, now=T0)
        assert not await store.save_development("k", "d1", revision=2, expected=1, state={"n": 3}, now=T0)
        stored = await store.load_development("k")
        assert stored is not None and stored.revision == 2 and stored.state == {"n": 2}

    async def test_outbox_is_idempotent_and_leased(self, store: Store) -> None:
        """An alert enqueued twice exists once; a leased alert is not handed out twice."""
        sid = await store.add_subscription("email", "a@example.org", filters={}, mode="immediate", now=T0)
        row = {
            "subscription_id": sid,
            "development_id": "d1",
            "revision": 1,
            "payload": {"x": 1},
            "not_before": T0,
            "created_at": T0,
        }
        assert await store.enqueue_alerts([row]) == 1
        assert await store.enqueue_alerts([row]) == 0
        first = await store.lease_due_alerts("a", now=T0, limit=10, lease_s=60)
        assert len(first) == 1
        assert await store.lease_due_alerts("b", now=T0, limit=10, lease_s=60) == []
        await store.finish_alert(first[0]["id"], status="sent", now=T0, message_ref="chat:7")
        assert await store.last_message_ref(sid, "d1") == "chat:7"
        assert await store.outbox_counts() == {"sent": 1}

    async def test_lock_has_one_holder_until_released_or_expired(self, store: Store) -> None:
        """One owner holds a lock; another gets it when the holder releases it or its lease runs out."""
        assert await store.hold_lock("sender:telegram", "a", now=T0, lease_s=20)
        assert not await store.hold_lock("sender:telegram", "b", now=T0 + timedelta(seconds=5), lease_s=20)
        assert await store.hold_lock("sender:telegram", "a", now=T0 + timedelta(seconds=15), lease_s=20)
        assert not await store.hold_lock("sender:telegram", "b", now=T0 + timedelta(seconds=30), lease_s=20)
        assert await store.hold_lock("sender:telegram", "b", now=T0 + timedelta(seconds=36), lease_s=20)
        await store.release_lock("sender:telegram", "a")  # no longer a's: changes nothing
        assert not await store.hold_lock("sender:telegram", "a", now=T0 + timedelta(seconds=40), lease_s=20)
        await store.release_lock("sender:telegram", "b")
        assert await store.hold_lock("sender:telegram", "a", now=T0 + timedelta(seconds=41), lease_s=20)

    async def test_removed_subscription_takes_its_alerts_with_it(self, store: Store) -> None:
        """A removed subscriber's queued alerts never reach the next subscriber, whatever its id."""
        old = await store.add_subscription("email", "gone@example.org", filters={}, mode="immediate", now=T0)
        await store.enqueue_alerts(
            [
                {
                    "subscription_id": old,
                    "development_id": "d",
                    "revision": 1,
                    "payload": {},
                    "not_before": T0,
                    "created_at": T0,
                }
            ]
        )
        assert await store.remove_subscription("email", "gone@example.org")
        new = await store.add_subscription("email", "next@example.org", filters={}, mode="immediate", now=T0)
        assert new != old
        assert await store.lease_due_alerts("a", now=T0, limit=10, lease_s=60) == []
        assert not await store.remove_subscription("email", "gone@example.org")

    async def test_alerts_with_their_own_times_are_all_queued(self, store: Store) -> None:
        """An update spaced per subscriber (each its own not_before) queues one alert each, due at its time."""
        ids = [
            await store.add_subscription("email", f"r{i}@example.org", filters={}, mode="immediate", now=T0)
            for i in range(5)
        ]
        rows = [
            {
                "subscription_id": sid,
                "development_id": "d",
                "revision": 2,
                "payload": {},
                "not_before": T0 + timedelta(seconds=i),
                "created_at": T0,
            }
            for i, sid in enumerate(ids)
        ]
        assert await store.enqueue_alerts(rows) == 5
        assert await store.enqueue_alerts(rows) == 0
        due = await store.lease_due_alerts("a", now=T0 + timedelta(seconds=2), limit=10, lease_s=60)
        assert sorted(a["subscription_id"] for a in due) == ids[:3]

    async def test_lease_can_skip_channels(self, store: Store) -> None:
        """Alerts to subscriptions on a skipped channel stay queued for another owner."""
        tg = await store.add_subscription("telegram", "42", filters={}, mode="immediate", now=T0)
        mail = await store.add_subscription("email", "a@example.org", filters={}, mode="immediate", now=T0)
        await store.enqueue_alerts(
            [
                {
                    "subscription_id": sid,
                    "development_id": "d",
                    "revision": 1,
                    "payload": {},
                    "not_before": T0,
                    "created_at": T0,
                }
                for sid in (tg, mail)
            ]
        )
        got = await store.lease_due_alerts("a", now=T0, limit=10, lease_s=60, skip_channels={"telegram"})
        assert [a["subscription_id"] for a in got] == [mail]
        got = await store.lease_due_alerts("b", now=T0, limit=10, lease_s=60)
        assert [a["subscription_id"] for a in got] == [tg]

    async def test_retry_moves_alert_later(self, store: Store) -> None:
        """A retried alert is due again only at its new time."""
        sid = await store.add_subscription("email", "a@example.org", filters={}, mode="immediate", now=T0)
        await store.enqueue_alerts(
            [
                {
                    "subscription_id": sid,
                    "development_id": "d",
                    "revision": 1,
                    "payload": {},
                    "not_before": T0,
                    "created_at": T0,
                }
            ]
        )
        alert = (await store.lease_due_alerts("a", now=T0, limit=1, lease_s=60))[0]
        await store.finish_alert(
            alert["id"], status="pending", now=T0, error="429", not_before=T0 + timedelta(seconds=30)
        )
        assert await store.lease_due_alerts("a", now=T0 + timedelta(seconds=10), limit=1, lease_s=60) == []
        again = await store.lease_due_alerts("a", now=T0 + timedelta(seconds=30), limit=1, lease_s=60)
        assert again[0]["attempts"] == 1

    async def test_subscription_pause(self, store: Store) -> None:
        """A paused subscription is left out of the active list."""
        sid = await store.add_subscription("telegram", "42", filters={}, mode="immediate", now=T0)
        await store.pause_subscription(sid, "403 blocked")
        assert await store.list_subscriptions(active_only=True) == []
        assert (await store.list_subscriptions())[0]["paused_reason"] == "403 blocked"

    async def test_ensure_subscription_keeps_user_changes(self, store: Store) -> None:
        """Declaring a subscriber again at start-up does not overwrite the filters its owner changed."""
        await store.ensure_subscription("telegram", "42", filters={"labels": []}, mode="immediate", now=T0)
        await store.add_subscription(
            "telegram", "42", filters={"labels": ["surrender"]}, mode="daily", now=T0
        )
        await store.ensure_subscription("telegram", "42", filters={"labels": []}, mode="immediate", now=T0)
        sub = await store.get_subscription("telegram", "42")
        assert sub is not None and sub["filters"] == {"labels": ["surrender"]} and sub["mode"] == "daily"
        assert await store.get_subscription("telegram", "43") is None
