"""The notifier's view of the subscriptions: read from the store at most every few seconds."""

from __future__ import annotations

import asyncio
from typing import Any

from services.notifier.matching import SubscriptionIndex
from shared.messages import Development
from shared.store import Store

__all__ = ["SubscriptionCache"]


class SubscriptionCache:
    """Subscriptions by id and an index of the active ones, re-read after `ttl_s`."""

    def __init__(self, store: Store, ttl_s: float) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.by_id: dict[int, dict[str, Any]] = {}
        self._index = SubscriptionIndex([])
        self._read_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self, max_age_s: float | None = None) -> None:
        """Re-read the subscriptions if the copy held is older than `max_age_s` (default ttl)."""
        max_age_s = self.ttl_s if max_age_s is None else max_age_s
        loop = asyncio.get_running_loop()
        if loop.time() - self._read_at <= max_age_s:
            return
        # Single flight: handlers of one batch run concurrently, and none may match against a
        # list that is still being read (the empty one at start would drop their alerts).
        async with self._lock:
            if loop.time() - self._read_at <= max_age_s:
                return
            read_at = loop.time()
            subs = await self.store.list_subscriptions()
            self.by_id = {s["id"]: s for s in subs}
            active = [s for s in subs if not s["paused"]]
            if active != self._index.subscriptions:  # rebuilt only when something changed
                self._index = SubscriptionIndex(active)
            self._read_at = read_at

    async def match(self, dev: Development) -> list[dict[str, Any]]:
        """The active subscriptions that want `dev`."""
        await self.refresh()
        return self._index.match(dev)

    async def get(self, sub_id: int) -> dict[str, Any] | None:
        """One subscription; None once it is removed."""
        sub = self.by_id.get(sub_id)
        if sub is None:  # new since the last read, or removed: look again, at most once a second
            await self.refresh(max_age_s=1.0)
            sub = self.by_id.get(sub_id)
        return sub

    def invalidate(self) -> None:
        """Re-read on next use (after a subscription was added, changed or removed)."""
        self._read_at = float("-inf")
