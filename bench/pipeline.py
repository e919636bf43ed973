"""Pipeline latency and classifier scale-out.

Latency: an item appears on a local feed server → its alert reaches a fake Telegram Bot API
(`tests/notifier/fake_bot_api.py`, driven by the real python-telegram-bot client), split into the
wait for the poll (item appears → the poller first sees it, `seen_items.first_seen`) and the
pipeline itself (first sight → alert received). Corroboration window and update spacing 0.
Measured twice when the machine has NATS and PostgreSQL on 127.0.0.1: all services in one process
(`run_services`, embedded NATS, SQLite, as `frontwatch run`) and as separate processes
(2 pollers, 3 classifiers, 2 notifiers on NATS and PostgreSQL). Without those servers only the
first runs.

Scale-out: a backlog of N articles published straight to the articles subject, then 1 or 3
`frontwatch classifier` processes; throughput is articles acknowledged per second (from the
JetStream consumer) between 10 % and 90 % of the backlog, start-up excluded, and articles per
CPU-second of the classifier processes over the same stretch.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.app import ROLES, run_services
from services.runtime import Runtime
from shared import subjects
from shared.broker import Bus, make_bus
from shared.config import FeedConfig, Settings, SubscriberConfig
from shared.embedded_nats import EmbeddedNats
from shared.logging import configure_logging
from shared.store import Store
from shared.store_schema import seen_items
from tests.notifier.fake_bot_api import FakeBotApi
from tests.scale.harness import (
    TOKEN_RE,
    FeedServer,
    ServiceProcess,
    article,
    catalogue,
    clean_env,
    delete_stream,
    drop_schema,
    eventually,
    write_config,
)

__all__ = ["run"]

NATS_URL = "nats://127.0.0.1:4222"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CHAT = 71001
ITEMS = 60
SPACING_S = 0.5
POLL_S = 1.0
TELEGRAM_INTERVAL_S = 0.25  # per-chat spacing, both sides: the bench measures us, not the chat limit
BACKLOG = 1500
CLASSIFIER_COUNTS = (1, 3)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@dataclass
class Latency:
    """Per-item seconds: appeared → alert, appeared → first sight, first sight → alert."""

    setup: str
    total: list[float]
    poll: list[float]
    pipeline: list[float]
    items: int

    def row(self) -> dict[str, Any]:
        return {"setup": self.setup, "items": self.items, "delivered": len(self.total),
                "p50_s": _pct(self.total, 50), "p95_s": _pct(self.total, 95),
                "poll_p50_s": _pct(self.poll, 50), "poll_p95_s": _pct(self.poll, 95),
                "pipeline_p50_s": _pct(self.pipeline, 50), "pipeline_p95_s": _pct(self.pipeline, 95)}


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


async def _first_seen(store: Store) -> dict[str, float]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(select(seen_items.c.item_id, seen_items.c.first_seen))
        return {item_id: seen.replace(tzinfo=seen.tzinfo or UTC).timestamp() for item_id, seen in rows}


def _received(api: FakeBotApi) -> dict[str, float]:
    """Item token -> wall-clock time its first alert message reached the fake Bot API."""
    offset = time.time() - time.monotonic()
    out: dict[str, float] = {}
    for message in api.sent:
        for token in TOKEN_RE.findall(message.text):
            out.setdefault(token, message.received_at + offset)
    return out


async def _feed_items(feeds: FeedServer, texts: Iterator[str], done: asyncio.Event) -> None:
    for _ in range(ITEMS):
        feeds.add(next(texts))
        await asyncio.sleep(SPACING_S)
    done.set()


def _latency(setup: str, feeds: FeedServer, baseline: set[str], seen: dict[str, float],
             received: dict[str, float]) -> Latency:
    total, poll, pipeline = [], [], []
    for item in feeds.items:
        if item.token in baseline or item.token not in received or item.token not in seen:
            continue
        total.append(received[item.token] - item.appeared_at)
        poll.append(seen[item.token] - item.appeared_at)
        pipeline.append(received[item.token] - seen[item.token])
    return Latency(setup, total, poll, pipeline, len(feeds.items) - len(baseline))


async def _drive(feeds: FeedServer, api: FakeBotApi, store: Store) -> set[str]:
    """Wait for the baselines, publish ITEMS items, wait for their alerts; return the baseline."""
    async def baselined() -> bool:
        rows = await store.list_feeds()
        return len(rows) == feeds.feeds and all(r["baseline_done"] for r in rows)

    if not await eventually(baselined, 30):
        raise RuntimeError("the poller never took the feeds' baselines")
    baseline = {item.token for item in feeds.items}
    texts = iter(catalogue(ITEMS + 20)[feeds.feeds:])
    done = asyncio.Event()
    feeder = asyncio.create_task(_feed_items(feeds, texts, done))

    async def delivered() -> bool:
        return done.is_set() and {i.token for i in feeds.items} - baseline <= _received(api).keys()

    await eventually(delivered, ITEMS * SPACING_S + 30, 0.25)
    await feeder
    return baseline


async def latency_in_process() -> Latency:
    """All services in this process: embedded NATS, SQLite, as `frontwatch run`."""
    with tempfile.TemporaryDirectory(prefix="fw-bench-") as tmp:
        async with FakeBotApi(private_interval_s=TELEGRAM_INTERVAL_S) as api, \
                FeedServer(feeds=4) as feeds:
            for i, text in enumerate(catalogue(feeds.feeds)):
                feeds.add(text, i)
            settings = Settings(
                data_dir=Path(tmp), allow_private_urls=True, poll_interval_s=POLL_S,
                min_poll_interval_s=POLL_S, corroboration_window_s=0, update_interval_s=0,
                console_alerts=False, feeds=[FeedConfig(url=u) for u in feeds.urls],
                subscribers=[SubscriberConfig(channel="telegram", target=str(CHAT))])
            stop = asyncio.Event()
            ready: asyncio.Future[Store] = asyncio.get_running_loop().create_future()

            async def on_ready(rt: Runtime) -> None:
                ready.set_result(rt.store)

            with _environ(FRONTWATCH_TELEGRAM_TOKEN=api.token, FRONTWATCH_TELEGRAM_API_URL=api.base_url,
                          FRONTWATCH_TELEGRAM_PRIVATE_INTERVAL_S=str(TELEGRAM_INTERVAL_S)):
                task = asyncio.create_task(run_services(settings, ROLES, stop, embed_broker=True,
                                                        on_ready=on_ready))
                try:
                    store = await asyncio.wait_for(ready, 30)
                    baseline = await _drive(feeds, api, store)
                    seen = await _first_seen(store)
                finally:
                    stop.set()
                    await asyncio.wait_for(task, 30)
            return _latency("1 process, embedded NATS, SQLite", feeds, baseline, seen, _received(api))


@contextlib.asynccontextmanager
async def _shared_servers() -> AsyncIterator[tuple[str, str, str, Store]]:
    """(NATS URL, namespace, schema, store) on the machine's NATS and PostgreSQL, cleaned up after."""
    tag = uuid.uuid4().hex[:10]
    namespace, schema = f"bench{tag}", f"bench_{tag}"
    store = Store(PG_URL, schema=schema)
    await store.start()
    try:
        yield NATS_URL, namespace, schema, store
    finally:
        await store.close()
        await drop_schema(PG_URL, schema)
        await delete_stream(NATS_URL, f"{namespace}.")


def _service_env(nats: str, namespace: str, schema: str, **extra: str) -> dict[str, str]:
    return clean_env(
        FRONTWATCH_BROKER_URL=nats, FRONTWATCH_STORE_URL=PG_URL, FRONTWATCH_STORE_SCHEMA=schema,
        FRONTWATCH_NAMESPACE=namespace, FRONTWATCH_LOG_FORMAT="json", FRONTWATCH_LOG_LEVEL="WARNING",
        FRONTWATCH_CONSOLE_ALERTS="false", FRONTWATCH_ALLOW_PRIVATE_URLS="true",
        FRONTWATCH_CORROBORATION_WINDOW_S="0", FRONTWATCH_UPDATE_INTERVAL_S="0", **extra)


async def latency_processes() -> Latency:
    """2 pollers, 3 classifiers, 2 notifiers as processes on NATS and PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="fw-bench-") as tmp:
        async with _shared_servers() as (nats, namespace, schema, store), \
                FakeBotApi(private_interval_s=TELEGRAM_INTERVAL_S / 2) as api, \
                FeedServer(feeds=4) as feeds:
            for i, text in enumerate(catalogue(feeds.feeds)):
                feeds.add(text, i)
            config = write_config(Path(tmp) / "frontwatch.toml", feeds.urls, [CHAT])
            env = _service_env(
                nats, namespace, schema, FRONTWATCH_CONFIG=str(config),
                FRONTWATCH_POLL_INTERVAL_S=str(POLL_S), FRONTWATCH_MIN_POLL_INTERVAL_S=str(POLL_S),
                FRONTWATCH_TELEGRAM_TOKEN=api.token, FRONTWATCH_TELEGRAM_API_URL=api.base_url,
                FRONTWATCH_TELEGRAM_PRIVATE_INTERVAL_S=str(TELEGRAM_INTERVAL_S))
            procs = [ServiceProcess(role, env, Path(tmp), f"{role}{i}")
                     for role, n in (("poller", 2), ("classifier", 3), ("notifier", 2)) for i in range(n)]
            try:
                await asyncio.gather(*(p.start() for p in procs))
                await asyncio.gather(*(p.wait_ready(60) for p in procs))
                baseline = await _drive(feeds, api, store)
                seen = await _first_seen(store)
            finally:
                await asyncio.gather(*(p.stop() for p in procs))
            return _latency("2+3+2 processes, NATS, PostgreSQL", feeds, baseline, seen, _received(api))


async def _acked(bus: Bus, published: int) -> int:
    """Articles the classifier group has finished with (acknowledged), from its JetStream consumer."""
    from nats.js.errors import NotFoundError

    durable = f"{bus.prefix}{subjects.GROUP_CLASSIFIER}".replace(".", "_")
    try:
        info = await bus.broker.connection.jetstream().consumer_info(bus.stream_name, durable)
    except NotFoundError:
        return 0
    return published - int(info.num_pending or 0) - int(info.num_ack_pending or 0)


async def classifier_throughput(replicas: int, texts: list[str], nats_url: str | None) -> dict[str, Any]:
    """Articles per second that `replicas` classifier processes fold from a backlog; on the machine's
    NATS and PostgreSQL when `nats_url` is given, else on an embedded NATS and a SQLite file."""
    with tempfile.TemporaryDirectory(prefix="fw-bench-") as tmp:
        async with contextlib.AsyncExitStack() as stack:
            if nats_url is not None:
                _, namespace, schema, store = await stack.enter_async_context(_shared_servers())
                env = _service_env(nats_url, namespace, schema)
                backend = "PostgreSQL"
            else:
                nats = await stack.enter_async_context(EmbeddedNats(Path(tmp) / "nats"))
                nats_url, namespace = nats.url, "bench"
                url = f"sqlite+aiosqlite:///{tmp}/bench.db"
                store = Store(url)
                await store.start()
                stack.push_async_callback(store.close)
                env = _service_env(nats_url, namespace, "", FRONTWATCH_STORE_URL=url)
                env.pop("FRONTWATCH_STORE_SCHEMA")
                backend = "SQLite"
            bus = make_bus(nats_url, prefix=f"{namespace}.")
            await bus.start()
            stack.push_async_callback(bus.stop)
            for i, text in enumerate(texts):
                await bus.publish(article(text, f"{i:012x}"), subjects.ARTICLES, msg_id=f"tp-{i}")
            procs = [ServiceProcess("classifier", env, Path(tmp), f"classifier{i}") for i in range(replicas)]
            marks: dict[int, float] = {}
            cpu: dict[int, float] = {}
            started = time.monotonic()
            await asyncio.gather(*(p.start() for p in procs))
            try:
                async def progressed() -> bool:
                    done = await _acked(bus, len(texts))
                    for pct in (10, 90):
                        if done >= len(texts) * pct / 100 and pct not in marks:
                            marks[pct] = time.monotonic()
                            cpu[pct] = sum(p.cpu_s() for p in procs)
                    return done >= len(texts)

                finished = await eventually(progressed, 180, 0.1)
            finally:
                await asyncio.gather(*(p.stop() for p in procs))
            elapsed = marks.get(90, float("nan")) - marks.get(10, float("nan"))
            used = cpu.get(90, float("nan")) - cpu.get(10, float("nan"))
            return {"classifiers": replicas, "store": backend, "articles": len(texts),
                    "finished": finished,
                    "articles_per_s": 0.8 * len(texts) / elapsed if elapsed > 0 else float("nan"),
                    "articles_per_cpu_s": 0.8 * len(texts) / used if used > 0 else float("nan"),
                    "wall_s": time.monotonic() - started}


def _table(latencies: list[Latency], throughput: list[dict[str, Any]]) -> None:
    print("\npipeline latency (item appears on feed -> alert received by the Bot API), seconds")
    head = f"{'setup':<36} {'items':>5} {'p50':>6} {'p95':>6} {'poll p50':>9} {'poll p95':>9} " \
           f"{'pipe p50':>9} {'pipe p95':>9}"
    print(head)
    print("-" * len(head))
    for lat in latencies:
        r = lat.row()
        print(f"{r['setup']:<36} {r['delivered']:>2}/{r['items']:<2} {r['p50_s']:>6.2f} {r['p95_s']:>6.2f} "
              f"{r['poll_p50_s']:>9.2f} {r['poll_p95_s']:>9.2f} {r['pipeline_p50_s']:>9.2f} "
              f"{r['pipeline_p95_s']:>9.2f}")
    print(f"(poll interval {POLL_S:g} s; pipeline p95 target < 1 s)")
    if throughput:
        print("\nclassifier scale-out (backlog of articles on the articles subject)")
        print(f"{'classifiers':>11} {'store':>10} {'articles':>8} {'articles/s':>10} {'speed-up':>8} "
              f"{'articles/CPU-s':>14}")
        base = throughput[0]["articles_per_s"]
        for t in throughput:
            print(f"{t['classifiers']:>11} {t['store']:>10} {t['articles']:>8} {t['articles_per_s']:>10.0f} "
                  f"{t['articles_per_s'] / base:>7.2f}x {t['articles_per_cpu_s']:>14.0f}")
    print(f"(machine: {os.cpu_count()} CPUs)")


async def _run() -> dict[str, Any]:
    configure_logging("json", "WARNING")
    latencies = [await latency_in_process()]
    servers = _reachable(4222) and _reachable(5432)
    if servers:
        latencies.append(await latency_processes())
    texts = catalogue(BACKLOG)
    nats = NATS_URL if servers else None  # else embedded NATS and SQLite
    throughput = [await classifier_throughput(n, texts, nats) for n in CLASSIFIER_COUNTS]
    _table(latencies, throughput)
    main = latencies[0].row()
    return {"bench": "pipeline", "p50_s": round(main["p50_s"], 3), "p95_s": round(main["p95_s"], 3),
            "pipeline_p95_s": round(main["pipeline_p95_s"], 3),
            "pipeline_p50_s": round(main["pipeline_p50_s"], 3),
            "poll_p50_s": round(main["poll_p50_s"], 3),
            "processes": {k: round(v, 3) for k, v in latencies[1].row().items()
                          if k.endswith("_s")} if servers else None,
            "classifier_articles_per_s": {str(t["classifiers"]): round(t["articles_per_s"], 1)
                                          for t in throughput},
            "classifier_articles_per_cpu_s": round(throughput[0]["articles_per_cpu_s"], 1)}


def run() -> dict[str, Any]:
    """Measure, print the table, return the JSON summary."""
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
