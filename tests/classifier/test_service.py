"""The classifier service on a real store (SQLite, and PostgreSQL when it runs here): the store
round trips it makes per article, cross-language joining, redelivery and concurrent replicas."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

import shared.store_developments
from services.classifier.main import ClassifierService
from shared.messages import Article, Development
from shared.store import DevelopmentWrite, Store
from shared.store_schema import developments
from tests.conftest import require_server

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)
TOLL = [
    "388 civilians were killed in Baghuz",
    "The number of civilians killed in Syria rose to 400",
    "Civilian death toll in Deir ez-Zor reaches 410",
    "قتل 420 مدنيا في الباغوز",
]


class FakeBus:
    """Collects what the service publishes."""

    def __init__(self) -> None:
        self.published: list[Development] = []

    def subscribe(self, *_: Any) -> None:
        pass

    async def publish(self, item: Development, name: str, *, msg_id: str) -> None:
        assert msg_id == f"{item.development_id}:{item.revision}"
        self.published.append(item)


def article(text_: str, article_id: str) -> Article:
    return Article(
        article_id=article_id,
        feed_url="https://example.org/feed",
        text=text_,
        lang=None,
        link=f"https://example.org/{article_id}",
        first_seen=NOW,
    )


@pytest.fixture(params=["sqlite", "postgres"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, str | None]]:
    """(URL, schema) of an empty store; several Store objects on it act as several replicas."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fw.db'}", None
        return
    url = require_server("postgres")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield url, schema
    admin = Store(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await admin.close()


@pytest.fixture
async def store(store_url: tuple[str, str | None]) -> AsyncIterator[Store]:
    store = Store(store_url[0], schema=store_url[1])
    await store.start()
    yield store
    await store.close()


async def rows(store: Store) -> dict[str, tuple[int, dict[str, Any]]]:
    async with store.engine.connect() as conn:
        result = await conn.execute(select(developments.c.key, developments.c.revision, developments.c.state))
        return {k: (r, s) for k, r, s in result}


def count_statements(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every statement the store sends from now on, as it goes."""
    statements: list[str] = []
    event.listen(
        store.engine.sync_engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql)
    )

    class Counting:  # the PostgreSQL sessions talk to the driver, below SQLAlchemy's events
        def __init__(self, driver: Any) -> None:
            self.driver = driver

        async def fetch(self, sql: str, *args: Any) -> Any:
            statements.append(sql)
            return await self.driver.fetch(sql, *args)

    init = shared.store_developments.PostgresSession.__init__
    monkeypatch.setattr(
        shared.store_developments.PostgresSession,
        "__init__",
        lambda self, driver: init(self, Counting(driver)),
    )
    return statements


async def test_a_new_report_costs_two_statements(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the development, its index row and the candidates is one statement; writing the
    development and listing it in the index is one more (two on SQLite, which runs them apart)."""
    service = ClassifierService(store, FakeBus(), now=lambda: NOW)  # type: ignore[arg-type]
    await service.handle(article("388 civilians were killed in Baghuz", "w0"))
    statements = count_statements(store, monkeypatch)
    await service.handle(article("12 children were killed in Raqqa", "w1"))
    assert len(statements) == (2 if store.dialect == "postgresql" else 3)
    statements.clear()
    await service.handle(article("SDF took control of the village of Hajin", "w2"))
    assert len(statements) == 2  # a territorial fact has no index row: read, write


async def test_reports_named_differently_join_one_development(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province, a country, another province spelling and Arabic: one development, four revisions;
    later country-level reports join it too, whether this replica has its state already or not."""
    bus = FakeBus()
    service = ClassifierService(store, bus, now=lambda: NOW)  # type: ignore[arg-type]
    for i, text_ in enumerate(TOLL):
        await service.handle(article(text_, f"a{i}"))
    assert len({d.development_id for d in bus.published}) == 1
    assert [(d.revision, d.status) for d in bus.published] == [
        (1, "new"),
        (2, "update"),
        (3, "update"),
        (4, "update"),
    ]
    assert [max(f.count or 0 for f in d.figures) for d in bus.published] == [388, 400, 410, 420]
    assert max(f.count or 0 for f in bus.published[-1].previous_figures) == 410
    baghuz = bus.published[0].development_id
    # Another event under the same index: this replica now has Baghuz's current state...
    await service.handle(article("5 civilians were killed in Mosul", "m1"))
    assert bus.published[-1].development_id != baghuz
    statements = count_statements(store, monkeypatch)
    # ... so PostgreSQL does not send it again, and the join reads the row on its own.
    await service.handle(article("The number of civilians killed in Syria rose to 430", "a5"))
    assert (bus.published[-1].development_id, bus.published[-1].revision) == (baghuz, 5)
    assert len(statements) == (3 if store.dialect == "postgresql" else 2)
    # A second replica, which has decoded no candidate yet, joins the next report the same way.
    other = ClassifierService(store, bus, now=lambda: NOW)  # type: ignore[arg-type]
    await other.handle(article("The civilian death toll in Syria rose to 440", "a9"))
    assert (bus.published[-1].development_id, bus.published[-1].revision) == (baghuz, 6)


async def test_redelivered_article_changes_nothing(store: Store) -> None:
    """The same article twice: its revision is published again (the broker drops the copy), the
    stored development and its index row stay as they were."""
    bus = FakeBus()
    service = ClassifierService(store, bus, now=lambda: NOW)  # type: ignore[arg-type]
    await service.handle(article(TOLL[0], "r1"))
    before = await rows(store)
    await service.handle(article(TOLL[0], "r1"))
    assert await rows(store) == before
    assert [(d.development_id, d.revision) for d in bus.published] == [
        (bus.published[0].development_id, 1)
    ] * 2


async def test_replicas_racing_fold_every_report_exactly_once(store_url: tuple[str, str | None]) -> None:
    """Three replicas (own store connections each) all get every article (rising tolls of two
    events) at once: every article is one source of its development, the revisions published are
    gapless, and the index lists each development once."""
    stores = [Store(store_url[0], schema=store_url[1]) for _ in range(3)]
    await stores[0].start()
    buses = [FakeBus() for _ in stores]
    services = [ClassifierService(s, b, now=lambda: NOW) for s, b in zip(stores, buses, strict=True)]  # type: ignore[arg-type]
    texts = [f"{100 + i} civilians were killed in Baghuz" for i in range(12)] + [
        f"{50 + i} children were killed in Raqqa" for i in range(12)
    ]
    arts = [article(t, f"x{i}") for i, t in enumerate(texts)]

    orders = [arts, arts[::-1], arts[len(arts) // 2 :] + arts[: len(arts) // 2]]

    async def replica(n: int) -> None:
        for art in orders[n]:  # every article to every replica, in a different order
            for attempt in range(5):
                try:
                    await services[n].handle(art)
                    break
                except RuntimeError:  # kept changing under us: the broker would redeliver
                    await asyncio.sleep(0.01 * (attempt + 1))
            else:
                raise AssertionError("article never folded")

    try:
        await asyncio.gather(*(replica(n) for n in range(3)))
        stored = await rows(stores[0])
    finally:
        for s in stores:
            await s.close()
    devs = {k: v for k, v in stored.items() if not k.startswith("index|")}
    assert len(devs) == 2
    sources = Counter(s["article_id"] for _, state in devs.values() for s in state["tracker"]["sources"])
    assert sources == Counter({a.article_id: 1 for a in arts})
    published = [(d.development_id, d.revision) for b in buses for d in b.published]
    for dev_id in {d for d, _ in published}:
        revisions = sorted({r for d, r in published if d == dev_id})
        assert revisions == list(range(1, len(revisions) + 1))
    listed = Counter(
        k for key, (_, state) in stored.items() if key.startswith("index|") for k in state["keys"]
    )
    assert set(listed) == set(devs) and set(listed.values()) == {1}


async def test_save_all_is_a_compare_and_set_per_row(store: Store) -> None:
    """Writes of one call succeed or fail each on its own revision."""
    async with store.developments_session() as session:
        first = [
            DevelopmentWrite("d", "id", 1, None, {"n": 1}),
            DevelopmentWrite("i", "index", 1, None, {"keys": ["d"]}),
        ]
        assert await session.save_all(first, now=NOW) == {"d", "i"}
        assert await session.save_all(first, now=NOW) == set()  # both exist already
        mixed = [
            DevelopmentWrite("d", "id", 2, 1, {"n": 2}),
            DevelopmentWrite("i", "index", 2, 7, {"keys": []}),
        ]
        assert await session.save_all(mixed, now=NOW) == {"d"}
        assert await session.save_all([DevelopmentWrite("d", "id", 3, 2, {"n": 3})], now=NOW) == {"d"}
        loaded = await session.load(["d", "i", "nope"])
    assert {k: (v.revision, v.state) for k, v in loaded.items()} == {
        "d": (3, {"n": 3}),
        "i": (1, {"keys": ["d"]}),
    }


async def test_load_with_candidates_reads_the_listed_rows_only_for_a_new_key(store: Store) -> None:
    async with store.developments_session() as session:
        await session.save_all(
            [
                DevelopmentWrite("a", "A", 1, None, {"tracker": {"n": 1}}),
                DevelopmentWrite("b", "B", 2, None, {"tracker": {"n": 2}}),
                DevelopmentWrite("ix", "index", 1, None, {"keys": ["a", "b", "gone"]}),
            ],
            now=NOW,
        )
        found, candidates = await session.load_with_candidates("new", "ix", {})
        assert set(found) == {"ix"}
        assert sorted((c.key, c.revision, json.loads(c.state_json or "")) for c in candidates) == [
            ("a", 1, {"tracker": {"n": 1}}),
            ("b", 2, {"tracker": {"n": 2}}),
        ]
        # A candidate at a revision the reader has comes without its state (PostgreSQL only).
        _, candidates = await session.load_with_candidates("new", "ix", {"a": 1, "b": 1})
        assert sorted((c.key, c.revision, c.state_json is None) for c in candidates) == [
            ("a", 1, store.dialect == "postgresql"),
            ("b", 2, False),
        ]
        found, candidates = await session.load_with_candidates("a", "ix", {})
        assert set(found) == {"a", "ix"} and found["a"].state == {"tracker": {"n": 1}}
        assert candidates == []
        assert await session.load_with_candidates("new", "no-index", {}) == ({}, [])


async def test_a_broken_connection_is_not_pooled_again(store: Store) -> None:
    """PostgreSQL sessions bypass SQLAlchemy's statement path, so they discard a connection the
    server dropped themselves: the article fails once (the broker redelivers it), then folds."""
    if store.dialect != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    bus = FakeBus()
    service = ClassifierService(store, bus, now=lambda: NOW)  # type: ignore[arg-type]
    await service.handle(article(TOLL[0], "b0"))
    async with store.developments_session() as session:
        pid = await session._db.fetchval("SELECT pg_backend_pid()")  # type: ignore[attr-defined]
    admin = Store(store.url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.close()
    with pytest.raises(Exception):  # noqa: B017 - whichever error the driver reports
        for _ in range(store.engine.pool.size() + 1):  # type: ignore[attr-defined]
            await service.handle(article(TOLL[1], "b1"))
    await service.handle(article(TOLL[1], "b1"))
    assert [(d.revision, d.status) for d in bus.published] == [(1, "new"), (2, "update")]
