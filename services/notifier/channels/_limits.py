"""A sliding-window rate limiter that stays under the server's window whatever the latency.

The server counts a request when it receives it, somewhere between our send and its answer. So a
request counts against our window from the moment it is admitted until one `period_s` after its
answer came back: our count is never lower than the server's, and no 429 is wasted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType

__all__ = ["SlidingWindowLimiter"]


class SlidingWindowLimiter:
    """At most `limit` requests in any `period_s` window; use as `async with limiter:`."""

    def __init__(self, limit: int, period_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or period_s <= 0:
            raise ValueError("limit must be >= 1 and period_s > 0")
        self.limit = limit
        self.period_s = period_s
        self._clock = clock
        self._done: deque[float] = deque()
        self._in_flight = 0
        self._changed = asyncio.Condition()

    def _prune(self, now: float) -> None:
        while self._done and self._done[0] <= now - self.period_s:
            self._done.popleft()

    @property
    def idle(self) -> bool:
        """True when nothing is in flight and the window is empty (the limiter can be dropped)."""
        self._prune(self._clock())
        return not self._in_flight and not self._done

    async def acquire(self) -> None:
        """Wait until one more request fits in the window, then count it as in flight."""
        async with self._changed:
            while True:
                now = self._clock()
                self._prune(now)
                if len(self._done) + self._in_flight < self.limit:
                    self._in_flight += 1
                    return
                timeout = self._done[0] + self.period_s - now if self._done else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)

    async def release(self) -> None:
        """Record that the answer arrived now; the request leaves the window `period_s` later."""
        async with self._changed:
            self._in_flight -= 1
            self._done.append(self._clock())
            self._changed.notify_all()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.release()
