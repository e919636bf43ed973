"""Mutes, quiet hours and digest modes through the notifier service: held alerts arrive in one digest."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.notifier.channels.console import ConsoleChannel
from services.notifier.main import NotifierService
from shared.broker import make_bus
from shared.messages import Development, Figure
from shared.store import Store

T0 = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'fw.db'}")
    await store.start()
    yield store
    await store.close()


def dev(n: int, count: int, revision: int = 1) -> Development:
    return Development(
        development_id=f"d{n}",
        revision=revision,
        status="new" if revision == 1 else "update",
        labels=["casualty_update"],
        figures=[Figure(kind="killed", count=count, who="civilians")],
        summary=f"toll {count} in town {n}",
        first_seen=T0,
        detected_at=T0,
    )


async def deliver_for(service: NotifierService, seconds: float) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await task


async def test_muted_subscriber_gets_one_digest_when_the_mute_ends(store: Store) -> None:
    """Alerts for a muted subscriber are held, then arrive together in one digest with the newest revision."""
    clock = Clock()
    await store.add_subscription(
        "console",
        "stdout",
        mode="immediate",
        now=T0,
        filters={"muted_until": (T0 + timedelta(hours=2)).isoformat()},
    )
    out = io.StringIO()
    service = NotifierService(store, make_bus("nats://unused"), {"console": ConsoleChannel(out)}, now=clock)
    for item in (dev(1, 388), dev(2, 12), dev(1, 400, revision=2)):
        await service.handle(item)
    await deliver_for(service, 0.5)
    assert out.getvalue() == ""
    assert (await store.outbox_counts()).get("digest") == 2  # revision 1 of d1 was superseded

    clock.now = T0 + timedelta(hours=2, minutes=1)
    service._digests_checked = float("-inf")  # the digest check runs every 15 s; do it now
    await deliver_for(service, 0.5)
    printed = out.getvalue()
    assert printed.count("digest of 2") == 1
    assert "400" in printed and "388 →" not in printed.split("digest of 2")[0]
    assert (await store.outbox_counts()).get("digest", 0) == 0


async def test_hourly_subscriber_waits_for_the_full_hour(store: Store) -> None:
    """An hourly-digest subscriber receives nothing at once, and everything at the next full hour."""
    clock = Clock()
    clock.now = T0 + timedelta(minutes=10)
    await store.add_subscription("console", "stdout", mode="hourly", now=T0, filters={})
    out = io.StringIO()
    service = NotifierService(store, make_bus("nats://unused"), {"console": ConsoleChannel(out)}, now=clock)
    await service.handle(dev(3, 50))
    await deliver_for(service, 0.3)
    assert out.getvalue() == ""
    clock.now = T0 + timedelta(hours=1, seconds=1)
    service._digests_checked = float("-inf")
    await deliver_for(service, 0.3)
    assert "digest of 1" in out.getvalue()
