"""Facts within one text -> developments across texts: grouping, running totals, updates. Pure.

Time window: `event_key` is (label, kind, place, actor, who) without a date bucket, so a toll that
keeps rising across a bucket boundary stays one development; `apply_fact` enforces the window instead:
a fact arriving more than WINDOW after the state's last report starts a new development (new id,
revision 1) under the same key. Repeats: a new source repeating the same figures is recorded in the
state's sources and returns no Development; a lower figure from a lagging source is also only recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from shared.messages import Article, Development, Figure, Label, Source

from .dedup import NEAR_DUPLICATE, signature, similarity
from .facts import Fact, event_key, facts_from, who_key
from .places import locate

__all__ = [
    "WINDOW",
    "DevelopmentState",
    "Fact",
    "apply_fact",
    "event_key",
    "facts_from",
    "find_match",
    "find_near_duplicate",
    "index_key",
    "joinable",
]

WINDOW: Final = timedelta(days=14)


@dataclass
class DevelopmentState:
    """What the lead stores per event key between articles (round-trips through to_json/from_json)."""

    key: str
    development_id: str
    revision: int
    first_seen: datetime
    last_seen: datetime
    label: Label
    values: dict[str, dict[str, Any]]  # "kind|who" -> {"kind","count","who","bound"}
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    signatures: list[list[int]] = field(default_factory=list)
    summary: str = ""
    lang: str = "en"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict (datetimes as ISO strings)."""
        return {
            "key": self.key,
            "development_id": self.development_id,
            "revision": self.revision,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "label": self.label,
            "values": self.values,
            "places": self.places,
            "actors": self.actors,
            "sources": self.sources,
            "signatures": self.signatures,
            "summary": self.summary,
            "lang": self.lang,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DevelopmentState:
        """Inverse of to_json; raises KeyError/ValueError on a malformed dict."""
        return cls(
            key=data["key"],
            development_id=data["development_id"],
            revision=int(data["revision"]),
            first_seen=datetime.fromisoformat(data["first_seen"]),
            last_seen=datetime.fromisoformat(data["last_seen"]),
            label=data["label"],
            values=dict(data.get("values", {})),
            places=list(data.get("places", [])),
            actors=list(data.get("actors", [])),
            sources=list(data.get("sources", [])),
            signatures=[list(s) for s in data.get("signatures", [])],
            summary=data.get("summary", ""),
            lang=data.get("lang", "en"),
        )


def _source(article: Article) -> dict[str, str]:
    return {
        "article_id": article.article_id,
        "url": article.link,
        "title": article.title,
        "feed_url": article.feed_url,
    }


def _fig_key(fig: Figure) -> str:
    return f"{fig.kind}|{who_key(fig.who, '')}"


def _fmt(count: float | None) -> str:
    if count is None:
        return "?"
    return str(int(count)) if float(count).is_integer() else str(count)


def _merge_values(state: DevelopmentState, fact: Fact) -> list[str]:
    """Fold the fact's figures into state.values; return readable changes ("killed: 388 → 400")."""
    changes: list[str] = []
    for i, fig in enumerate(fact.figures):
        if fig.count is None:
            continue
        key = _fig_key(fig) if i else f"{fig.kind}|main"
        old = state.values.get(key)
        old_count = float(old["count"]) if old else None
        if fact.mode == "increment" and i == 0 and old_count is not None:
            new_count = old_count + fig.count
        else:
            # A lower figure from a lagging outlet does not lower the running total.
            new_count = max(fig.count, old_count) if old_count is not None else fig.count
        if old_count is None or new_count != old_count:
            state.values[key] = {"kind": fig.kind, "count": new_count, "who": fig.who, "bound": fig.bound}
            name = fig.kind if i == 0 else f"{fig.kind} ({fig.who or key.split('|')[1]})"
            changes.append(
                f"{name}: {_fmt(old_count)} → {_fmt(new_count)}" if old else f"{name}: {_fmt(new_count)}"
            )
    return changes


def _new_state(fact: Fact, article: Article, when: datetime) -> DevelopmentState:
    key = event_key(fact)
    digest = hashlib.sha256(f"{key}|{when.date().isoformat()}".encode()).hexdigest()[:16]
    return DevelopmentState(
        key,
        digest,
        0,
        when,
        when,
        fact.label,
        {},
        [fact.place] if fact.place else [],
        [fact.actor] if fact.actor else [],
        lang=fact.lang,
    )


def apply_fact(
    fact: Fact, state: DevelopmentState | None, article: Article, *, now: datetime
) -> tuple[DevelopmentState, Development | None]:
    """Fold one fact into the state of its event key.

    Returns the new state and the Development to publish: status "new" (revision 1) for a new event
    or one outside WINDOW of the last report, "update" (revision + 1, `changes` filled) when a figure
    changed, and None when nothing material changed (the source is still recorded in the state).
    """
    when = fact.when or article.first_seen
    if state is None or abs(when - state.last_seen) > WINDOW:
        state = _new_state(fact, article, when)
    elif any(s["article_id"] == article.article_id for s in state.sources):
        return state, None
    sig = signature(fact.summary) if fact.summary else []
    duplicate = any(similarity(sig, old) >= NEAR_DUPLICATE for old in state.signatures)
    changes = _merge_values(state, fact)
    state.sources.append(_source(article))
    state.last_seen = max(state.last_seen, when)
    if sig and not duplicate:
        state.signatures.append(sig)
    if state.revision and not changes:
        return state, None  # same facts again: one more source, no new alert
    state.revision += 1
    state.summary = fact.summary or state.summary
    for place in [fact.place] if fact.place and fact.place not in state.places else []:
        state.places.append(place)
    for actor in [fact.actor] if fact.actor and fact.actor not in state.actors else []:
        state.actors.append(actor)
    figures = [
        Figure(kind=v["kind"], count=v["count"], who=v["who"], bound=v["bound"])
        for v in state.values.values()
    ]
    return state, Development(
        development_id=state.development_id,
        revision=state.revision,
        status="new" if state.revision == 1 else "update",
        labels=[state.label],
        figures=figures,
        places=state.places,
        actors=state.actors,
        sources=[Source(**s) for s in state.sources],
        evidence=fact.evidence,
        summary=state.summary,
        lang=fact.lang,
        changes=changes if state.revision > 1 else [],
        first_seen=state.first_seen,
        detected_at=now,
    )


def find_near_duplicate(fact: Fact, states: list[DevelopmentState]) -> DevelopmentState | None:
    """Among candidate states (e.g. recent ones with the same label), the one whose reports are a
    near-duplicate of this fact's text, for keys that differ only because an outlet omitted a detail.
    """
    if not fact.summary:
        return None
    sig = signature(fact.summary)
    best = max(
        states, key=lambda s: max((similarity(sig, o) for o in s.signatures), default=0.0), default=None
    )
    if best is None or max((similarity(sig, o) for o in best.signatures), default=0.0) < NEAR_DUPLICATE:
        return None
    return best if best.label == fact.label else None


def index_key(fact: Fact) -> str:
    """Key of the store row listing recent development keys that find_match may join ("label|kind|who")."""
    return "|".join(("index", fact.label, fact.kind, fact.who_key or "-"))


def _compatible(slot_a: str, slot_b: str) -> bool:
    """Place slots that can name one event: equal, one unknown, or a province and its country."""
    if slot_a == slot_b or "-" in (slot_a, slot_b):
        return True
    country_of = {slot: (locate(slot) or ("", ""))[1] for slot in (slot_a, slot_b)}
    return country_of[slot_a] == slot_b or country_of[slot_b] == slot_a


def joinable(fact: Fact) -> bool:
    """Whether find_match may join this fact to a development under another key. A territorial
    fact keys on the place itself, so it never is: it needs neither candidates nor an index row."""
    return fact.label != "territorial_change"


def find_match(fact: Fact, states: list[DevelopmentState], *, now: datetime) -> DevelopmentState | None:
    """The development this fact reports when its event key differs from that development's key only
    because outlets name the place differently (Baghuz / Deir ez-Zor / nothing / Syria).

    Candidates must have the same label, kind and counted group, a compatible place, a report within
    WINDOW, and a main count close to the new one (a running total rising up to 1.5 times, or a lagging
    outlet up to 20 % lower), or be a near-duplicate text. A distant count stays a separate event.
    """
    if not joinable(fact):
        return None
    key = event_key(fact)
    label, kind, slot, who = key.split("|")
    when = fact.when or now
    best: DevelopmentState | None = None
    for state in states:
        s_label, s_kind, s_slot, s_who = [*state.key.split("|"), "", "", "", ""][:4]
        if (s_label, s_kind, s_who) != (label, kind, who) or not _compatible(slot, s_slot):
            continue
        if abs(when - state.last_seen) > WINDOW:
            continue
        close = _plausible(fact, state) or find_near_duplicate(fact, [state]) is state
        if close and (best is None or state.last_seen > best.last_seen):
            best = state
    return best


def _plausible(fact: Fact, state: DevelopmentState) -> bool:
    main = state.values.get(f"{fact.kind}|main")
    count = fact.figures[0].count if fact.figures else None
    if main is None or count is None:
        return main is None and count is None  # two reports without a number: same label, kind, group
    old = float(main["count"])
    return old * 0.8 <= count <= max(old * 1.5, old + 10)
