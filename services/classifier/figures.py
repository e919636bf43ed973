"""Figures: link each number in a sentence to the trigger it counts, or to the figure it extends.

A number is read as (1) an area, percentage or settlement count when a unit follows it, (2) the
object or subject of the closest casualty/surrender trigger in the same clause, (3) a running total
("rose to 388", "ارتفع ... إلى 388") whose kind comes from the nearest casualty word, or (4) a
continuation of the previous figure ("and 4 civilians", "including 141 children" = a sub-group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .lexicon import BOUND_ABOUT_WORDS, BOUND_AT_LEAST_WORDS, kind_of_family
from .normalize import fold_pattern
from .numbers import NumberMatch
from .tails import chain_tail, ends_with_word, starts_with_word
from .who import who_span

__all__ = ["Found", "Trig", "link_figures"]


@dataclass(slots=True)
class Trig:
    """A trigger occurrence in normalised text."""

    family: str
    start: int
    end: int
    negated: bool = False


@dataclass(slots=True)
class Found:
    """A figure found in normalised text, before conversion to shared.messages.Figure."""

    kind: str
    count: float
    bound: str
    who: tuple[int, int]  # span of the "who" words in normalised text (empty span if none)
    start: int
    end: int
    trigger: Trig | None
    subgroup: bool = False
    mode: str = "report"  # "total" for running totals, "increment" for "12 more"


def _c(p: str) -> re.Pattern[str]:
    return re.compile(fold_pattern(p))


_MONTH_WORDS: Final = tuple(
    fold_pattern(w)
    for w in (
        "jan january feb february march mar april apr may jun june jul july aug august sep sept sepember"
        " september oct october nov november dec december يناير فبراير مارس أبريل إبريل مايو يونيو يوليو"
        " أغسطس سبتمبر أكتوبر نوفمبر ديسمبر كانون_الثاني كانون_الأول شباط آذار نيسان أيار حزيران تموز آب"
        " أيلول تشرين_الأول تشرين_الثاني"
    )
    .replace("_", " ")
    .split(" ")
    if w
)
_DATE_AFTER: Final = _c(
    rf"^\s*(?:st|nd|rd|th)?\s*(?:of\s+|من\s+)?(?:{'|'.join(map(re.escape, _MONTH_WORDS))})(?!\w)"
)
_TIME_AFTER: Final = _c(
    r"^\s*(?:-|–)?\s*(?:hours?|days?|weeks?|months?|years?|minutes?|am|pm|a\.m\.|p\.m\.|km\b(?!\s*(?:2|²))"
    r"|kilometers? (?:from|away|north|south|east|west)|miles?|ساعة|ساعات|يوم|يوما|أيام|أسبوع|أسابيع|شهر"
    r"|أشهر|شهور|سنة|سنوات|سنين|عام|عاما|أعوام|دقيقة|دقائق|صباحا|مساء|ظهرا"
    r"|كيلومتر(?:ات)?(?! مربع)|كلم(?! مربع))(?!\w)"
)
_AREA: Final = _c(
    r"^\s*(?:square\s+kilomet(?:er|re)s?|sq\.?\s*km|km2|km\s*2|كم\s*مربع|كم2|كيلومتر(?:ا|ات)?\s*مربع(?:ا)?"
    r"|كيلو\s*متر(?:ا)?\s*مربع(?:ا)?)"
)
_AREA_IGNORED: Final = _c(r"^\s*(?:sq\.?\s*mi|square\s+miles?|hectares?|acres?|dunums?|دونم)")
_PERCENT: Final = _c(r"^\s*(?:%|percent|per cent|٪|بالمئة|بالمائة|في المئة|في المائة)")
_SETTLEMENT: Final = _c(
    r"^\s*(?:more\s+|other\s+|of\s+the\s+)?(?:(?P<v>villages?|hamlets?|قرى|قرية|قريتين|قريتان)"
    r"|(?P<s>settlements?|مستوطنات|تجمعات)|(?P<n>neighbou?rhoods?|districts?|أحياء|حي|حيين)"
    r"|(?P<l>towns?|localities|locations|areas|positions|بلدات|بلدة|بلدتين|مناطق|مواقع|نقاط))(?!\w)"
)
_OF_THEM: Final = _c(r"^\s*(?:of\s+them|منها|منهما)(?!\w)")
_REMAINING: Final = _c(
    r"\b(?:reduced|shr[ua]nk|remain\w*|still\s+(?:holds?|controls?|held)|left\s+with|squeezed)\b"
    r"|(?<!\w)[وف]?(?:تراجعت|تراجع|تقلصت|تقلص|انحسرت|انحسار|المتبقية|المتبقي|تبقى"
    r"|لا تزال|لا يزال|ما زال|مازالت)(?!\w)"
)
_TOTAL_VERB: Final = _c(
    r"\b(?:rose|risen|rises|rising|climbed|climbs|reached|reaches|increased|jumped|stands|stood|hit|grew|brings|brought|bringing|total(?:led|ed|ing|s)?)\b"
    r"|(?<!\w)(?:و|ف|ل)?(?:ارتفع|ارتفعت|يرتفع|ترتفع|وصل|وصلت|يصل|تصل|بلغ|بلغت|يبلغ|تبلغ|تجاوز|تجاوزت)(?!\w)"
)
_TO_BEFORE: Final = tuple(
    fold_pattern(w) for w in ("to", "at", "reached", "of", "إلى", "الى", "بلغت", "بلغ", "نحو")
)
_CLAUSE_BREAK: Final = _c(
    r"[;:؛()\[\]]|,\s+(?:while|but|whereas|although|and)\b|\.\s|،\s*(?:في حين|بينما|فيما)"
)
_INCREMENT_BEFORE: Final = ("another", "additional", "a further")
_INCREMENT_AFTER: Final = tuple(
    fold_pattern(w) for w in ("more", "additional", "further", "آخرين إضافيين", "إضافيين")
)
_MAX_GAP: Final = 48
_OBJECT_AFTER: Final = _c(r"^\s*(?:(?:at least|more than|about|some|nearly|over|أكثر من|نحو|حوالي)\s+)?\d")


def _is_time_or_date(text: str, n: NumberMatch) -> bool:
    after = text[n.end : n.end + 30]
    before = text[max(0, n.start - 20) : n.start]
    if _DATE_AFTER.search(after) or ends_with_word(before, _MONTH_WORDS) or _TIME_AFTER.search(after):
        return True
    # A bare year; tolls of exactly 1900-2099 are written with a separator ("1,950").
    return n.value.is_integer() and 1900 <= n.value <= 2099 and n.end - n.start == 4


_AT_LEAST_AFTER: Final = fold_pattern("على الأقل")


def _increment(window: str) -> bool:
    """ "another 12", "12 more" (either cue, at either end of the window, as the original regex read it)."""
    return ends_with_word(window, _INCREMENT_BEFORE) or starts_with_word(window, _INCREMENT_AFTER)


def _bound(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 24) : start]
    if ends_with_word(before, BOUND_AT_LEAST_WORDS, bounded=False) or _AT_LEAST_AFTER in text[end : end + 30]:
        return "at_least"
    if ends_with_word(before, BOUND_ABOUT_WORDS, bounded=False):
        return "about"
    return "exact"


def _clean_gap(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and _CLAUSE_BREAK.search(gap) is None


def _unit(text: str, n: NumberMatch) -> tuple[str, str] | None:
    """('area'|'percent'|'villages'|..., '') when a unit follows the number."""
    after = text[n.end : n.end + 40]
    if _AREA.match(after):
        return ("area", "")
    if _AREA_IGNORED.match(after):
        return ("ignored", "")
    if _PERCENT.match(after):
        return ("percent", "")
    m = _SETTLEMENT.match(after)
    if m:
        return (
            {"v": "villages", "s": "settlements", "n": "neighbourhoods", "l": "localities"}[
                m.lastgroup or "l"
            ],
            "",
        )
    return None


_TERRITORY_PREFIX: Final = {"capture": "captured", "recapture": "recaptured", "lose": "lost"}


def _territorial(text: str, n: NumberMatch, unit: str, trigs: list[Trig], s0: int) -> str | None:
    if unit == "area" and _REMAINING.search(text[s0 : n.start]):
        return "remaining_area_km2"
    ter = [t for t in trigs if t.family in _TERRITORY_PREFIX]
    before = [t for t in ter if t.end <= n.start]
    chosen = before[-1] if before else (ter[0] if ter else None)
    if chosen is None or chosen.negated:
        return None
    suffix = {"area": "area_km2", "percent": "percent"}.get(unit, unit)
    return f"{_TERRITORY_PREFIX[chosen.family]}_{suffix}"


def link_figures(text: str, s0: int, s1: int, trigs: list[Trig], nums: list[NumberMatch]) -> list[Found]:
    """Figures of one sentence text[s0:s1], given its triggers and numbers (positions absolute)."""
    out: list[Found] = []
    casualty = [t for t in trigs if kind_of_family(t.family)]
    prev_unit = ""
    for i, n in enumerate(nums):
        if _is_time_or_date(text, n):
            continue
        unit_info = _unit(text, n)
        if unit_info is None and prev_unit and _OF_THEM.match(text[n.end : n.end + 12]):
            unit_info = (prev_unit, "")
        if unit_info is not None:
            if unit_info[0] == "ignored":
                continue
            prev_unit = unit_info[0] if unit_info[0] not in ("area", "percent") else prev_unit
            kind = _territorial(text, n, unit_info[0], trigs, s0)
            if kind:
                out.append(
                    Found(kind, n.value, _bound(text, n.start, n.end), (n.end, n.end), n.start, n.end, None)
                )
            continue
        found = _link_one(text, s0, s1, n, nums[i - 1] if i else None, casualty, out)
        if found is not None:
            out.append(found)
    return out


def _link_one(
    text: str,
    s0: int,
    s1: int,
    n: NumberMatch,
    prev_num: NumberMatch | None,
    casualty: list[Trig],
    out: list[Found],
) -> Found | None:
    prev_end = prev_num.end if prev_num else s0
    left = next((t for t in reversed(casualty) if t.end <= n.start), None)
    right = next((t for t in casualty if t.start >= n.end), None)
    trig: Trig | None = None
    mode = "report"
    if right is not None and right.start - n.end <= 2:
        trig = right  # "20 قتيلا", "12 dead": the noun right after the number
    elif left is not None and left.end >= prev_end and _clean_gap(text[left.end : n.start]):
        trig = left
    elif (
        right is not None
        and _clean_gap(text[n.end : right.start])
        and not re.search(r"\band\b|(?<!\w)و(?=\w)", text[n.end : right.start])
        and not _OBJECT_AFTER.match(text[right.end : right.end + 24])
    ):
        # "Two bombers killed 45": a number after the verb is its object, so the earlier one is the agent.
        trig = right
    elif ends_with_word(text[max(s0, n.start - 16) : n.start], _TO_BEFORE) and _TOTAL_VERB.search(
        text[max(s0, n.start - 220) : n.start]
    ):
        trig = left or right  # running total: the kind comes from the nearest casualty word
        mode = "total"
    chained = _chain(text, n, out, prev_num)
    if trig is None and chained is None:
        return None
    if trig is None or (chained is not None and trig is chained.trigger):
        if chained is None:
            return None
        base = chained
        kind, trig, sub = base.kind, base.trigger, _is_sub(text, base, n)
        mode = "report"
    else:
        kind, sub = kind_of_family(trig.family) or "", False
    if trig is None or trig.negated:
        return None
    if _increment(text[max(s0, n.start - 20) : n.start]) or _increment(text[n.end : n.end + 20]):
        mode = "increment"
    if mode == "report" and _TOTAL_VERB.search(text[max(s0, n.start - 40) : n.start]):
        mode = "total"
    who = who_span(text, n, s1, s0)
    return Found(kind, n.value, _bound(text, n.start, n.end), who, n.start, n.end, trig, sub, mode)


def _chain(text: str, n: NumberMatch, out: list[Found], prev_num: NumberMatch | None) -> Found | None:
    """The previous figure when this number continues it ("and 4 civilians", "بينهم 141 طفلا")."""
    if not out or prev_num is None or out[-1].end != prev_num.end:
        return None
    base = out[-1]
    gap = text[base.end : n.start]
    if len(gap) > 60 or _CLAUSE_BREAK.search(gap):
        return None
    sub, conj = chain_tail(gap)
    return base if sub or conj else None


def _is_sub(text: str, base: Found, n: NumberMatch) -> bool:
    return chain_tail(text[base.end : n.start])[0] or base.subgroup
