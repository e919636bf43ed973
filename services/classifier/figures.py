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
from .numbers import NumberMatch, starts_with_wa
from .tails import chain_tail, ends_with_word, starts_with_word
from .units import is_time_or_date, total_verb_in, unit_after
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


_OF_THEM: Final = _c(r"^\s*(?:of\s+them|منها|منهما)(?!\w)")
_REMAINING: Final = _c(
    r"\b(?:reduc(?:ed|es|ing)|shr[ua]nk|shrink(?:s|ing)?|remain\w*|still\s+(?:holds?|controls?|held)"
    r"|left\s+with|squeez(?:ed|es|ing)|confin(?:ed|es|ing))\b"
    r"|only\s+(?:holds?|controls?|held)|no\s+longer"
    r"|(?<!\w)[وف]?(?:تراجعت|تراجع|تقلصت|تقلص|انحسرت|انحسار|المتبقية|المتبقي|تبقى"
    r"|لا تزال|لا يزال|ما زال|مازالت|لم تعد|لم يعد|سوى)(?!\w)"
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
_INCREMENT_CUES: Final = ("another", "additional", "further", "more", fold_pattern("إضافيين"))
# Any cue in the text around a number (one search instead of a substring test per cue and side).
_INCREMENT_CUE: Final = re.compile("|".join(map(re.escape, _INCREMENT_CUES)))
_MAX_GAP: Final = 48
_AND: Final = re.compile(r"\band\b|(?<!\w)و(?=\w)")
_OBJECT_AFTER: Final = _c(r"^\s*(?:(?:at least|more than|about|some|nearly|over|أكثر من|نحو|حوالي)\s+)?\d")


_AT_LEAST_AFTER: Final = fold_pattern("على الأقل")
# An aside between commas inside the subject: "1,200 members, including foreign fighters, have ...".
# A reporting parenthesis too: "50 people in the village, officials said, were killed".
_ASIDE: Final = re.compile(
    r",\s*(?:(?:including|among them|mostly|most of them|many of them)\b[^,;:.()]{0,90}"
    r"|(?:[\w'-]+\s+){1,3}(?:said|says|say|reported|added|told\s+\w+)"
    # a participle or "along with" aside: "60 fighters, accompanied by their wives and children, surrendered"
    r"|(?:[a-z]+ed\s+by|along\s+with|together\s+with)\b[^,;:.()]{0,50})\s*,"
    r"|،\s*(?:من\s+)?(?:بينهم|منهم)\s[^،.؛:()]{0,90}،"
)
# A noun-phrase word: not an auxiliary or relative word, not a past participle or gerund.
_NP_WORD: Final = (
    r"(?!(?:were|was|are|is|have|has|had|been|and|who|which|that|after|as)\b)[\w'-]+(?<!ed)(?<!ing)"
)
# An -ed or -ing word is an adjective when a noun-phrase word follows it ("20 armed men", "3 wounded
# soldiers"); last before "and" or the verb it is a verb ("5 people arrested and 3 killed").
_NP_WORDS: Final = rf"(?:(?:[\w'-]+(?:ed|ing)\s+)?{_NP_WORD}\s+)"
# "1,168 IS fighters and 630 SDF fighters were killed", "40 militants and their families surrendered":
# a coordinated subject whose parts all share the trigger after it.
_COORD_SUBJECT: Final = re.compile(
    rf"^\s*{_NP_WORDS}{{1,4}}(?:and\s+(?:\d[\d,.]*\s+|{_NP_WORDS}){{1,5}})+"
    r"(?:(?:were|was|have|has|had|been|are|reportedly|also|all)\s+){0,3}$"
)
_COORD_MAX_GAP: Final = 90
# Coordination inside a subject: English "and", Arabic "و" only before a number ("والمسلمين" in a name
# or "وسط" is a word, not a conjunction).
_AND_SUBJECT: Final = re.compile(r"\band\b|(?<!\w)و(?=\d)")
_GAP_COMMA: Final = re.compile(r",(?!\d{3})|،")
_LONG_SUBJECT_GAP: Final = 90
# Auxiliaries and adverbs before the verb: "have peacefully surrendered".
_AUX_TAIL: Final = re.compile(
    r"(?:\b(?:were|was|have|has|had|been|are|is|reportedly|also|all|[a-z]+ly)\s+)+$"
)
# What cannot sit inside a subject noun phrase: a digit, punctuation, a finite auxiliary, a relative or
# subordinating word, a reporting verb.
_NOT_IN_SUBJECT: Final = _c(
    r"[\d,،;:.()\[\]\"“”]|\b(?:were|was|is|are|have|has|had|be|been|said|says|told|who|which|that|whom"
    r"|where|when|while|after|before|because|since|but|or|and|if|then|than|also|killed|wounded|injured"
    r"|died|dead)\b"
    r"|(?<!\w)(?:الذين|الذي|التي|بعد|قبل|عندما|حين|حيث|ثم|بينما|فيما|كما|قال|قالت|وقال|وقالت|أن|إن|أنه|إنه)(?!\w)"
)
# "... killed and five others wounded": a short noun phrase between the number and its trigger.
_SHORT_NP: Final = re.compile(r"^\s*(?:(?!(?:and|or)\b)[^\W\d]+\s+){1,2}$")


# Fates with no figure kind: "and 60 captured", "و60 أسيرا" continue no toll.
_OTHER_FATE: Final = _c(
    r"\s*(?:others?\s+|more\s+)?(?:were\s+)?(?:captured|arrested|detained|missing|freed|released|rescued"
    r"|taken prisoner|held)\b|\s*(?:آخرين\s+)?(?:أسير\S*|أسرى|معتقل\S*|مفقود\S*|موقوف\S*|محتجز\S*)(?!\w)"
)
# The same as a participle that ends the clause (not "20 captured soldiers").
_FATE_VERB_EN: Final = re.compile(
    r"\s+(?:others?\s+|more\s+)?(?:were\s+)?(?:captured|arrested|detained|missing|freed|released|rescued"
    r"|taken prisoner)(?=\s*(?:[,.;)]|and\b|by\b|in\b|on\b|$))"
)
# Things count no people: "destroyed 22 combat vehicles", "12 houses", "سلموا خمس عربات قتالية"; nor do
# informants who report ("two security sources told AFP"), while "killed three officials" counts.
_THINGS: Final = _c(
    r"\s*(?:[\w-]+\s+)?(?:vehicles|tanks|trucks|pickups|drones|aircraft|helicopters|boats|rifles|weapons"
    r"|guns|rockets|missiles|shells|mortars|houses|homes|buildings"
    r"|(?:sources?|officials?|witness(?:es)?|diplomats?|analysts?|spokesm[ae]n)\s+(?:said|say|says|told|reported)"
    r"|(?:مصادر|مصدر|مسؤولين|شهود)\s+(?:\S+\s+)?(?:قال|قالت|أفاد|أفادت|ذكر|ذكرت)\S*"
    r"|عربة|عربات|آلية|آليات|دبابة|دبابات|مركبة|لغم|ألغام|ذخيرة|ذخائر|عبوة|عبوات"
    r"|مركبات|طائرة|طائرات|مسيرة|مسيرات|منزل|منازل|سيارة|سيارات|صاروخ|صواريخ|قذيفة|قذائف|بندقية|بنادق"
    # tankers and livestock: "أحرقوا عشرين صهريجا", "صادرت 60 رأسا من الأغنام"
    r"|صهريج\S*|صهاريج|رأسا)(?!\w)"
)
_REJECTED: Final = re.compile(fold_pattern(r"(?:\bnot|(?<!\w)و?ليس)\s+$"))
_PART_OF_WOUNDED: Final = re.compile(
    r"\s+of\s+(?:whom|them|the\s+(?:injured|wounded))\b[^.;]{0,50}?\b(?:remain|remained|are|were|is|was)\s+"
    r"(?:still\s+)?(?:in\s+(?:a\s+)?(?:hospital|critical|serious|intensive|stable)|hospitali[sz]ed)\b"
    r"|\s+of\s+(?:them|whom)\s+(?:critically|seriously|severely)\b"  # "three others, one of them critically"
    # "طفلين من المصابين نقلا إلى المستشفى": two of the wounded already counted
    r"|\s*(?:\S+\s+)?من\s+(?:ال)?(?:مصابين|جرحى)\s+(?:نقل\S*|في حال\S*|بحال\S*|حالت\S*|يتلقون|يرقدون)"
)
_CURRENCY: Final = frozenset("$€£")
_MONEY_AFTER: Final = _c(
    r"(?:[.,]\d+)?\s*(?:bn|billion|trillion|(?:(?:million|m)\s+)?(?:dollars|euros|pounds|usd)"
    r"|(?:مليار|ملايين|مليون)?\s*(?:دولار|يورو|جنيه|ريال|دينار|ليرة))(?!\w)"
)
# An earlier figure the new one replaces: "rose to 50, up from an initial estimate of 20".
_EARLIER: Final = _c(
    r"\b(?:up|down|revised|raised)\s+from\s+(?:(?:an?|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:estimate|toll|figure|count|tally)\s+of\s+)?(?:(?:at least|about|some)\s+)?$"
    r"|(?<!\w)(?:بعد أن كان(?:ت)?|مقارنة ب)\s*(?:\S+\s+){0,2}$"
)
# Another verb between a trigger and the number takes the number as its object: "had killed tens of
# thousands and uprooted nearly 12 million" (a trigger there would be the nearer one already).
_OTHER_VERB: Final = re.compile(r"\S\s+and\s+(?:[a-z]+ly\s+)?[a-z]+ed\b")
# The object of a verb of another fate: "rescued seven abducted farmers", "أفرج عن 12 مختطفا".
_OTHER_VERB_BEFORE: Final = _c(
    r"\b(?:rescue[ds]?|free[ds]?|release[ds]?|arrest(?:s|ed)?|detain(?:s|ed)?|evacuated|displaced|recovered"
    r"|repatriated|exchanged|swapped)\s+(?:(?:at least|about|some|nearly|more than|over|another)\s+)?$"
    r"|(?<!\w)(?:[وف]?(?:أفرج|أفرجت|حرر|حررت|أنقذ|أنقذت|اعتقل|اعتقلت|أجلى|أجلت)(?: عن)?)\s+"
    r"(?:(?:نحو|أكثر من|حوالي)\s+)?$"
)
# A numbered list's marker at the start of a line: "١- مقتل ثمانية", "2) Troops retook ...".
_LIST_MARKER: Final = re.compile(r"[-.)](?:\s|$)")
_EARLIER_AR: Final = (fold_pattern("كان"), fold_pattern("مقارنة"))
# Every _OTHER_VERB_BEFORE match holds one of these stems: one literal scan before the regex.
_OTHER_VERB_STEM: Final = re.compile(
    "|".join(
        (
            "rescue",
            "free",
            "release",
            "arrest",
            "detain",
            "evacuated",
            "displaced",
            "recovered",
            "repatriated",
            "exchanged",
            "swapped",
            *(fold_pattern(w) for w in ("أفرج", "حرر", "أنقذ", "اعتقل", "أجل")),
        )
    )
)
_WA: Final = "و"
_BOUND_WORDS: Final = BOUND_AT_LEAST_WORDS + BOUND_ABOUT_WORDS


def _unbounded(window: str) -> str:
    """window without a bound word at its end ("rose to more than" -> "rose to")."""
    rest = window.rstrip()
    if not rest.endswith(_BOUND_WORDS):
        return rest  # the common case, decided in C
    for w in _BOUND_WORDS:
        if rest.endswith(w) and (len(rest) == len(w) or not rest[-len(w) - 1].isalnum()):
            return rest[: len(rest) - len(w)]
    return rest


def _increment(window: str) -> bool:
    """ "another 12", "12 more" (either cue, at either end of the window, as the original regex read it)."""
    for cue in _INCREMENT_CUES:  # every cue holds one of these: a few substring tests decide most windows
        if cue in window:
            return ends_with_word(window, _INCREMENT_BEFORE) or starts_with_word(window, _INCREMENT_AFTER)
    return False


def _bound(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 24) : start].rstrip()  # ends_with_word(..., bounded=False), inlined
    if before.endswith(BOUND_AT_LEAST_WORDS) or text.find(_AT_LEAST_AFTER, end, end + 30) >= 0:
        return "at_least"
    if before.endswith(BOUND_ABOUT_WORDS):
        return "about"
    return "exact"


def _clean_gap(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and _CLAUSE_BREAK.search(gap) is None


def _subject_gap(gap: str) -> bool:
    """The gap between a number and a trigger after it holds only the rest of the subject it counts."""
    if "," in gap or "،" in gap:
        gap = _ASIDE.sub(" ", gap)
        if _GAP_COMMA.search(gap):
            return False  # "rose to 55, with 146 people injured": a comma ends the subject
    if not _AND_SUBJECT.search(gap):
        return _clean_gap(gap) or _long_subject(gap)
    if len(gap) > _COORD_MAX_GAP or _CLAUSE_BREAK.search(gap):
        return False
    return _COORD_SUBJECT.match(gap) is not None


def _long_subject(gap: str) -> bool:
    """A longer subject made only of a noun phrase and its modifiers ("90 soldiers besieged inside the
    airbase surrendered", "33 members of an armed group operating in the region turned themselves in")."""
    if len(gap) > _LONG_SUBJECT_GAP:
        return False
    aux = _AUX_TAIL.search(gap)
    return _NOT_IN_SUBJECT.search(gap, 0, aux.start() if aux else len(gap)) is None


def _new_clause_subject(text: str, n: NumberMatch, left: Trig | None, right: Trig | None) -> bool:
    """ "were killed and five others wounded", "left 16 dead, 22 others ... surrendered": after "and" or a
    bare comma, the trigger that follows the number's noun phrase owns it rather than the one before."""
    if left is None or right is None or _OBJECT_AFTER.match(text[right.end : right.end + 24]):
        return False
    before = text[left.end : n.start]
    between = text[n.end : right.start]
    if _SHORT_NP.match(between) is not None and _AND.search(before) is not None and _clean_gap(before):
        return True
    return before.strip() in (",", "،") and (_SHORT_NP.match(between) is not None or _long_subject(between))


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
    # No casualty trigger reported as done: only units can give figures (_link_one would find none).
    live = any(not t.negated for t in casualty)
    prev_unit = ""
    for i, n in enumerate(nums):
        if is_time_or_date(text, n):
            continue
        unit = unit_after(text, n)
        if unit is None and prev_unit and _OF_THEM.match(text[n.end : n.end + 12]):
            unit = prev_unit
        if unit is not None:
            if unit == "ignored":
                continue
            prev_unit = unit if unit not in ("area", "percent") else prev_unit
            kind = _territorial(text, n, unit, trigs, s0)
            if kind:
                out.append(
                    Found(kind, n.value, _bound(text, n.start, n.end), (n.end, n.end), n.start, n.end, None)
                )
            continue
        if not live:
            continue
        next_start = nums[i + 1].start if i + 1 < len(nums) else s1
        found = _link_one(text, s0, s1, n, nums[i - 1] if i else None, casualty, out, next_start)
        if found is not None:
            out.append(found)
    return out


def _neighbours(casualty: list[Trig], n: NumberMatch) -> tuple[Trig | None, Trig | None]:
    """The last trigger ending before the number and the first one starting after it."""
    left = right = None
    for t in reversed(casualty):
        if t.end <= n.start:
            left = t
            break
    for t in casualty:
        if t.start >= n.end:
            right = t
            break
    return left, right


def _not_a_count(text: str, s0: int, n: NumberMatch) -> bool:
    """A list marker, materiel, an earlier toll the new one replaces, or the object of another fate."""
    if _LIST_MARKER.match(text, n.end) and not text[max(s0, n.start - 2) : n.start].strip():
        return True
    if _THINGS.match(text, n.end, n.end + 50):
        return True
    if _REJECTED.search(text, max(s0, n.start - 8), n.start):
        return True  # "9 dead, not 7 as we posted earlier", "جنديان قتيلان، وليس أربعة قتلى": corrected
    if _PART_OF_WOUNDED.match(text, n.end, n.end + 80):
        return True  # "19 of whom remain in hospital", "two of the injured were in critical condition"
    if text[n.start - 1 : n.start] in _CURRENCY or _MONEY_AFTER.match(text, n.end):
        return True  # "$4.2bn", "2.5 billion dollars": money, not people
    before = text[max(s0, n.start - 50) : n.start]
    # every _EARLIER match holds "from" or an Arabic cue, and every _OTHER_VERB_BEFORE match ends with
    # its verb a word or two before the number: substring tests before the regexes
    cue = "from" in before or _EARLIER_AR[0] in before or _EARLIER_AR[1] in before
    if cue and _EARLIER.search(before):
        return True
    stem = _OTHER_VERB_STEM.search(before, len(before) - 40)
    return stem is not None and _OTHER_VERB_BEFORE.search(before) is not None


def _link_one(
    text: str,
    s0: int,
    s1: int,
    n: NumberMatch,
    prev_num: NumberMatch | None,
    casualty: list[Trig],
    out: list[Found],
    next_start: int,
) -> Found | None:
    if _FATE_VERB_EN.match(text, n.end, n.end + 40):
        return None  # "and 60 captured.": the number is the subject of another participle
    if _not_a_count(text, s0, n):
        return None
    prev_end = prev_num.end if prev_num else s0
    left, right = _neighbours(casualty, n)
    trig: Trig | None = None
    mode = "report"
    if (
        right is not None
        and right.start - n.end <= 2
        and not text[n.end : right.start].strip()
        and not text.startswith(_WA, right.start)
    ):
        # "20 قتيلا", "12 dead": the noun right after the number (not "killed 20, wounded", nor "مقتل
        # مدنيين اثنين وإصابة سبعة": a new coordinated trigger)
        trig = right
    elif left is not None and right is not None and _new_clause_subject(text, n, left, right):
        trig = right
    elif (
        left is not None
        and left.end >= prev_end
        and _clean_gap(gap := text[left.end : n.start])
        and not (" and " in gap and _OTHER_VERB.search(gap))
    ):
        trig = left
    elif (
        right is not None
        and _subject_gap(text[n.end : right.start])
        and not _OBJECT_AFTER.match(text[right.end : right.end + 24])
    ):
        # "Two bombers killed 45": a number after the verb is its object, so the earlier one is the agent.
        trig = right
    elif ends_with_word(_unbounded(text[max(s0, n.start - 30) : n.start]), _TO_BEFORE) and total_verb_in(
        text[max(s0, n.start - 220) : n.start], text
    ):
        trig = left or right  # running total: the kind comes from the nearest casualty word
        mode = "total"
    chain = _chain(text, n, out, prev_num)
    if chain is not None and (trig is None or trig is chain[0].trigger):
        base, sub = chain
        kind, trig = base.kind, base.trigger
        mode = "report"
    elif trig is None:
        return None
    else:
        kind = kind_of_family(trig.family) or ""
        # "killed 19 ... on Saturday, seven of them children": part of the figure before
        sub = bool(out) and out[-1].kind == kind and _OF_THEM.match(text, n.end, n.end + 12) is not None
    if trig is None or trig.negated:
        return None
    lo = max(s0, n.start - 20)
    if _INCREMENT_CUE.search(text, lo, n.end + 20) and (
        _increment(text[lo : n.start]) or _increment(text[n.end : n.end + 20])
    ):
        mode = "increment"
    if mode == "report" and total_verb_in(text[max(s0, n.start - 40) : n.start], text):
        mode = "total"
    who = who_span(text, n, min(s1, next_start), s0)
    return Found(kind, n.value, _bound(text, n.start, n.end), who, n.start, n.end, trig, sub, mode)


def _chain(
    text: str, n: NumberMatch, out: list[Found], prev_num: NumberMatch | None
) -> tuple[Found, bool] | None:
    """The previous figure when this number continues it ("and 4 civilians", "بينهم 141 طفلا"), and
    whether the number is a sub-group of it ("including", or the previous figure is one)."""
    if not out or prev_num is None or out[-1].end > prev_num.end:
        return None
    # A number between the previous figure and this one that counts nothing ("killed five members of
    # one family, including two children") does not break the chain; the gap tests below still apply.
    base = out[-1]
    gap = text[base.end : n.start]
    if text.startswith(_WA, n.start) and starts_with_wa(text, n):
        gap += _WA  # "وخمسة أطفال": the conjunction is part of the number word's match
    if len(gap) > 60 or _CLAUSE_BREAK.search(gap):
        return None
    if _OTHER_FATE.match(text, n.end, n.end + 30):
        return None  # "25 soldiers were killed and 60 captured": another fate, no figure kind of its own
    sub, conj = chain_tail(gap)
    return (base, sub or base.subgroup) if sub or conj else None
