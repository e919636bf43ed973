"""Pacing of the notifier's sends: a gate bounding unrecorded sends, and Telegram's per-chat limits."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from services.notifier.channels._limits import SlidingWindowLimiter
from services.notifier.channels._telegram_http import chat_id_of
from services.notifier.channels.telegram import TelegramChannel
from shared.errors import PermanentError

__all__ = ["ChatPacer", "Gate"]

PACERS_PRUNE_AT = 10_000


class Gate:
    """At most `size` sends between their request and the commit recording them.

    A send still running after `patience_s` stops counting, so one stuck chat cannot hold up
    the channel; only then may more than `size` sends be unrecorded at once.
    """

    def __init__(self, size: int, patience_s: float) -> None:
        self._slots = asyncio.Semaphore(size)
        self._patience_s = patience_s

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        await self._slots.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._slots.release()

        timer = asyncio.get_running_loop().call_later(self._patience_s, release)
        try:
            yield
        finally:
            timer.cancel()
            release()


class ChatPacer:
    """Telegram's per-chat limits, counted from before the send to after its commit.

    That is a stricter count than the channel's own limiter keeps, so the channel never has to
    wait for a chat inside the gate.
    """

    def __init__(self, channel: TelegramChannel) -> None:
        self._private_interval_s = channel._private_interval_s
        self._group_per_min = channel._group_per_min
        self._chats: dict[int | str, SlidingWindowLimiter] = {}

    def limiter(self, target: str) -> SlidingWindowLimiter | None:
        try:
            chat_id = chat_id_of(target)
        except PermanentError:
            return None  # the channel refuses it without sending
        found = self._chats.get(chat_id)
        if found is None:
            if len(self._chats) >= PACERS_PRUNE_AT:
                self._chats = {k: v for k, v in self._chats.items() if not v.idle}
            private = isinstance(chat_id, int) and chat_id > 0
            found = self._chats[chat_id] = (
                SlidingWindowLimiter(1, self._private_interval_s)
                if private
                else SlidingWindowLimiter(self._group_per_min, 60.0)
            )
        return found
