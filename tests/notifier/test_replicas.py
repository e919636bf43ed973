"""Two notifier replicas sharing one bot: Telegram's global and per-chat limits still hold.

Telegram counts its limits per bot, so replicas that each paced themselves to 30 messages/s
would send 60/s together and waste requests on 429s. One replica at a time holds the bot's
sender lock and sends Telegram alerts; when it stops, the other takes over.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.notifier.channels.telegram import TelegramChannel
from services.notifier.main import LEASE_S, NotifierService
from shared.broker import make_bus
from shared.store import Store
from tests.notifier.conftest import FIXED_NOW, build_dev
from tests.notifier.fake_bot_api import FakeBotApi

CHATS = [8000 + i for i in range(70)] + [-1003000000000 - i for i in range(10)]
DEVELOPMENTS = 3
DEV_RE = re.compile(r"\bD(\d{4})\b")


async def _until(condition: Callable[[], bool], timeout_s: float) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.mark.timeout(90)
async def test_two_replicas_share_one_bot_within_its_limits_and_hand_over(
    tmp_path: Path, fake_bot_api: FakeBotApi, make_telegram: Callable[..., TelegramChannel]
) -> None:
    """240 alerts to 80 chats from two replicas: none lost or repeated, no 429; the second
    replica finishes the burst after the first stops."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'replicas.db'}"
    stores = [Store(url), Store(url)]
    for store in stores:
        await store.start()
    for chat in CHATS:
        await stores[0].add_subscription("telegram", str(chat), filters={}, mode="immediate", now=FIXED_NOW)
    first, second = (
        NotifierService(store, make_bus("nats://127.0.0.1:1"), {"telegram": make_telegram()})
        for store in stores
    )
    for j in range(DEVELOPMENTS):
        await first.handle(
            build_dev(
                development_id=f"burst-{j}",
                summary=f"Report D{j:04d}",
                first_seen=FIXED_NOW,
                detected_at=FIXED_NOW,
            )
        )
    expected = Counter((chat, j) for chat in CHATS for j in range(DEVELOPMENTS))
    stops = [asyncio.Event(), asyncio.Event()]
    runners = [asyncio.create_task(first.run(stops[0]))]
    try:
        await _until(lambda: "telegram" in first._locks_held, 10)
        runners.append(asyncio.create_task(second.run(stops[1])))
        await _until(lambda: len(fake_bot_api.sent) >= len(expected) // 3, 30)
        assert "telegram" not in second._locks_held
        stops[0].set()
        await runners[0]
        by_first = len(fake_bot_api.sent)
        await _until(lambda: len(fake_bot_api.sent) >= len(expected), 60)
        await asyncio.sleep(0.5)  # anything repeated would arrive now
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*runners)
        for store in stores:
            await store.close()
    got = Counter(
        (m.chat_id, int(DEV_RE.search(m.visible).group(1)))  # type: ignore[union-attr]
        for m in fake_bot_api.sent
    )
    assert fake_bot_api.flood_429s == 0
    assert got == expected, {"lost": len(expected - got), "repeated": len(got - expected)}
    assert 0 < by_first < len(expected)  # each replica sent part of the burst


@pytest.mark.timeout(60)
async def test_a_replica_that_loses_the_bot_lock_hands_back_what_it_queued(
    tmp_path: Path, fake_bot_api: FakeBotApi, make_telegram: Callable[..., TelegramChannel]
) -> None:
    """If a stalled replica finds its sender lock taken over, it keeps only each chat's alert in
    progress and releases the rest to the new holder, so the two do not both work the queue."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'lost.db'}")
    await store.start()
    await store.add_subscription("telegram", "9001", filters={}, mode="immediate", now=FIXED_NOW)
    service = NotifierService(store, make_bus("nats://127.0.0.1:1"), {"telegram": make_telegram()})
    for j in range(6):  # one private chat: one message a second, so the rest wait in its queue
        await service.handle(
            build_dev(
                development_id=f"queued-{j}",
                summary=f"Report D{j:04d}",
                first_seen=FIXED_NOW,
                detected_at=FIXED_NOW,
            )
        )
    stop = asyncio.Event()
    runner = asyncio.create_task(service.run(stop))
    try:
        await _until(lambda: len(fake_bot_api.sent) >= 1 and len(service._held) >= 4, 10)
        later = datetime.now(UTC) + timedelta(seconds=LEASE_S + 1)
        assert await store.hold_lock("sender:telegram", "other-replica", now=later, lease_s=LEASE_S)
        await service._hold_locks()
        assert "telegram" not in service._locks_held
        assert len(service._held) <= 1  # at most the chat's alert being sent
        released = await store.lease_due_alerts("other-replica", now=later, limit=10, lease_s=LEASE_S)
        assert len(released) >= 3
    finally:
        stop.set()
        await runner
        await store.close()
