"""The bus on every broker it supports: durable, shared by replicas, tolerant of bad messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.broker import Bus, make_bus
from shared.embedded_nats import EmbeddedNats
from shared.messages import Article
from tests.conftest import require_server

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)
SUBJECT = "frontwatch.articles"


def article(n: int) -> Article:
    return Article(article_id=f"a{n}", feed_url="https://example.org/feed", title=f"item {n}", first_seen=NOW)


@pytest.fixture(params=["embedded-nats", "rabbitmq", "redis"])
async def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A real broker: the embedded nats-server, or the machine's RabbitMQ or Redis."""
    if request.param == "embedded-nats":
        async with EmbeddedNats(tmp_path) as nats:
            yield nats.url
    else:
        yield require_server(request.param)


async def wait_for(predicate: object, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def started(bus: Bus) -> Bus:
    await bus.start()
    return bus


@pytest.mark.integration
async def test_published_before_consumer_starts_is_delivered(broker_url: str, unique_prefix: str) -> None:
    """A message published while no consumer runs is delivered when one starts (durability)."""
    publisher = await started(make_bus(broker_url, prefix=unique_prefix))
    await publisher.publish(article(1), SUBJECT, msg_id="a1")
    got: list[Article] = []

    async def handle(a: Article) -> None:
        got.append(a)

    consumer = make_bus(broker_url, prefix=unique_prefix)
    consumer.subscribe(SUBJECT, "classifier", Article, handle)
    await consumer.start()
    try:
        await wait_for(lambda: got)
        assert got == [article(1)]
    finally:
        await consumer.stop()
        await publisher.stop()


@pytest.mark.integration
async def test_replicas_share_the_work(broker_url: str, unique_prefix: str) -> None:
    """Two replicas of one group receive each message once between them."""
    got: list[tuple[int, str]] = []
    buses = []
    for replica in range(2):
        bus = make_bus(broker_url, prefix=unique_prefix)

        async def handle(a: Article, replica: int = replica) -> None:
            got.append((replica, a.article_id))

        bus.subscribe(SUBJECT, "classifier", Article, handle)
        buses.append(await started(bus))
    try:
        for n in range(20):
            await buses[0].publish(article(n), SUBJECT, msg_id=f"a{n}")
        await wait_for(lambda: len(got) >= 20)
        await asyncio.sleep(0.3)
        assert sorted(a for _, a in got) == sorted(f"a{n}" for n in range(20))
    finally:
        for bus in buses:
            await bus.stop()


@pytest.mark.integration
async def test_malformed_message_is_dropped_and_next_one_flows(broker_url: str, unique_prefix: str) -> None:
    """A message that is not a valid model is logged and skipped; the queue does not jam."""
    got: list[Article] = []

    async def handle(a: Article) -> None:
        got.append(a)

    bus = make_bus(broker_url, prefix=unique_prefix)
    bus.subscribe(SUBJECT, "classifier", Article, handle)
    await bus.start()
    try:
        raw = make_bus(broker_url, prefix=unique_prefix)
        await raw.start()
        await raw.publish(Article.model_construct(article_id="bad"), SUBJECT, msg_id="bad")  # type: ignore[call-arg]
        await raw.publish(article(2), SUBJECT, msg_id="a2")
        await wait_for(lambda: got)
        assert [a.article_id for a in got] == ["a2"]
        await raw.stop()
    finally:
        await bus.stop()


@pytest.mark.integration
async def test_failed_handler_gets_the_message_again(broker_url: str, unique_prefix: str) -> None:
    """A handler that fails once sees the same message redelivered, so nothing is lost."""
    attempts: list[str] = []

    async def handle(a: Article) -> None:
        attempts.append(a.article_id)
        if len(attempts) == 1:
            raise ConnectionError("store briefly down")

    bus = make_bus(broker_url, prefix=unique_prefix)
    bus.subscribe(SUBJECT, "classifier", Article, handle)
    await bus.start()
    try:
        await bus.publish(article(3), SUBJECT, msg_id="a3")
        await wait_for(lambda: len(attempts) >= 2, timeout=90 if "redis" in broker_url else 10)
        assert attempts[:2] == ["a3", "a3"]
    finally:
        await bus.stop()


async def test_jetstream_drops_republished_duplicate(tmp_path: Path, unique_prefix: str) -> None:
    """Publishing the same message id twice on NATS delivers it once (crash between publish and save)."""
    got: list[str] = []

    async def handle(a: Article) -> None:
        got.append(a.article_id)

    async with EmbeddedNats(tmp_path) as nats:
        bus = make_bus(nats.url, prefix=unique_prefix)
        bus.subscribe(SUBJECT, "classifier", Article, handle)
        await bus.start()
        await bus.publish(article(4), SUBJECT, msg_id="a4")
        await bus.publish(article(4), SUBJECT, msg_id="a4")
        await bus.publish(article(5), SUBJECT, msg_id="a5")
        await wait_for(lambda: len(got) >= 2)
        await asyncio.sleep(0.3)
        await bus.stop()
    assert got == ["a4", "a5"]
