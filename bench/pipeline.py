"""Pipeline latency and classifier scale-out.

Latency: an item appears on a local feed server → its alert reaches a fake Telegram Bot API
(`tests/notifier/fake_bot_api.py`, driven by the real python-telegram-bot client), split into the
wait for the poll (item appears → the poller first sees it, `seen_items.first_seen`) and the
pipeline itself (first sight → alert received). Corroboration window and update spacing 0.
Measured twice when the machine has NATS and PostgreSQL on 127.0.0.1: all services in one process
(`run_services`, embedded NATS, SQLite, as `frontwatch run`) and as separate processes
(2 pollers, 3 classifiers, 2 notifiers on NATS and PostgreSQL). Without those servers only the
first runs.

Scale-out: a backlog of N articles published straight to the articles subject, then 1, 2 or 3
`frontwatch classifier` processes; throughput is articles acknowledged per second (from the
JetStream consumer) from the moment every replica is ready (and at least 10 % of the backlog is
done) to 90 % of the backlog, so that no replica's start-up falls in the measured stretch, and
articles per CPU-second of the classifier processes over the same stretch. On the machine's
servers the CPU that the PostgreSQL backends serving the classifiers and nats-server spent over
that stretch is reported too, per article: on a small machine they share the cores with the
classifiers.
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
from sqlalchemy import text as sql

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
BACKLOG = 2500  # the catalogue has about 2,500 sentences under distinct event keys
CLASSIFIER_COUNTS = (1, 2, 3)


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


def _proc_stat(pid: str) -> tuple[str, list[str]] | None:
    """(command name, fields after it) of /proc/PID/stat, None once the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.index("(") + 1:raw.rindex(")")], raw.rsplit(")", 1)[1].split()


def _sockets(pid: str) -> set[str]:
    """Inodes of the sockets process PID holds open (empty if they cannot be read)."""
    out: set[str] = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    out.add(link[8:-1])
    return out


def _tcp_ports() -> dict[str, tuple[int, int]]:
    """Socket inode -> (local port, remote port) of every TCP connection on this machine."""
    out: dict[str, tuple[int, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                out[f[9]] = (int(f[1].rsplit(":", 1)[1], 16), int(f[2].rsplit(":", 1)[1], 16))
    return out


def _server_cpu_s(clients: list[int]) -> dict[tuple[str, str], float]:
    """(server, pid) -> CPU seconds used so far, from /proc (empty off Linux): nats-server, and
    the PostgreSQL backends serving the processes `clients`, matched by their TCP ports, so that
    other users of the same server are left out."""
    tick = os.sysconf("SC_CLK_TCK")
    ports = _tcp_ports()
    client_ports = {ports[i][0] for pid in clients for i in _sockets(str(pid))
                    if i in ports and ports[i][1] == 5432}
    out: dict[tuple[str, str], float] = {}
    with contextlib.suppress(OSError):
        for pid in filter(str.isdigit, os.listdir("/proc")):
            stat = _proc_stat(pid)
            if stat is None:
                continue
            comm, fields = stat
            if comm == "nats-server":
                out[("nats", pid)] = (int(fields[11]) + int(fields[12])) / tick
            elif comm.startswith("postgres") and any(
                    ports.get(i, (0, 0))[1] in client_ports and ports[i][0] == 5432
                    for i in _sockets(pid)):
                out[("postgres", pid)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks; zeros off Linux."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # all but idle and iowait


def _server_ms(before: dict[tuple[str, str], float], after: dict[tuple[str, str], float],
               articles: float) -> dict[str, float]:
    """CPU milliseconds per article of each server between two `_server_cpu_s` readings (a backend
    that connected in between counts from its start)."""
    out: dict[str, float] = {}
    for (name, pid), used in after.items():
        key = f"{name}_cpu_ms_per_article"
        out[key] = out.get(key, 0.0) + 1000 * (used - before.get((name, pid), 0.0)) / articles
    return out


async def _analyze(store: Store) -> None:
    """ANALYZE the bench's fresh schema once the classifiers run, as autovacuum would within its
    first minute. Before that PostgreSQL has no statistics of the tables, and the generic plans it
    caches for the services' prepared statements scan the whole developments table on every
    look-up by key, however large it grows; the new statistics invalidate those plans."""
    async with store.engine.begin() as conn:
        await conn.execute(sql("ANALYZE"))


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
            # (monotonic time, articles acknowledged, classifier CPU-s, server CPU-s, machine
            # busy and total jiffies) at the start and at the end of the measured stretch.
            marks: dict[str, tuple[float, int, float, dict[tuple[str, str], float], tuple[int, int]]] = {}
            ready = asyncio.Event()

            async def all_ready() -> None:
                await asyncio.gather(*(p.wait_ready(60) for p in procs))
                ready.set()

            def mark(name: str, done: int) -> None:
                marks[name] = (time.monotonic(), done, sum(p.cpu_s() for p in procs),
                               _server_cpu_s([p.proc.pid for p in procs if p.proc])
                               if backend == "PostgreSQL" else {}, _machine_jiffies())

            started = time.monotonic()
            await asyncio.gather(*(p.start() for p in procs))
            readiness = asyncio.create_task(all_ready())
            try:
                async def progressed() -> bool:
                    if readiness.done():
                        readiness.result()  # a replica that died or never became ready
                    done = await _acked(bus, len(texts))
                    # Start-up excluded: from the moment every replica consumes (and 10 % is done).
                    if "start" not in marks and ready.is_set() and done >= len(texts) * 0.1:
                        if backend == "PostgreSQL":
                            await _analyze(store)
                        mark("start", done)
                    if "start" in marks and "end" not in marks and done >= len(texts) * 0.9:
                        mark("end", done)
                    return done >= len(texts)

                finished = await eventually(progressed, 180, 0.1)
            finally:
                readiness.cancel()
                await asyncio.gather(*(p.stop() for p in procs))
            nan = (float("nan"), 0, float("nan"), {}, (0, 0))
            (t0, done0, cpu0, servers0, busy0), (t1, done1, cpu1, servers1, busy1) = (
                marks.get("start", nan), marks.get("end", nan))
            n, elapsed, used = done1 - done0, t1 - t0, cpu1 - cpu0
            jiffies = busy1[1] - busy0[1]
            return {"classifiers": replicas, "store": backend, "articles": len(texts),
                    "finished": finished, "measured": n,
                    "articles_per_s": n / elapsed if elapsed > 0 else float("nan"),
                    "articles_per_cpu_s": n / used if used > 0 else float("nan"),
                    "classifier_cpu_ms_per_article": 1000 * used / n if n > 0 else float("nan"),
                    **(_server_ms(servers0, servers1, n) if n > 0 else {}),
                    "machine_busy_pct": 100 * (busy1[0] - busy0[0]) / jiffies if jiffies else float("nan"),
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
              f"{'articles/CPU-s':>14} {'CPU ms/article: classifier':>26} {'postgres':>8} {'nats':>6} "
              f"{'machine busy':>12}")
        base = throughput[0]["articles_per_s"]
        for t in throughput:
            print(f"{t['classifiers']:>11} {t['store']:>10} {t['articles']:>8} {t['articles_per_s']:>10.0f} "
                  f"{t['articles_per_s'] / base:>7.2f}x {t['articles_per_cpu_s']:>14.0f} "
                  f"{t['classifier_cpu_ms_per_article']:>26.2f} "
                  f"{t.get('postgres_cpu_ms_per_article', float('nan')):>8.2f} "
                  f"{t.get('nats_cpu_ms_per_article', float('nan')):>6.2f} "
                  f"{t['machine_busy_pct']:>11.0f}%")
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
