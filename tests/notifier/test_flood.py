"""A burst of alerts to many Telegram chats: every one delivered, no request refused for flooding."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.notifier.channels.telegram import TelegramChannel
from services.notifier.main import NotifierService
from shared.broker import make_bus
from shared.store import Store
from tests.notifier.conftest import FIXED_NOW, build_dev
from tests.notifier.fake_bot_api import FakeBotApi

DEVELOPMENTS = 500
PRIVATE_CHATS = 150
GROUP_CHATS = 50
DEV_RE = re.compile(r"\bD(\d{4})\b")


def chat_ids() -> list[int]:
    """150 private chats and 50 supergroups."""
    return [5000 + i for i in range(PRIVATE_CHATS)] + [-1001000000000 - i for i in range(GROUP_CHATS)]


def token(i: int) -> str:
    """The keyword (or place) that routes a development to chat number `i`."""
    return f"kw{i:03d}x"


def routes(j: int, chats: int) -> list[int]:
    """Chat numbers development `j` goes to: one, two or three of them."""
    out = [j % chats]
    if j % 4 == 0:
        out.append((j * 7 + 13) % chats)
    if j % 10 == 0:
        out.append((j * 11 + 5) % chats)
    return sorted(set(out))


def subscription_filters(i: int) -> dict[str, Any]:
    """Every fourth chat filters by place, the others by keyword; all take every label."""
    return {"places": [token(i).upper()]} if i % 4 == 0 else {"keywords": [token(i)], "langs": ["en"]}


def make_dev_for(j: int, chats: int) -> Any:
    """Development `j`: its keyword tokens in the summary, its place tokens in places."""
    targets = routes(j, chats)
    words = [token(i) for i in targets if i % 4]
    places = [token(i).capitalize() for i in targets if i % 4 == 0]
    return build_dev(
        development_id=f"flood-{j:04d}",
        summary=f"Report D{j:04d}: " + " ".join(words),
        places=places or ["Baghouz"],
        first_seen=FIXED_NOW,
        detected_at=FIXED_NOW,
    )


@pytest.mark.timeout(90)
async def test_flood_of_alerts_to_200_chats_loses_nothing_and_wastes_no_429(
    tmp_path: Path, fake_bot_api: FakeBotApi, make_telegram: Callable[..., TelegramChannel]
) -> None:
    """500 developments routed to 200 private and group chats all arrive once, with zero 429s."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'flood.db'}")
    await store.start()
    chats = chat_ids()
    sub_chat: dict[int, int] = {}
    for i, chat in enumerate(chats):
        sub_id = await store.add_subscription(
            "telegram", str(chat), filters=subscription_filters(i), mode="immediate", now=FIXED_NOW
        )
        sub_chat[sub_id] = chat
    expected = Counter((chats[i], j) for j in range(DEVELOPMENTS) for i in routes(j, len(chats)))
    service = NotifierService(store, make_bus("nats://127.0.0.1:1"), {"telegram": make_telegram()})
    stop = asyncio.Event()
    started = time.monotonic()
    runner = asyncio.create_task(service.run(stop))
    try:
        for j in range(DEVELOPMENTS):
            await service.handle(make_dev_for(j, len(chats)))
        for _ in range(300):  # a minute at most
            if len(fake_bot_api.sent) >= sum(expected.values()):
                break
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        await runner
    got = Counter(
        (m.chat_id, int(DEV_RE.search(m.visible).group(1)))  # type: ignore[union-attr]
        for m in fake_bot_api.sent
    )
    assert fake_bot_api.flood_429s == 0
    assert got == expected, {"lost": len(expected - got), "duplicated": len(got - expected)}
    counts = await store.outbox_counts()
    assert counts == {"sent": sum(expected.values())}
    rate = sum(expected.values()) / elapsed
    print(
        f"flood: {sum(expected.values())} messages in {elapsed:.1f} s = {rate:.1f}/s, "
        f"peak {fake_bot_api.peak_rate()}/s"
    )
    await store.close()
