"""Exactly once across crashes and replicas: real `frontwatch poller` processes, real NATS, real stores."""

from __future__ import annotations

import asyncio
import random
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text

from shared.embedded_nats import EmbeddedNats
from shared.store import Store
from shared.store_schema import feeds as feeds_table
from tests.conftest import require_server
from tests.poller._growing import GrowingFeeds, kill, poller_env, published_ids, start_poller, stop

LEASE_S = 2.0
pytestmark = pytest.mark.integration


@pytest.fixture
async def nats_url(tmp_path: Path) -> AsyncIterator[str]:
    """A private embedded NATS with JetStream (its stream is empty at the start)."""
    async with EmbeddedNats(tmp_path) as server:
        yield server.url


async def _until(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[misc]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def _baselined(store: Store, count: int) -> bool:
    rows = await store.list_feeds()
    return len(rows) == count and all(r["baseline_done"] for r in rows)


async def _grow(server: GrowingFeeds, seconds: float, every_s: float, rng: random.Random) -> list[str]:
    """Add an item to a random feed every `every_s` for `seconds`; return the expected article ids."""
    expected = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        expected.append(server.add_item(rng.randrange(server.count)))
        await asyncio.sleep(every_s)
    return expected


async def _all_published(nats_url: str, expected: list[str]) -> bool:
    return set(expected) <= set(await published_ids(nats_url))


async def test_killed_poller_restarted_on_the_same_store_publishes_each_new_item_once(
    tmp_path: Path, nats_url: str
) -> None:
    """A `frontwatch poller` SIGKILLed four times mid-run and restarted on the same SQLite store publishes every
    item added after the baseline exactly once, and nothing from the baseline."""
    server = GrowingFeeds(count=12, delay_s=(0.0, 0.05))
    await server.start()
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'poller.db'}"
    env = poller_env(
        tmp_path, broker_url=nats_url, store_url=store_url, feeds=[server.url(n) for n in range(server.count)]
    )
    store = Store(store_url)
    await store.start()  # before the poller, so the test's reads never race its schema creation
    logs = tmp_path / "poller.log"
    proc = start_poller(env, logs, LEASE_S)
    try:
        await _until(lambda: _baselined(store, server.count), 30, "the baseline of every feed")
        grower = asyncio.create_task(_grow(server, 5.0, 0.02, random.Random(1)))
        for _ in range(4):  # kill while items are being published, restart at once
            await asyncio.sleep(1.0)
            kill(proc)
            proc = start_poller(env, logs, LEASE_S)
        expected = await grower
        await _until(lambda: _all_published(nats_url, expected), 30, "every new item on the stream")
        await asyncio.sleep(1.0)  # a late duplicate would show up now
    finally:
        await asyncio.to_thread(stop, proc)  # the feed server on this loop answers while it drains
        await store.close()
        await server.stop()
    counts = Counter(await published_ids(nats_url))
    assert len(expected) > 100
    assert {aid: n for aid, n in counts.items() if n != 1} == {}
    assert set(counts) == set(expected), "baseline items were published, or new ones lost"


async def _leased_by(store: Store, pid: int) -> set[str]:
    async with store.engine.connect() as conn:
        return {
            r[0]
            for r in await conn.execute(
                select(feeds_table.c.url).where(feeds_table.c.lease_owner.like(f"%-{pid}-%"))
            )
        }


async def _leaseholder(store: Store, procs: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """The first of `procs` seen holding a lease (polled every 10 ms for up to 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for proc in procs:
            if await _leased_by(store, proc.pid):
                return proc
        await asyncio.sleep(0.01)
    raise AssertionError("no replica ever held a lease")


@pytest.fixture
async def pg_store() -> AsyncIterator[tuple[str, str]]:
    """A fresh schema on the machine's PostgreSQL, dropped afterwards: (url, schema)."""
    url = require_server("postgres")
    schema = f"poll_{uuid.uuid4().hex[:10]}"
    store = Store(url, schema=schema)
    await store.start()  # created once here: two replicas racing to create tables would clash
    await store.close()
    yield url, schema
    store = Store(url)
    async with store.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await store.close()


async def test_two_replicas_on_postgres_never_overlap_and_take_over_a_dead_ones_feeds(
    tmp_path: Path, nats_url: str, pg_store: tuple[str, str]
) -> None:
    """Two `frontwatch poller` replicas on one PostgreSQL store never check one feed at once and never publish
    an item twice; when one is SIGKILLed the other checks its leased feeds once the lease expires."""
    url, schema = pg_store
    server = GrowingFeeds(count=16, delay_s=(0.1, 0.3))
    await server.start()
    store = Store(url, schema=schema)
    env = poller_env(
        tmp_path,
        broker_url=nats_url,
        store_url=url,
        schema=schema,
        feeds=[server.url(n) for n in range(server.count)],
    )
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    replica_a = start_poller(env, log_a, LEASE_S)
    replica_b = start_poller(env, log_b, LEASE_S)
    try:
        await _until(lambda: _baselined(store, server.count), 30, "the baseline of every feed")
        grower = asyncio.create_task(_grow(server, 5.0, 0.03, random.Random(2)))
        await asyncio.sleep(1.0)
        # Kill whichever replica holds leases at that instant, so the take-over is exercised.
        victim = await _leaseholder(store, [replica_a, replica_b])
        kill(victim)
        killed_at = time.monotonic()
        orphaned = await _leased_by(store, victim.pid)
        expected = await grower
        await _until(lambda: _all_published(nats_url, expected), 30, "every new item on the stream")
        await asyncio.sleep(1.0)
    finally:
        # In threads: the feed server runs on this loop and must answer while the replicas drain.
        await asyncio.gather(asyncio.to_thread(stop, replica_a), asyncio.to_thread(stop, replica_b))
        await store.close()
        await server.stop()
    counts = Counter(await published_ids(nats_url))
    assert {aid: n for aid, n in counts.items() if n != 1} == {}
    assert set(counts) == set(expected)
    assert server.overlaps() == []
    # The dead replica's leased feeds were checked again (by the survivor) once their leases expired.
    assert orphaned
    rechecked = {server.url(feed) for feed, start, _ in server.log if start > killed_at + LEASE_S * 0.9}
    assert orphaned <= rechecked
