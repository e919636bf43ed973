"""NotifierService delivery: the subscription index, concurrent intake, the send gate, order, stop."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.notifier.channels.base import Delivery
from services.notifier.main import NotifierService
from services.notifier.matching import SubscriptionIndex
from services.notifier.rules import matches
from shared.broker import make_bus
from shared.errors import RetryableError
from shared.store import Store
from shared.store_schema import outbox
from tests.notifier.conftest import FIXED_NOW, build_dev


class RecordingChannel:
    """A channel that takes `delay_s` per send and records how many sends overlapped."""

    name = "console"

    def __init__(self, delay_s: float = 0.0, fail: set[str] | None = None) -> None:
        self.delay_s = delay_s
        self.fail = fail or set()
        self.sent: list[tuple[str, str]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, delivery: Delivery) -> str:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            if delivery.dev.development_id in self.fail:
                self.fail.discard(delivery.dev.development_id)
                raise RetryableError("down for a moment", retry_after_s=0.5)
            self.sent.append((delivery.target, delivery.dev.development_id))
            return f"{delivery.target}:{len(self.sent)}"
        finally:
            self.in_flight -= 1

    async def close(self) -> None:
        return None


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A SQLite store in a temporary directory."""
    db = Store(f"sqlite+aiosqlite:///{tmp_path / 'notifier.db'}")
    await db.start()
    yield db
    await db.close()


def service_for(store: Store, channel: RecordingChannel, **kwargs: Any) -> NotifierService:
    return NotifierService(store, make_bus("nats://127.0.0.1:1"), {"console": channel}, **kwargs)


async def until(check: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def random_filters(rng: random.Random) -> dict[str, Any]:
    words = ["Baghouz", "hajin", "ISIS", "civilians", "الباغوز", "deir", "", "re:bag+houz", "re:(", "rose"]
    filters: dict[str, Any] = {}
    if rng.random() < 0.6:
        filters["labels"] = rng.sample(
            ["casualty_update", "surrender", "territorial_change"], rng.randint(1, 2)
        )
    if rng.random() < 0.5:
        filters["keywords"] = rng.sample(words, rng.randint(1, 2))
    if rng.random() < 0.5:
        filters["places"] = rng.sample(words[:6], rng.randint(1, 2))
    if rng.random() < 0.3:
        filters["langs"] = [rng.choice(["en", "ar"])]
    if rng.random() < 0.3:
        filters["min"] = {"killed": rng.choice([10, 400])}
    return filters


def test_index_matches_exactly_what_a_loop_over_every_subscription_matches() -> None:
    """SubscriptionIndex.match returns the same subscriptions, in the same order, as `matches` on each."""
    rng = random.Random(3)
    subs = [{"id": i, "filters": random_filters(rng)} for i in range(2000)]
    index = SubscriptionIndex(subs)
    devs = [
        build_dev(),
        build_dev(lang="ar", summary="ارتفع عدد القتلى في الباغوز إلى 388", places=["الباغوز"]),
        build_dev(labels=["surrender"], summary="150 ISIS fighters surrendered near Hajin", places=["Hajin"]),
        build_dev(labels=["territorial_change"], summary="Nothing of note", places=[], lang=None),
    ]
    for dev in devs:
        assert index.match(dev) == [s for s in subs if matches(s["filters"], dev)]


async def test_concurrent_developments_on_a_fresh_service_all_queue_their_alerts(store: Store) -> None:
    """A batch of developments handled at once by a just-started service loses none to an unread subscription list."""
    for i in range(5):
        await store.add_subscription("console", f"reader{i}", filters={}, mode="immediate", now=FIXED_NOW)
    service = service_for(store, RecordingChannel())
    await asyncio.gather(*(service.handle(build_dev(development_id=f"d{j}")) for j in range(16)))
    assert await store.outbox_counts() == {"pending": 80}


async def test_at_most_one_send_is_unrecorded_at_a_time(store: Store) -> None:
    """Sends to many subscribers go one at a time through the gate, each recorded before the next starts."""
    for i in range(20):
        await store.add_subscription("console", f"reader{i}", filters={}, mode="immediate", now=FIXED_NOW)
    channel = RecordingChannel(delay_s=0.01)
    service = service_for(store, channel)
    for j in range(3):
        await service.handle(build_dev(development_id=f"d{j}"))
    stop = asyncio.Event()
    runner = asyncio.create_task(service.run(stop))
    await until(lambda: len(channel.sent) == 60)
    stop.set()
    await runner
    assert channel.most_in_flight == 1
    assert await store.outbox_counts() == {"sent": 60}


async def test_a_retried_alert_keeps_its_chat_in_order(store: Store) -> None:
    """When one alert of a chat must be retried, the chat's later alerts wait behind it, then go in order."""
    await store.add_subscription("console", "reader", filters={}, mode="immediate", now=FIXED_NOW)
    channel = RecordingChannel(fail={"d0"})
    service = service_for(store, channel)
    stop = asyncio.Event()
    runner = asyncio.create_task(service.run(stop))
    for j in range(4):
        await service.handle(build_dev(development_id=f"d{j}"))
        await asyncio.sleep(0.05)
    await until(lambda: len(channel.sent) == 4, timeout=15)
    stop.set()
    await runner
    assert [dev for _, dev in channel.sent] == ["d0", "d1", "d2", "d3"]


async def test_stop_finishes_the_send_in_progress_and_hands_back_the_rest(store: Store) -> None:
    """On stop the send under way is recorded as sent; every other leased alert is released for the next run."""
    await store.add_subscription("console", "reader", filters={}, mode="immediate", now=FIXED_NOW)
    channel = RecordingChannel(delay_s=0.3)
    service = service_for(store, channel)
    for j in range(5):
        await service.handle(build_dev(development_id=f"d{j}"))
    stop = asyncio.Event()
    runner = asyncio.create_task(service.run(stop))
    await until(lambda: channel.in_flight == 1)
    stop.set()
    await runner
    async with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(select(outbox).order_by(outbox.c.id))]
    assert [r["status"] for r in rows] == ["sent", "pending", "pending", "pending", "pending"]
    assert all(r["lease_owner"] is None for r in rows)
    assert len(channel.sent) == 1
    # The next run takes them at once, without waiting for a lease to expire.
    again = service_for(store, RecordingChannel())
    stop = asyncio.Event()
    runner = asyncio.create_task(again.run(stop))
    await until(lambda: len(again.channels["console"].sent) == 4)  # type: ignore[attr-defined]
    stop.set()
    await runner
