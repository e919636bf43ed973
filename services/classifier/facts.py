"""Facts: the distinct developments one text reports, and the event key that groups them. Pure.

Time window: `event_key` is (label, kind, place, actor, who) without a date bucket, so a toll that
keeps rising across a bucket boundary stays one development; `apply_fact` enforces the window instead:
a fact arriving more than WINDOW after the state's last report starts a new development (new id,
revision 1) under the same key. Repeats: a new source repeating the same figures is recorded in the
state's sources and returns no Development; a lower figure from a lagging source is also only recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from shared.messages import Article, Evidence, Figure, Label

from .rules import Classification, MentionRef

__all__ = ["Fact", "event_key", "facts_from", "who_key"]

_WHO_CLASSES: Final = (
    ("children", ("child", "طفل", "اطفال", "أطفال", "قاصر")),
    ("women", ("women", "woman", "نساء", "امراه", "امرأة", "مواطنة", "سيدة")),
    ("civilians", ("civilian", "مدني", "مواطن", "people", "person", "اشخاص", "أشخاص", "شخص")),
)
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
    if actor_id:
        return actor_id
    low = who.lower()
    for key, stems in _WHO_CLASSES:
        if any(s in low for s in stems):
            return key
    return "people"


def _nearest(mentions: list[MentionRef], kind: str, lo: int, hi: int) -> MentionRef | None:
    inside = [m for m in mentions if m.kind == kind and lo <= m.start < hi]
    return inside[0] if inside else None


def facts_from(article: Article, result: Classification) -> list[Fact]:
    """Split a classification into facts: one per main figure, plus one per label without figures.

    Sub-group figures ("including 141 children") ride with their main figure. Places and actors come
    from the same sentence, else the article's first place. Never raises.
    """
    text = article.text or article.title
    starts = result.sentence_starts or [0]
    bounds = [(s, starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)]
    first_place = next((m for m in result.mentions if m.kind == "place"), None)
    when = article.published or article.first_seen
    facts: list[Fact] = []
    covered: set[tuple[str, int]] = set()
    for fig, det in zip(result.figures, result.details, strict=False):
        lo, hi = bounds[min(det.sentence, len(bounds) - 1)]
        if det.subgroup and facts and facts[-1].kind == fig.kind:
            facts[-1].figures.append(fig)
            continue
        label = _label(fig.kind)
        covered.add((label, det.sentence))
        place = _nearest(result.mentions, "place", lo, hi) or first_place
        who_actor = _nearest(result.mentions, "actor", det.end, det.end + len(fig.who) + 2)
        actor = who_actor or _nearest(result.mentions, "actor", lo, hi)
        if label == "territorial_change":
            continue  # one territorial fact per article, built below with all its figures
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
            place = _nearest(result.mentions, "place", lo, hi) or first_place
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


def event_key(fact: Fact) -> str:
    """'label|kind|place|actor|who': the same event across reports and languages (ids, not names).

    Territorial facts drop the figure kind so "took half of Baghuz" and "pocket shrank to 10 km²"
    about the same place are one development. The time window is applied by apply_fact.
    """
    if fact.label == "territorial_change":
        return "|".join((fact.label, "", fact.place_id or "-", "-", "-"))
    # For tolls and surrenders the actor that matters is the one counted (who_key holds its id):
    # the perpetrator is named by some outlets and not others, which must not split the development.
    return "|".join((fact.label, fact.kind, fact.place_id or "-", fact.who_key or "-"))
