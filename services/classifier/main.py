"""The classifier service: articles in, developments out, state in the store."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

from services.classifier.developments import (
    DevelopmentState,
    Fact,
    apply_fact,
    event_key,
    facts_from,
    find_match,
    index_key,
    joinable,
)
from services.classifier.rules import classify
from shared import metrics, subjects
from shared.broker import Bus
from shared.logging import get_logger
from shared.messages import Article, Development
from shared.store import DevelopmentSession, DevelopmentWrite, Store, StoredDevelopment

__all__ = ["ClassifierService"]

log = get_logger("classifier")
MAX_CONFLICTS = 8
Loaded = StoredDevelopment | None
# Recent developments per (label, kind, group) a differently-keyed report is compared with.
MAX_INDEXED_KEYS = 20
# The index row of a fact that find_match never joins to another key: none is read or written.
_UNINDEXED: Final = StoredDevelopment("", 0, {})
# Decoded candidate trackers a replica keeps: up to 20 per index row read recently.
TRACKER_CACHE = 4096


def utcnow() -> datetime:
    return datetime.now(UTC)


class ClassifierService:
    """Classify each article and fold its facts into developments shared by all replicas."""

    def __init__(self, store: Store, bus: Bus, *, now: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.bus = bus
        self.now = now
        # Per index key, the developments it listed when last read: key -> (revision, tracker).
        self._candidates: dict[str, dict[str, tuple[int, DevelopmentState]]] = {}
        self._cached = 0  # trackers held in _candidates
        bus.subscribe(subjects.ARTICLES, subjects.GROUP_CLASSIFIER, Article, self.handle)

    async def handle(self, article: Article) -> None:
        """Publish a development for every new or changed fact the article reports."""
        started = time.perf_counter()
        result = classify(article.text, article.lang, (article.published or article.first_seen).year)
        metrics.CLASSIFICATION_LATENCY.observe(time.perf_counter() - started)
        facts = facts_from(article, result)
        if not facts:
            return
        folded: list[Development] = []
        # One store connection for the article's reads and compare-and-sets, released before
        # publishing: a slow broker must not hold store connections.
        async with self.store.developments_session() as session:
            for fact in facts:
                key, stored, index = await self._resolve_key(session, fact)
                # The index row is written with the development (one round trip) when it does
                # not list the key yet; if that write lost a race, it is retried on its own.
                listing = self._listing(fact, key, index)
                dev, listed = await self._fold(session, key, fact, article, stored, listing)
                if listing is not None and not listed:
                    if listed is False:
                        index = (await session.load([listing.key])).get(listing.key)
                    await self._remember(session, fact, key, index)
                if dev is not None:
                    folded.append(dev)
        for dev in folded:
            await self.bus.publish(dev, subjects.DEVELOPMENTS, msg_id=f"{dev.development_id}:{dev.revision}")
            metrics.DEVELOPMENTS.labels(status=dev.status).inc()
            log.info(
                "development",
                development_id=dev.development_id,
                status=dev.status,
                revision=dev.revision,
                labels=dev.labels,
                article_id=article.article_id,
            )

    async def _resolve_key(self, session: DevelopmentSession, fact: Fact) -> tuple[str, Loaded, Loaded]:
        """The key of the development this fact reports (its own event key, or that of a recent
        development an outlet named differently: another place spelling, language or precision),
        with that key's stored row and the index row (`_UNINDEXED` for facts find_match never
        joins), read in one query (two when the fact joins a development under another key whose
        state the store did not send again)."""
        key = event_key(fact)
        if not joinable(fact):
            return key, (await session.load([key])).get(key), _UNINDEXED
        ikey = index_key(fact)
        seen = self._candidates.get(ikey, {})
        rows, candidates = await session.load_with_candidates(
            key, ikey, {k: revision for k, (revision, _) in seen.items()}
        )
        index = rows.get(ikey)
        if key in rows:
            return key, rows[key], index
        # Every new report under an index reads the same candidates again: the store sends the
        # state of those whose revision this replica has decoded already only once.
        trackers = {
            row.key: seen[row.key]
            if row.state_json is None
            else (row.revision, DevelopmentState.from_json(json.loads(row.state_json)["tracker"]))
            for row in candidates
        }
        self._keep_candidates(ikey, trackers)
        match = find_match(fact, [tracker for _, tracker in trackers.values()], now=self.now())
        if match is None:
            return key, None, index
        row = next(r for r in candidates if r.key == match.key)
        if row.state_json is None:  # the fold needs the whole row
            stored = (await session.load([match.key])).get(match.key)
        else:
            stored = StoredDevelopment(row.development_id, row.revision, json.loads(row.state_json))
        return match.key, stored, index

    def _keep_candidates(self, ikey: str, trackers: dict[str, tuple[int, DevelopmentState]]) -> None:
        """Remember what an index listed (a new dict each time: a handler still holding the old one
        keeps a consistent view), forgetting the indexes read longest ago beyond TRACKER_CACHE."""
        self._cached += len(trackers) - len(self._candidates.pop(ikey, {}))
        self._candidates[ikey] = trackers
        while self._cached > TRACKER_CACHE and len(self._candidates) > 1:
            self._cached -= len(self._candidates.pop(next(iter(self._candidates))))

    @staticmethod
    def _listing(fact: Fact, key: str, index: Loaded) -> DevelopmentWrite | None:
        """The write listing `key` first under its label, kind and group (so later reports can
        find it), None if the index row lists it already or the fact has none."""
        if index is _UNINDEXED:
            return None
        keys: list[str] = list(index.state.get("keys", [])) if index else []
        if key in keys:
            return None
        return DevelopmentWrite(
            index_key(fact),
            "index",
            revision=index.revision + 1 if index else 1,
            expected=index.revision if index else None,
            state={"keys": [key, *keys][:MAX_INDEXED_KEYS]},
        )

    async def _remember(self, session: DevelopmentSession, fact: Fact, key: str, index: Loaded) -> None:
        """List `key` under its label, kind and group so later reports can find it."""
        for _ in range(MAX_CONFLICTS):
            listing = self._listing(fact, key, index)
            if listing is None or await session.save_all([listing], now=self.now()):
                return
            index = (await session.load([listing.key])).get(listing.key)

    async def _fold(
        self,
        session: DevelopmentSession,
        key: str,
        fact: Fact,
        article: Article,
        stored: Loaded,
        listing: DevelopmentWrite | None,
    ) -> tuple[Development | None, bool | None]:
        """Fold the fact into the development of `key`, and (in the same round trip, on the first
        attempt) write `listing`; the development to publish, and whether `listing` was written
        (None: not tried)."""
        listed: bool | None = None
        # Compare-and-set on the row version: a replica that lost the race reloads and retries.
        for attempt in range(MAX_CONFLICTS):
            if attempt:
                stored = (await session.load([key])).get(key)
            last = stored.state.get("last") if stored else None
            if last and article.article_id in {s["article_id"] for s in last["sources"]}:
                # A redelivered article: the crash may have come between saving and publishing,
                # so publish its revision again; the message id makes that harmless.
                return Development.model_validate(last), listed
            state = DevelopmentState.from_json(stored.state["tracker"]) if stored else None
            new_state, dev = apply_fact(fact, state, article, now=self.now())
            if dev is not None and last and dev.status == "update":
                dev = dev.model_copy(update={"previous_figures": Development.model_validate(last).figures})
            write = DevelopmentWrite(
                key,
                new_state.development_id,
                revision=stored.revision + 1 if stored else 1,
                expected=stored.revision if stored else None,
                state={"tracker": new_state.to_json(), "last": dev.model_dump(mode="json") if dev else last},
            )
            also = [listing] if listing is not None and listed is None else []
            saved = await session.save_all([write, *also], now=self.now())
            if also:
                listed = also[0].key in saved
            if key in saved:
                return dev, listed
        raise RuntimeError(f"development {key} kept changing under us; the article will be retried")
