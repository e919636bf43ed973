"""Facts: the distinct developments one text reports, and the event key that groups them. Pure.

Time window: `event_key` is (label, kind, place, actor, who) without a date bucket, so a toll that
keeps rising across a bucket boundary stays one development; `apply_fact` enforces the window instead:
a fact arriving more than WINDOW after the state's last report starts a new development (new id,
revision 1) under the same key. Repeats: a new source repeating the same figures is recorded in the
state's sources and returns no Development; a lower figure from a lagging source is also only recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from shared.messages import Article, Evidence, Figure, Label

from .normalize import fold_pattern, normalize_text
from .places import locate
from .rules import Classification, FigureDetail, MentionRef

__all__ = ["Fact", "event_key", "facts_from", "place_slot", "who_key"]

_WHO_CLASSES: Final = tuple(
    (key, tuple(normalize_text(w) for w in words.split()))
    for key, words in (
        ("children", "child طفل أطفال اطفال قاصر صغار"),
        ("women", "women woman نساء امرأة امراه مواطنة سيدة سيدات نسوة"),
        ("civilians", "civilian مدني مواطن people person أشخاص شخص"),
        ("fighters", "fighter militant soldier troop combatant jihadist عنصر عناصر مقاتل مسلح جندي جنود"),
    )
)
_ORGANISATION: Final = re.compile(fold_pattern(r"(?<!\w)[وف]?(?:ال)?تنظيم(?!\w)|\bthe group\b"))
_GROUPS: Final = frozenset(("isis", "hts", "nusra", "shabaab", "boko_haram", "jnim", "hezbollah", "hamas"))
_CASUALTY_KINDS: Final = ("killed", "injured", "executed", "abducted", "surrendered")


@dataclass
class Fact:
    """One distinct development reported in one text."""

    label: Label
    kind: str  # figure kind of the main figure, or the label for facts without a number
    figures: list[Figure]  # main figure first, then its sub-groups
    place_id: str = ""
    place: str = ""
    actor_id: str = ""
    actor: str = ""
    who_key: str = ""
    mode: str = "report"  # "total", "increment" or "report" (see FigureDetail.mode)
    evidence: list[Evidence] = field(default_factory=list)
    summary: str = ""
    lang: str = "en"
    when: datetime | None = None


def who_key(who: str, actor_id: str) -> str:
    """The counted group in any language or form: an actor id, "children", "women", "civilians",
    "fighters" or "people" (civilians/civilian/مدنيين/مدنياً/مدني all give "civilians")."""
    if actor_id:
        return actor_id
    low = normalize_text(who)
    for key, stems in _WHO_CLASSES:
        if any(s in low for s in stems):
            return key
    return "people"


def _nearest(mentions: list[MentionRef], kind: str, lo: int, hi: int) -> MentionRef | None:
    inside = [m for m in mentions if m.kind == kind and lo <= m.start < hi]
    return inside[0] if inside else None


def _locating(mentions: list[MentionRef], lo: int, hi: int) -> MentionRef | None:
    """The first place in [lo, hi) that locates an event (a town, province or country; not a river)."""
    return next((m for m in mentions if m.kind == "place" and lo <= m.start < hi and locate(m.id)), None)


def _locating_any(mentions: list[MentionRef], _kind: str, lo: int, hi: int) -> MentionRef | None:
    return _locating(mentions, lo, hi)


def _who_actor(mentions: list[MentionRef], who: str, det: FigureDetail) -> MentionRef | None:
    """The actor whose members were counted: named in the who phrase ("SDF fighters", "عناصر داعش"),
    or, for "التنظيم" (the organisation), the last armed group named before the figure."""
    inside = _nearest(mentions, "actor", det.who_start, max(det.who_end, det.who_start + 1))
    if inside is not None or not _ORGANISATION.search(normalize_text(who)):
        return inside
    before = [m for m in mentions if m.kind == "actor" and m.start < det.who_start and m.id in _GROUPS]
    return before[-1] if before else None


def facts_from(article: Article, result: Classification) -> list[Fact]:
    """Split a classification into facts: one per main figure, plus one per label without figures.

    Sub-group figures ("including 141 children") ride with their main figure. Places and actors come
    from the same sentence, else the article's first place. Never raises.
    """
    text = article.text or article.title
    starts = result.sentence_starts or [0]
    bounds = [(s, starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)]
    first_place = _locating(result.mentions, 0, len(text))
    when = article.published or article.first_seen
    facts: list[Fact] = []
    covered: set[tuple[str, int]] = set()
    for fig, det in zip(result.figures, result.details, strict=False):
        lo, hi = bounds[min(det.sentence, len(bounds) - 1)]
        if det.subgroup and facts and facts[-1].kind == fig.kind:
            facts[-1].figures.append(fig)
            continue
        label = _label(fig.kind)
        if label == "territorial_change":
            continue  # one territorial fact per article, built below with all its figures
        covered.add((label, det.sentence))
        place = _locating(result.mentions, lo, hi) or first_place
        who_actor = _who_actor(result.mentions, fig.who, det)
        actor = who_actor or _nearest(result.mentions, "actor", lo, hi)
        facts.append(
            Fact(
                label,
                fig.kind,
                [fig],
                place.id if place else "",
                place.name if place else "",
                actor.id if actor else "",
                actor.name if actor else "",
                # "ارتفع عدد المدنيين ... إلى 388": with no words after the number, who is named before it.
                who_key(fig.who or text[lo : det.start], who_actor.id if who_actor else ""),
                det.mode,
                [e for e in result.evidence if e.label == label and lo <= e.start < hi],
                text[lo:hi].strip(),
                result.lang,
                when,
            )
        )
    for label, sentences in result.label_sentences.items():
        for sent in sentences:
            if (label, sent) in covered or any(f.label == label for f in facts):
                continue  # a vague repeat ("hundreds surrendered") adds nothing to a counted fact
            lo, hi = bounds[min(sent, len(bounds) - 1)]
            if label == "territorial_change":
                lo = min((e.start for e in result.evidence if e.label == label), default=lo)
                hi = max(hi, lo + 1)
            nearest = _nearest if label == "territorial_change" else _locating_any
            place = nearest(result.mentions, "place", lo, hi) or first_place
            actor = _nearest(result.mentions, "actor", lo, hi)
            facts.append(
                Fact(
                    label,
                    label,
                    [],
                    place.id if place else "",
                    place.name if place else "",
                    actor.id if actor else "",
                    actor.name if actor else "",
                    "",
                    "report",
                    [e for e in result.evidence if e.label == label and lo <= e.start < hi],
                    text[lo:hi].strip(),
                    result.lang,
                    when,
                )
            )
            if label == "territorial_change":
                facts[-1].figures = [f for f in result.figures if _label(f.kind) == label]
    return _merge_same_key(facts)


def _merge_same_key(facts: list[Fact]) -> list[Fact]:
    """A headline and its summary often state the same figure: keep one fact per event key."""
    by_key: dict[str, Fact] = {}
    for fact in facts:
        kept = by_key.setdefault(event_key(fact), fact)
        if kept is not fact and fact.figures and kept.figures:
            main = max(kept.figures[0].count or 0, fact.figures[0].count or 0)
            if (fact.figures[0].count or 0) == main and len(fact.figures) > len(kept.figures):
                by_key[event_key(fact)] = fact  # same toll, more detail (sub-groups)
    return list(by_key.values())


def _label(kind: str) -> Label:
    if kind == "surrendered":
        return "surrender"
    return "casualty_update" if kind in _CASUALTY_KINDS else "territorial_change"


def place_slot(place_id: str) -> str:
    """The place part of an event key: the province (region) of a town, else its country, else "-"."""
    region, country = locate(place_id) or ("", "")
    return region or country or "-"


def event_key(fact: Fact) -> str:
    """'label|kind|region|who': the same event across reports and languages (ids, not names).

    Territorial facts key on the place itself ("label||place|-|-") and drop the figure kind, so "took
    half of Baghuz" and "pocket shrank to 10 km²" are one development. Tolls and surrenders key on the
    province, so outlets naming Baghuz, Susah or Deir ez-Zor agree; reports naming no place, or only a
    country, are matched by developments.find_match. The time window is applied by apply_fact.
    """
    if fact.label == "territorial_change":
        return "|".join((fact.label, "", fact.place_id or "-", "-", "-"))
    # For tolls and surrenders the actor that matters is the one counted (who_key holds its id):
    # the perpetrator is named by some outlets and not others, which must not split the development.
    return "|".join((fact.label, fact.kind, place_slot(fact.place_id), fact.who_key or "-"))
