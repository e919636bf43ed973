"""Many replicas as separate processes on the machine's NATS and PostgreSQL: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared import subjects
from shared.broker import Bus, make_bus
from shared.messages import Development
from shared.store import Store
from tests.conftest import require_server
from tests.notifier.fake_bot_api import FakeBotApi
from tests.scale.harness import (
    FeedServer,
    ServiceProcess,
    article,
    catalogue,
    clean_env,
    delete_stream,
    delivered_tokens,
    drop_schema,
    eventually,
    store_developments,
    write_config,
)

CHATS = [71001, 71002]
PUBLISH_S = 30.0
ITEMS_PER_S = 3.0
DRAIN_S = 25.0


@dataclass
class Env:
    """A private namespace on the shared NATS and a private schema in the shared PostgreSQL."""

    nats: str
    store_url: str
    namespace: str
    schema: str
    store: Store

    def vars(self, **extra: str) -> dict[str, str]:
        return clean_env(
            FRONTWATCH_BROKER_URL=self.nats,
            FRONTWATCH_STORE_URL=self.store_url,
            FRONTWATCH_STORE_SCHEMA=self.schema,
            FRONTWATCH_NAMESPACE=self.namespace,
            FRONTWATCH_LOG_FORMAT="json",
            FRONTWATCH_CONSOLE_ALERTS="false",
            FRONTWATCH_ALLOW_PRIVATE_URLS="true",
            FRONTWATCH_SHUTDOWN_GRACE_S="10",
            FRONTWATCH_CORROBORATION_WINDOW_S="0",
            FRONTWATCH_UPDATE_INTERVAL_S="0",
            **extra,
        )


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    """Real NATS and PostgreSQL with a fresh namespace and schema, removed afterwards."""
    nats = require_server("nats")
    url = require_server("postgres")
    tag = uuid.uuid4().hex[:10]
    namespace, schema = f"scale{tag}", f"scale_{tag}"
    store = Store(url, schema=schema)
    await store.start()  # create the schema once, before replicas race to do it
    try:
        yield Env(nats, url, namespace, schema, store)
    finally:
        await store.close()
        await drop_schema(url, schema)
        await delete_stream(nats, f"{namespace}.")


async def start_all(procs: list[ServiceProcess]) -> None:
    await asyncio.gather(*(p.start() for p in procs))
    await asyncio.gather(*(p.wait_ready(45.0) for p in procs))


async def stop_all(procs: list[ServiceProcess]) -> list[int]:
    return list(await asyncio.gather(*(p.stop() for p in procs)))


async def baselines_done(store: Store, feeds: int) -> bool:
    rows = await store.list_feeds()
    return len(rows) == feeds and all(r["baseline_done"] for r in rows)


@pytest.mark.integration
@pytest.mark.timeout(150)
async def test_two_pollers_three_classifiers_two_notifiers_deliver_each_item_once(
    env: Env,
    tmp_path: Path,
) -> None:
    """With 2 pollers, 3 classifiers and 2 notifiers as separate processes and feeds publishing for 30 s,
    every item becomes one stored development and every development reaches each Telegram chat exactly once."""
    texts = iter(catalogue())
    async with FakeBotApi(private_interval_s=0.1) as api, FeedServer(feeds=6) as feeds:
        for url_index in range(feeds.feeds):
            feeds.add(next(texts), url_index)  # baseline items: seen, never alerted
        config = write_config(tmp_path / "frontwatch.toml", feeds.urls, CHATS)
        variables = env.vars(
            FRONTWATCH_CONFIG=str(config),
            FRONTWATCH_POLL_INTERVAL_S="0.5",
            FRONTWATCH_MIN_POLL_INTERVAL_S="0.5",
            FRONTWATCH_TELEGRAM_TOKEN=api.token,
            FRONTWATCH_TELEGRAM_API_URL=api.base_url,
            FRONTWATCH_TELEGRAM_PRIVATE_INTERVAL_S="0.2",
        )
        procs = [
            ServiceProcess(role, variables, tmp_path, f"{role}{i}")
            for role, count in (("poller", 2), ("classifier", 3), ("notifier", 2))
            for i in range(count)
        ]
        try:
            await start_all(procs)
            assert await eventually(lambda: baselines_done(env.store, feeds.feeds), 20)
            baseline = {item.token for item in feeds.items}

            started = time.monotonic()
            while time.monotonic() - started < PUBLISH_S:
                feeds.add(next(texts))
                await asyncio.sleep(1 / ITEMS_PER_S)
            published = {item.token for item in feeds.items} - baseline

            async def settled() -> bool:
                devs = await store_developments(env.store)
                got = delivered_tokens(api.sent)
                return published <= devs.keys() and all((c, t) in got for c in CHATS for t in devs)

            await eventually(settled, DRAIN_S, 0.5)
        finally:
            codes = await stop_all(procs)

        devs = await store_developments(env.store)
        got = delivered_tokens(api.sent)
        assert len(published) >= PUBLISH_S * ITEMS_PER_S * 0.8
        # The pipeline ran on all replicas: every process did some of the work.
        for proc in procs:
            event = {"poller": "articles_published", "classifier": "development"}.get(proc.role)
            if event:
                assert any(proc.events(event)), f"{proc.name} did nothing:\n{proc.tail()}"
        assert not baseline & devs.keys(), "a baseline item was published"
        missing = published - devs.keys()
        assert not missing, f"{len(missing)} items never became a development"
        assert all(rev == 1 for _, rev in devs.values()), "an item folded into another development"
        duplicates = {k: n for k, n in got.items() if n > 1}
        assert not duplicates, f"alerted more than once: {duplicates}"
        lost = [(c, t) for c in CHATS for t in devs if (c, t) not in got]
        assert not lost, f"{len(lost)} alerts never reached the Bot API"
        assert set(got) == {(c, t) for c in CHATS for t in devs}
        assert codes == [0] * len(procs), [p.tail() for p in procs]


async def audit(env: Env, seen: list[Development]) -> Bus:
    """A consumer group of our own on the developments subject, recording every message."""
    bus = make_bus(env.nats, prefix=f"{env.namespace}.")

    async def record(dev: Development) -> None:
        seen.append(dev)

    bus.subscribe(subjects.DEVELOPMENTS, "audit", Development, record)
    await bus.start()
    return bus


@pytest.mark.integration
@pytest.mark.timeout(150)
async def test_sigterm_to_a_classifier_mid_stream_loses_and_repeats_nothing(
    env: Env,
    tmp_path: Path,
) -> None:
    """A classifier stopped with SIGTERM while articles flow, and replaced by a new one, drains its in-flight
    articles: every published article yields its development exactly once and the old process exits 0."""
    texts = catalogue(600)
    variables = env.vars()
    first, second = (ServiceProcess("classifier", variables, tmp_path, f"classifier{i}") for i in (1, 2))
    replacement = ServiceProcess("classifier", variables, tmp_path, "classifier3")
    publisher = make_bus(env.nats, prefix=f"{env.namespace}.")
    await publisher.start()
    seen: list[Development] = []
    auditor = await audit(env, seen)
    try:
        await start_all([first, second])
        tokens = []
        for i, text in enumerate(texts):
            token = f"{i:012x}"
            await publisher.publish(article(text, token), subjects.ARTICLES, msg_id=f"bench-{token}")
            tokens.append(token)
            if i == len(texts) // 3:
                first.terminate()  # a rolling restart: the old replica drains...
                await replacement.start()  # ...while its successor starts
            await asyncio.sleep(0.002 if i % 4 == 0 else 0)
        first_code = await asyncio.wait_for(first.proc.wait(), 20) if first.proc else None
        await replacement.wait_ready(45.0)

        async def all_announced() -> bool:
            return len({d.development_id for d in seen}) >= len(tokens)

        # Longer than JetStream's 30 s ack wait, should a message need redelivering.
        assert await eventually(all_announced, 45)
        await asyncio.sleep(1.0)  # anything processed twice would publish again by now
    finally:
        codes = await stop_all([p for p in (first, second, replacement) if p.proc])
        await auditor.stop()
        await publisher.stop()

    assert first_code == 0, first.tail()
    assert codes == [0, 0, 0]
    devs = await store_developments(env.store)
    assert sorted(devs) == tokens
    assert all(rev == 1 for _, rev in devs.values())
    # Each article was classified by exactly one replica, once, and announced once.
    logged = [r["article_id"] for p in (first, second, replacement) for r in p.events("development")]
    assert sorted(logged) == sorted(f"bench-{t}" for t in tokens)
    assert sorted(d.development_id for d in seen) == sorted(dev_id for dev_id, _ in devs.values())
    assert any(first.events("development")) and any(replacement.events("development"))
    # The old replica really was mid-batch: it finished articles after it began stopping.
    log = first.log_path.read_text(encoding="utf-8")
    assert '"development"' in log[log.index('"services_stopping"') :], first.tail()
