"""Parsing in worker processes: feedparser is pure Python and the poller's biggest CPU cost.

With `PollerOptions.parse_workers` > 0 bodies are parsed in that many processes, so the event
loop's core is left to HTTP, the store and the broker, and a huge feed cannot stall the loop.
Without, parsing stays in-process (big bodies in a thread), as before.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.poller.parse import FeedParseError, ParsedFeed, parse_feed
from shared.logging import get_logger

__all__ = ["ParsePool"]

log = get_logger("poller")
PARSE_IN_THREAD_BYTES = 64 * 1024


def _job(
    body: bytes, url: str, content_type: str | None, encoding: str | None
) -> ParsedFeed | tuple[str, str]:
    # FeedParseError does not survive pickling (its __init__ takes two arguments): send a tuple.
    try:
        return parse_feed(body, url=url, content_type=content_type, encoding=encoding)
    except FeedParseError as exc:
        return exc.kind, str(exc)


class ParsePool:
    """Parses feed bodies in `workers` processes, or in this one when `workers` is 0."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self.workers > 0:
            # forkserver: forking a process that runs threads (aiosqlite, asyncio) is unsafe.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("forkserver")
            )

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    async def parse(
        self, body: bytes, *, url: str, content_type: str | None, encoding: str | None
    ) -> ParsedFeed:
        """Parse like `parse_feed` (same result, same FeedParseError)."""
        if self._pool is not None:
            loop = asyncio.get_running_loop()
            try:
                outcome = await loop.run_in_executor(self._pool, _job, body, url, content_type, encoding)
            except BrokenProcessPool:
                log.error("parse_pool_broken", workers=self.workers)  # e.g. a worker OOM-killed
                self.close()
                self.start()
                outcome = _job(body, url, content_type, encoding)
        elif len(body) > PARSE_IN_THREAD_BYTES:
            # Big documents (~70 ms for 500 KB) parse in a thread so other checks keep going.
            outcome = await asyncio.to_thread(_job, body, url, content_type, encoding)
        else:
            outcome = _job(body, url, content_type, encoding)
        if isinstance(outcome, tuple):
            raise FeedParseError(*outcome)
        return outcome
