"""Fixtures for notifier tests: a real local fake Bot API server and development factories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from services.notifier.channels.telegram import TelegramChannel
from shared.messages import Development, Figure, Source
from tests.notifier.fake_bot_api import FakeBotApi

FIXED_NOW = datetime(2019, 3, 3, 12, 0, tzinfo=UTC)

MakeDev = Callable[..., Development]


def build_dev(**overrides: Any) -> Development:
    """A casualty update in English with one figure, one place and two sources."""
    fields: dict[str, Any] = {
        "development_id": "dev-baghouz-casualties",
        "labels": ["casualty_update"],
        "figures": [Figure(kind="killed", count=388, who="civilians")],
        "places": ["Baghouz"],
        "sources": [
            Source(article_id="a1", url="https://example.org/a1", title="Observatory report"),
            Source(article_id="a2", url="https://news.example.com/a2", title=""),
        ],
        "summary": "Civilians killed since 10 September rose to 388.",
        "lang": "en",
        "first_seen": FIXED_NOW,
        "detected_at": FIXED_NOW,
    }
    fields.update(overrides)
    return Development(**fields)


@pytest.fixture
def make_dev() -> MakeDev:
    """Factory for developments: `make_dev(summary=..., lang="ar")`."""
    return build_dev


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API on 127.0.0.1 enforcing the real flood limits."""
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def make_telegram(
    fake_bot_api: FakeBotApi,
) -> AsyncIterator[Callable[..., TelegramChannel]]:
    """Factory for TelegramChannels pointed at the fake server; all are closed at teardown."""
    made: list[TelegramChannel] = []

    def make(**kwargs: Any) -> TelegramChannel:
        kwargs.setdefault("base_url", fake_bot_api.base_url)
        channel = TelegramChannel(kwargs.pop("token", fake_bot_api.token), **kwargs)
        made.append(channel)
        return channel

    yield make
    for channel in made:
        await channel.close()
