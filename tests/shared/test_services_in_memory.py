"""Service handlers over FastStream's in-memory NATS test broker: the wiring, without a server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faststream.nats import TestNatsBroker

from services.classifier.main import ClassifierService
from services.notifier.main import NotifierService
from shared import subjects
from shared.broker import Bus, make_bus
from shared.messages import Article, Development, Figure
from shared.store import Store

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'fw.db'}")
    await store.start()
    yield store
    await store.close()


def article(aid: str, text: str) -> Article:
    return Article(
        article_id=aid, feed_url="https://example.org/feed", title=text, text=text, lang="en", first_seen=NOW
    )


def classifier_bus(store: Store) -> tuple[Bus, list[Development]]:
    """A classifier on an in-memory bus, and the list its published developments land in."""
    bus = make_bus("nats://in-memory")
    ClassifierService(store, bus, now=lambda: NOW)
    published: list[Development] = []

    async def collect(dev: Development) -> None:
        published.append(dev)

    bus.subscribe(subjects.DEVELOPMENTS, subjects.GROUP_NOTIFIER, Development, collect)
    return bus, published


async def test_classifier_publishes_new_then_update(store: Store) -> None:
    """An article with a toll publishes a new development; a later higher toll publishes its update."""
    bus, published = classifier_bus(store)

    async with TestNatsBroker(bus.broker) as broker:
        await broker.publish(
            article("a1", "The death toll of civilians in Baghuz rose to 388.").model_dump_json(),
            bus.subject(subjects.ARTICLES),
        )
        await broker.publish(
            article("a2", "The death toll of civilians in Baghuz rose to 400.").model_dump_json(),
            bus.subject(subjects.ARTICLES),
        )
    assert [(d.status, d.revision) for d in published] == [("new", 1), ("update", 2)]
    assert published[0].development_id == published[1].development_id
    assert max(f.count or 0 for f in published[1].previous_figures) == 388


async def test_classifier_redelivery_publishes_no_new_revision(store: Store) -> None:
    """The same article delivered twice yields the same revision again, which the broker de-duplicates."""
    bus, published = classifier_bus(store)

    body = article("a1", "About 150 ISIS fighters surrendered to the SDF in Baghuz.").model_dump_json()
    async with TestNatsBroker(bus.broker) as broker:
        await broker.publish(body, bus.subject(subjects.ARTICLES))
        await broker.publish(body, bus.subject(subjects.ARTICLES))
    assert {(d.development_id, d.revision) for d in published} == {(published[0].development_id, 1)}


async def test_notifier_queues_one_alert_per_matching_subscription(store: Store) -> None:
    """A development is committed to the outbox once per subscriber that wants it, and never twice."""
    await store.add_subscription("email", "all@example.org", filters={}, mode="immediate", now=NOW)
    await store.add_subscription(
        "email", "surrender@example.org", filters={"labels": ["surrender"]}, mode="immediate", now=NOW
    )
    bus = make_bus("nats://in-memory")
    NotifierService(store, bus, {}, now=lambda: NOW)
    dev = Development(
        development_id="d1",
        labels=["casualty_update"],
        first_seen=NOW,
        detected_at=NOW,
        figures=[Figure(kind="killed", count=388, who="civilians")],
    )
    async with TestNatsBroker(bus.broker) as broker:
        await broker.publish(dev.model_dump_json(), bus.subject(subjects.DEVELOPMENTS))
        await broker.publish(dev.model_dump_json(), bus.subject(subjects.DEVELOPMENTS))
    assert await store.outbox_counts() == {"pending": 1}
