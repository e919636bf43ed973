"""The classifier service: articles in, developments out, state in the store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from services.classifier.developments import (
    DevelopmentState,
    Fact,
    apply_fact,
    event_key,
    facts_from,
    find_match,
    index_key,
)
from services.classifier.rules import classify
from shared import metrics, subjects
from shared.broker import Bus
from shared.logging import get_logger
from shared.messages import Article, Development
from shared.store import Store, StoredDevelopment

__all__ = ["ClassifierService"]

log = get_logger("classifier")
MAX_CONFLICTS = 8
Loaded = StoredDevelopment | None
# Recent developments per (label, kind, group) a differently-keyed report is compared with.
MAX_INDEXED_KEYS = 20


def utcnow() -> datetime:
    return datetime.now(UTC)


class ClassifierService:
    """Classify each article and fold its facts into developments shared by all replicas."""

    def __init__(self, store: Store, bus: Bus, *, now: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.bus = bus
        self.now = now
        bus.subscribe(subjects.ARTICLES, subjects.GROUP_CLASSIFIER, Article, self.handle)

    async def handle(self, article: Article) -> None:
        """Publish a development for every new or changed fact the article reports."""
        started = time.perf_counter()
        result = classify(article.text, article.lang)
        metrics.CLASSIFICATION_LATENCY.observe(time.perf_counter() - started)
        for fact in facts_from(article, result):
            key, stored, index = await self._resolve_key(fact)
            dev = await self._fold(key, fact, article, stored)
            await self._remember(fact, key, index)
            if dev is not None:
                await self.bus.publish(
                    dev, subjects.DEVELOPMENTS, msg_id=f"{dev.development_id}:{dev.revision}"
                )
                metrics.DEVELOPMENTS.labels(status=dev.status).inc()
                log.info(
                    "development",
                    development_id=dev.development_id,
                    status=dev.status,
                    revision=dev.revision,
                    labels=dev.labels,
                    article_id=article.article_id,
                )

    async def _resolve_key(self, fact: Fact) -> tuple[str, Loaded, Loaded]:
        """The key of the development this fact reports (its own event key, or that of a recent
        development an outlet named differently: another place spelling, language or precision),
        with that key's stored row and the index row, read in at most two queries."""
        key, ikey = event_key(fact), index_key(fact)
        rows = await self.store.load_developments([key, ikey])
        index = rows.get(ikey)
        if key in rows:
            return key, rows[key], index
        known = await self.store.load_developments(index.state.get("keys", []) if index else [])
        candidates = [DevelopmentState.from_json(row.state["tracker"]) for row in known.values()]
        match = find_match(fact, candidates, now=self.now())
        if match is None:
            return key, None, index
        return match.key, known.get(match.key), index

    async def _remember(self, fact: Fact, key: str, index: Loaded) -> None:
        """List `key` under its label, kind and group so later reports can find it."""
        ikey = index_key(fact)
        for _ in range(MAX_CONFLICTS):
            keys: list[str] = list(index.state.get("keys", [])) if index else []
            if key in keys:
                return
            state = {"keys": [key, *keys][:MAX_INDEXED_KEYS]}
            if await self.store.save_development(
                ikey, "index", revision=index.revision + 1 if index else 1,
                expected=index.revision if index else None, state=state, now=self.now(),
            ):
                return
            index = await self.store.load_development(ikey)

    async def _fold(self, key: str, fact: Fact, article: Article, stored: Loaded) -> Development | None:
        # Compare-and-set on the row version: a replica that lost the race reloads and retries.
        for attempt in range(MAX_CONFLICTS):
            if attempt:
                stored = await self.store.load_development(key)
            last = stored.state.get("last") if stored else None
            if last and article.article_id in {s["article_id"] for s in last["sources"]}:
                # A redelivered article: the crash may have come between saving and publishing,
                # so publish its revision again; the message id makes that harmless.
                return Development.model_validate(last)
            state = DevelopmentState.from_json(stored.state["tracker"]) if stored else None
            new_state, dev = apply_fact(fact, state, article, now=self.now())
            if dev is not None and last and dev.status == "update":
                dev = dev.model_copy(update={"previous_figures": Development.model_validate(last).figures})
            saved = await self.store.save_development(
                key,
                new_state.development_id,
                revision=stored.revision + 1 if stored else 1,
                expected=stored.revision if stored else None,
                state={"tracker": new_state.to_json(), "last": dev.model_dump(mode="json") if dev else last},
                now=self.now(),
            )
            if saved:
                return dev
        raise RuntimeError(f"development {key} kept changing under us; the article will be retried")
