"""Group commit and group lookup: many concurrent checks served by one store round trip.

At a thousand checks a second a transaction per check is the poller's bottleneck (SQLite
serialises writers, and the connection pool churns threads; PostgreSQL pays a round trip and a
commit each). A check hands its outcome to `GroupCommit.write` and waits until it is durable, so
nothing is lost or reordered: whatever arrives while one transaction runs goes into the next.
`GroupSeen` does the same for "which of these items are new?".

The SQL lives here rather than in `shared/store.py` to keep that module small; it uses only the
store's engine and tables, and the same statements as `Store.update_feed`, `Store.mark_seen` and
`Store.unseen_items`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from shared.store import Store
from shared.store_schema import feeds, seen_items

__all__ = ["GroupCommit", "GroupSeen", "record_checks"]

MAX_BATCH = 500
LOOKUP_CHUNK = 2000

Update = tuple[int, dict[str, Any]]


async def record_checks(store: Store, updates: Sequence[Update], seen: Sequence[dict[str, Any]] = ()) -> None:
    """Write seen items and feed outcomes (each releasing its lease) in one transaction.

    `seen` rows hold feed_id, item_id, article_id, first_seen; already-seen rows are ignored.
    Each update is (feed_id, column values), as for `Store.update_feed`.
    """
    # One executemany per distinct set of columns (a 304 and a failure set different ones).
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for feed_id, values in updates:
        row = {"b_feed_id": feed_id, **{f"b_{k}": v for k, v in values.items()}}
        groups.setdefault(tuple(sorted(values)), []).append(row)
    insert = postgresql.insert if store.dialect == "postgresql" else sqlite.insert
    async with store.engine.begin() as conn:
        if seen:
            await conn.execute(insert(seen_items).on_conflict_do_nothing(), list(seen))
        for keys, rows in groups.items():
            stmt = (
                update(feeds)
                .where(feeds.c.id == bindparam("b_feed_id"))
                .values(lease_owner=None, lease_until=None, **{k: bindparam(f"b_{k}") for k in keys})
            )
            await conn.execute(stmt, rows)


R = TypeVar("R")
T = TypeVar("T")


class _Batcher(Generic[R, T]):
    """Runs `handle` on every request that arrives while the previous batch is in the store.

    Under light load each request is its own batch with no added delay; under heavy load the
    batches grow by themselves. A failed batch is retried one request at a time, so one bad
    request (say a moved feed's new URL already taken) fails alone.
    """

    def __init__(self, handle: Callable[[list[R]], Awaitable[list[T]]], max_batch: int) -> None:
        self._handle = handle
        self._max = max_batch
        self._pending: list[tuple[R, asyncio.Future[T]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, request: R) -> T:
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((request, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            try:
                results = await self._handle([r for r, _ in batch])
            except Exception:
                for request, done in batch:
                    await self._one(request, done)
                continue
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)

    async def _one(self, request: R, done: asyncio.Future[T]) -> None:
        try:
            (result,) = await self._handle([request])
        except Exception as exc:
            if not done.done():
                done.set_exception(exc)
        else:
            if not done.done():
                done.set_result(result)


class GroupCommit:
    """Commits concurrent checks' outcomes and seen items in as few transactions as possible."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._batcher: _Batcher[tuple[Update, list[dict[str, Any]]], None] = _Batcher(self._commit, MAX_BATCH)

    async def write(self, feed_id: int, values: dict[str, Any], seen: Sequence[dict[str, Any]] = ()) -> None:
        """Record one check's outcome and seen items; return once they are committed."""
        await self._batcher.submit(((feed_id, values), list(seen)))

    async def _commit(self, batch: list[tuple[Update, list[dict[str, Any]]]]) -> list[None]:
        await record_checks(self.store, [u for u, _ in batch], [r for _, s in batch for r in s])
        return [None] * len(batch)


class GroupSeen:
    """Answers concurrent "which of these items are new?" questions with one query per batch."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._batcher: _Batcher[tuple[int, list[str]], set[str]] = _Batcher(self._lookup, 100)

    async def unseen(self, feed_id: int, item_ids: Sequence[str]) -> set[str]:
        """The ids among `item_ids` not yet recorded as seen for this feed."""
        return await self._batcher.submit((feed_id, list(item_ids))) if item_ids else set()

    async def _lookup(self, batch: list[tuple[int, list[str]]]) -> list[set[str]]:
        feed_ids = sorted({f for f, _ in batch})
        wanted = sorted({i for _, ids in batch for i in ids})
        seen: set[tuple[int, str]] = set()
        async with self.store.engine.connect() as conn:
            # Chunks keep the bound parameters well under SQLite's and asyncpg's limits.
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                rows = await conn.execute(
                    select(seen_items.c.feed_id, seen_items.c.item_id).where(
                        seen_items.c.feed_id.in_(feed_ids),
                        seen_items.c.item_id.in_(wanted[start : start + LOOKUP_CHUNK]),
                    )
                )
                seen.update((r[0], r[1]) for r in rows)
        return [{i for i in ids if (feed_id, i) not in seen} for feed_id, ids in batch]
