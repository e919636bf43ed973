"""classify(text) -> labels, figures, places, actors, evidence: a pure function, no I/O, no clock.

Pipeline: normalise once; scan triggers with one regex; only sentences holding a trigger (or an area
unit) are split and searched for numbers; negation cues drop plans, calls, denials and background;
figures are linked to triggers (figures.py); places and actors come from the bundled lists.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from shared.messages import Evidence, Figure, Label

from .background import (
    anniversary_at,
    clause_start,
    dated_when,
    fresh,
    inquests,
    old_year_after,
    opens_in_past,
    past_period,
    same_clause,
    stale_sentence,
    war_scale,
    war_toll,
)
from .figures import Found, Trig, link_figures
from .lexicon import DENY, DENY_VERB, LABEL_OF, TRIGGER_SCAN, VAGUE, kind_of_family
from .negation import DENIAL_WINDOW, denied_report_before, is_negated
from .normalize import Normalized, detect_lang, fold_pattern, normalize
from .numbers import find_numbers, singulars
from .objects import (
    civilian_context,
    is_not_a_victim_or_surrender,
    is_object_not_territory,
    non_conflict_deaths,
)
from .places import find_entity_spans
from .scan import family_of

__all__ = ["Classification", "FigureDetail", "MentionRef", "classify"]

_LABEL_ORDER: Final[tuple[Label, ...]] = ("territorial_change", "surrender", "casualty_update")
# Every alternative starts with a literal, so the engine skips to candidates in C; the look-behind
# "not after a one-letter word" ("u.s.", "a.m.") is checked in _sentences.
_SENTENCE_END: Final = re.compile(
    "|".join(re.escape(c) + r"[.!?؟]*(?=[\s\"'”»)]|$)" for c in ".!?؟") + r"|\n\n*"
)
# Its first alternative alone, for texts without "!", "?", "؟" or a newline (most): a pattern starting
# with one literal is searched for like str.find, a set of first characters is tested one by one.
_SENTENCE_END_DOT: Final = re.compile(r"\.[.!?؟]*(?=[\s\"'”»)]|$)")
_OTHER_ENDS: Final = ("!", "?", "؟", "\n")
_AREA_ANY: Final = re.compile(
    fold_pattern(r"square kilomet|sq\.? ?km|km2|km ?²|كم ?مربع|كم2|كيلومتر(?:ا|ات)? مربع")
)
_KM_AR: Final = fold_pattern("كم")
_KILOMETRE_AR: Final = fold_pattern("كيلومتر")
_VAGUE_WINDOW: Final = 50  # "dozens of Rapid Support Forces fighters were killed"
# The object of "took over": a proper name ("Kunduz", "al-Qaim") or a place noun after a few modifiers
# (not after a preposition: "took over security in the province" takes over security).
_PLACE_OBJECT: Final = re.compile(
    r"\s+(?:(?:al|el|ad|as|ar|at|an|ash)-)?[A-Z]"
    r"|\s+(?:the\s+|a\s+|an\s+)?(?:(?!(?:in|of|from|at|on|to|for|with|by|after|before|near|into|across|as)\b)"
    r"[\w'-]+\s+){0,3}?(?i:towns?|city|cities|villages?|districts?|areas?|region|parts?|swathes?|swaths?"
    r"|province|base|airbase|airport|airfield|port|camps?|headquarters|positions?|checkpoints?|crossings?"
    r"|neighbou?rhoods?|suburbs?|outskirts|strongholds?|enclave|pocket|island|barracks|garrison|territory"
    r"|capital|settlements?|hills?|bridge|dam|oil\s*field|border\s+post|military\s+post|outposts?)\b"
)
# Figure(**fields) and Evidence(**fields) with the same validation, without BaseModel.__init__'s Python
# frame (a third of the cost of building one).
_figure: Final[Callable[[dict[str, object]], Figure]] = Figure.__pydantic_validator__.validate_python
_evidence: Final[Callable[[dict[str, object]], Evidence]] = Evidence.__pydantic_validator__.validate_python
_TERRITORIAL: Final = frozenset(("capture", "recapture", "lose"))
_FIGURATIVE: Final = frozenset(("surrender", "kill", "injure"))
_RAID_CLAUSE: Final = re.compile(r"\b(?:when|as|after|while)\s+(?:[\w'-]+\s+){0,3}$")
# A building stormed is raided, not taken: "gunmen stormed the campus", "stormed a hotel".
_RAIDED_BUILDING: Final = re.compile(
    r"\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w'-]+\s+){0,2}?(?:campus|school|house|home|hospital|mosque|church"
    r"|prison|jail|hotel|bank|embassy|parliament|court|stadium|office|restaurant|cafe|bus|train"
    r"|camp|hideouts?|post|outpost|checkpoint|barracks)\b"
)
# What raiders do after storming a place: kill, abduct, loot, burn ("stormed the village, killing 12").
_STORM_AR: Final = fold_pattern("اقتحم")
_RAID_AFTER: Final = re.compile(
    fold_pattern(
        r"\b(?:killing|killed|abducting|abducted|kidnapping|kidnapped|looting|looted|torching|burning|burned"
        r"|set fire)\b"
        r"|(?<!\w)[وف]?(?:قتل|خطف|اختطف|أحرق|أضرم|نهب|أطلق\S* النار)\S*"
    )
)
_TAKE: Final = frozenset(("took", "take", "takes"))  # "takes X from": X must be a place
_FIGURATIVE_CONTEXT: Final = frozenset(("capture", "recapture", "lose", "surrender"))
_VIOLENT_DEATH: Final = frozenset(("kill", "injure"))
_KILLINGS: Final = frozenset(("kill", "injure", "execute"))
_ONE_COUNTS: Final = frozenset(("kill", "injure", "execute", "abduct"))  # "killing a soldier": 1
_AL_SAYTARA: Final = fold_pattern("السيطرة")
_RECAPTURE_OBJECT_GAP: Final = 80
_RECAPTURE_BEFORE: Final = re.compile(fold_pattern(r"(?:استعادة|إعادة|استعادت|أعادت|re-?established)\s*$"))


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~4x more to build (read-only by convention)
class FigureDetail:
    """What the Figure at the same index in Classification.figures is, beyond kind and count."""

    subgroup: bool  # "including 141 children": part of the previous figure, not extra victims
    mode: str  # "total" (rose to 388), "increment" (12 more) or "report"
    sentence: int  # index of the sentence, to group figures into facts
    start: int
    end: int
    who_start: int = 0  # span of Figure.who in the original text (empty when who is "")
    who_end: int = 0


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~4x more to build (read-only by convention)
class MentionRef:
    """A place or actor mention in the original text."""

    kind: str  # "place" or "actor"
    id: str
    name: str
    start: int


@dataclass(frozen=True)
class Classification:
    """Everything classify() found in one text; the extra fields feed developments.facts_from()."""

    labels: list[Label]
    figures: list[Figure]
    places: list[str]
    actors: list[str]
    evidence: list[Evidence]
    lang: str = "en"
    details: list[FigureDetail] = field(default_factory=list)
    mentions: list[MentionRef] = field(default_factory=list)
    label_sentences: dict[Label, list[int]] = field(default_factory=dict)
    sentence_starts: list[int] = field(default_factory=list)


def _has_area_cue(text: str) -> bool:
    """Every match of _AREA_ANY holds one of these; four substring tests cost less than its scan."""
    return "km" in text or "sq" in text or _KM_AR in text or _KILOMETRE_AR in text


_ABBREVIATIONS: Final = frozenset(
    (
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("gen", "lt", "col", "maj", "capt", "sgt", "brig", "st", "mr", "mrs", "dr"),
    )
)


_ABBREVIATION_MAX: Final = max(map(len, _ABBREVIATIONS))


def _abbreviation_before(text: str, end: int) -> bool:
    """The word that ends at `end` (before a point) is one of _ABBREVIATIONS."""
    start = end
    while start > 0 and "a" <= text[start - 1] <= "z" and end - start <= _ABBREVIATION_MAX:
        start -= 1
    return text[start:end] in _ABBREVIATIONS


def _sentences(text: str) -> list[int]:
    starts = [0]
    size = len(text)
    ends = _SENTENCE_END if any(c in text for c in _OTHER_ENDS) else _SENTENCE_END_DOT
    for m in ends.finditer(text):
        s, e = m.span()
        if e >= size:
            continue
        one_letter = e - s == 1 and s and text[s] != "\n" and "a" <= text[s - 1] <= "z"
        if one_letter and (s == 1 or not (text[s - 2].isalnum() or text[s - 2] == "_")):
            continue  # "u.s.", "p.m.": a one-letter word before the point
        if e - s == 1 and text[s] == "." and _abbreviation_before(text, s):
            continue  # "Nov. 18, 1991", "(Gen. Burhan": an abbreviation, not a sentence end
        starts.append(e)
    return starts


class _SentenceContext:
    """Tests of a whole sentence, each run at most once per sentence and only when a trigger needs it."""

    def __init__(self, text: str, starts: list[int], lang: str, year: int) -> None:
        self.text, self.starts, self.lang, self.year = text, starts, lang, year
        self._natural: dict[int, bool] = {}
        self._civilian: dict[int, bool] = {}
        self._stale: dict[int, bool] = {}
        self._cues: dict[int, tuple[tuple[int, ...], int, int, bool]] = {}
        # Where the article's body begins: after its headline and lede (blank-line paragraphs).
        self.body_start = _body_start(text)

    def _span(self, sent: int) -> tuple[int, int]:
        s1 = self.starts[sent + 1] if sent + 1 < len(self.starts) else len(self.text)
        return self.starts[sent], s1

    def negated(self, family: str, start: int, end: int, sent: int, deny_verb: int) -> bool:
        """The trigger is not reported as done (negation.is_negated), a denial verb before it takes its
        report as object, or its deaths have no conflict cause. `deny_verb`: the last denial verb's start."""
        s0 = self.starts[sent]
        if is_negated(self.text, start, end, s0, self.lang, denials=False):
            return True
        s1 = self._span(sent)[1]
        if (
            # a fresh time in the trigger's clause dates it ("دخل الجيش اليوم مدينة ود مدني التي سقطت في
            # كانون الأول 2023")
            old_year_after(self.text, end, s1, self.lang, self.year)
            and not fresh(self.text, clause_start(self.text, s0, start), s1)
        ) or dated_when(self.text, start, s0, self.year):
            return True  # "died in the city over the course of 2023", "in August 2014, when ...": background
        denial_near = deny_verb >= max(s0, start - DENIAL_WINDOW)  # a denial verb earlier in the sentence
        if denial_near and denied_report_before(self.text, start, s0):
            return True
        if s0 >= self.body_start and self.stale(sent):
            return True  # an old year and no fresh time anchor, in the body of an article: background
        inquest, anniversary, tally, ago = self.cues(sent)
        if family in _KILLINGS and any(at < start and same_clause(self.text, at, start) for at in inquest):
            return True  # the killings a trial or a mass grave is about
        if 0 <= anniversary < start and (anniversary < s0 or same_clause(self.text, anniversary, start)):
            return True  # "في ذكراها الحادية عشرة.. ناجون يروون تفاصيل مجزرة": the past recalled
        if ago or (tally >= 0 and same_clause(self.text, tally, start if tally < start else end)):
            return True  # "surrendered over the past two years", "قبل عام، اجتاحت": a tally, the past
        if family == "abduct" and self.freed(sent, start, end):
            return True  # "30 women abducted from Maru in August were freed": the news is the rescue
        if family in _VIOLENT_DEATH:
            if s0 >= self.body_start and war_scale(self.text, start, end, s0, s1):
                return True  # "thousands were killed in the offensive on Goma", in the body: a war recalled
            # a disaster, a crime, a war's toll ("حصدت الحرب أمس أرواح 18 مدنيا" is yesterday's toll)
            return self.natural(sent) or (war_toll(self.text, start, s0) and not fresh(self.text, s0, s1))
        return False

    def stale(self, sent: int) -> bool:
        """negation.stale_sentence, or the sentence before it in the same line is stale by itself and this
        one names no fresh time either ("... seized El Fasher in late October 2025. U.N. investigators say
        RSF fighters killed hundreds ...")."""
        if sent not in self._stale:
            s0, s1 = self._span(sent)
            stale = stale_sentence(self.text, s0, s1, self.year)
            prev = self.starts[sent - 1] if sent else -1
            if not stale and prev >= self.body_start and "\n" not in self.text[prev:s0]:
                # the sentence before it in the same line, stale on its own
                stale = stale_sentence(self.text, prev, s0, self.year) and not fresh(self.text, s0, s1)
            self._stale[sent] = stale
        return self._stale[sent]

    def freed(self, sent: int, start: int, end: int) -> bool:
        """The abducted are people freed in this sentence: a freeing word before the trigger ("تحرير 18
        شخصا كانوا قد اختطفوا"), or after an English participle with no object ("victims abducted from Maru
        in August were freed"; not "gunmen abducted 20 passengers, days after troops rescued 15")."""
        s0, s1 = self._span(sent)
        m = _FREED.search(self.text, s0, s1)
        if m is None:
            return False
        return m.start() < start or (self.lang == "en" and _OBJECT_AFTER.match(self.text, end) is None)

    def cues(self, sent: int) -> tuple[tuple[int, ...], int, int, bool]:
        """Where the sentence names a trial or a mass grave (background.inquests), an anniversary
        (anniversary_at, from the sentence before it across a headline's "..": "في ذكراها الحادية عشرة..
        ناجون يروون"), a tally of past years (past_period), and whether it opens with "a year ago,"."""
        if sent not in self._cues:
            s0, s1 = self._span(sent)
            prev = self.starts[sent - 1] if sent else s0
            # the sentence before counts across a headline's ".." only
            lo = (
                prev if "\n" not in self.text[prev:s0] and self.text[prev:s0].rstrip().endswith(_DOTS) else s0
            )
            self._cues[sent] = (
                inquests(self.text, s0, s1),
                anniversary_at(self.text, lo, s0, s1),
                past_period(self.text, s0, s1),
                opens_in_past(self.text, s0, s1),
            )
        return self._cues[sent]

    def natural(self, sent: int) -> bool:
        """Its deaths have a natural, medical, accidental or criminal cause (objects.non_conflict_deaths)."""
        if sent not in self._natural:
            self._natural[sent] = non_conflict_deaths(self.text, *self._span(sent), self.lang)
        return self._natural[sent]

    def civilian(self, sent: int) -> bool:
        """It is about a match, a market or a vote (objects.civilian_context)."""
        if sent not in self._civilian:
            self._civilian[sent] = civilian_context(self.text, *self._span(sent), self.lang)
        return self._civilian[sent]


_PARAGRAPH: Final = re.compile(r"\n\s*\n")
_LEDE_PARAGRAPHS: Final = 2  # the headline and the lede


def _body_start(text: str) -> int:
    """Where the third blank-line paragraph begins (the headline and lede come first), else the end."""
    if "\n" not in text:
        return len(text)
    breaks = _PARAGRAPH.finditer(text)
    for i, m in enumerate(breaks, start=1):
        if i == _LEDE_PARAGRAPHS:
            return m.end()
    return len(text)


def _triggers(
    norm: Normalized,
    lang: str,
    starts: list[int],
    begin: int,
    names: list[tuple[int, int]],
    text: str,
    year: int,
) -> list[tuple[int, Trig]]:
    normed = norm.text
    out: list[tuple[int, Trig]] = []
    denials: list[int] = []  # denial words (lexicon.DENY), found by the same scan
    deny_verb = -DENIAL_WINDOW  # the last denial verb (lexicon.DENY_VERB)
    context = _SentenceContext(normed, starts, lang, year)
    name_starts = [s for s, _ in names]  # names are in order and do not overlap
    for t0, m in TRIGGER_SCAN[lang].finditer(normed, begin):
        family = family_of(m.lastgroup)
        if family == DENY:
            denials.append(t0)
            continue
        if family == DENY_VERB:
            deny_verb = t0
            continue
        i = bisect.bisect_right(name_starts, t0) - 1
        if i >= 0 and t0 < names[i][1]:
            continue  # "تحرير" in "هيئة تحرير الشام" is part of a name
        t1 = m.end()
        if family == "capture" and _RECAPTURE_BEFORE.search(normed, max(0, t0 - 12), t0):
            family = "recapture"  # "استعادة السيطرة على", "regained control"
        if family in _TERRITORIAL and _not_territory(text, norm, t0, t1, lang, family):
            continue
        if family in _FIGURATIVE and is_not_a_victim_or_surrender(normed, t0, t1, lang, family):
            continue
        sent = bisect.bisect_right(starts, t0) - 1
        if family in _FIGURATIVE_CONTEXT and context.civilian(sent) and not _place_taken(text, norm, t1):
            continue  # a match, a market or a vote, no armed force in the sentence, no place taken
        if (
            family == "capture"
            and out
            and out[-1][1].family == "recapture"
            and out[-1][0] == sent
            and t0 - out[-1][1].end < _RECAPTURE_OBJECT_GAP
            and normed.startswith(_AL_SAYTARA, t0)
        ):
            family = "recapture"  # "استعاد الجيش، مدعوما بحلفائه، السيطرة على": control is what it regained
        out.append((sent, Trig(family, t0, t1, context.negated(family, t0, t1, sent, deny_verb))))
    if denials:
        # A denial after a trigger in its sentence ("reports of a withdrawal ... as rumours"): look again.
        for sent, trig in out:
            s1 = starts[sent + 1] if sent + 1 < len(starts) else len(normed)
            if not trig.negated and any(trig.end <= d < s1 for d in denials):
                trig.negated = is_negated(normed, trig.start, trig.end, starts[sent], lang, s1)
    return out


def _not_territory(text: str, norm: Normalized, start: int, end: int, lang: str, family: str) -> bool:
    """A territorial verb whose object is not a place ("seized 2 tonnes", "took over the portfolio")."""
    if is_object_not_territory(norm.text, start, end, lang, family):
        return True
    if norm.text.startswith("fell", start) and norm.text.endswith(_WHERE_IT, max(0, start - 12), start):
        return True  # "the front wall lies where it fell": a thing fell down
    if (
        lang == "ar"
        and norm.text.startswith(_WREST_AR, start)
        and _MINES_AR.search(norm.text, max(0, start - 150), start)
    ):
        return True  # "٣٠٢ لغم ... انتزعت من مديريات في مأرب": mines removed, not ground taken
    if norm.text.startswith("stormed", start) and (
        _RAID_CLAUSE.search(norm.text, max(0, start - 40), start) or _RAIDED_BUILDING.match(norm.text, end)
    ):
        return True  # "killed when gunmen stormed a village", "stormed the campus": a raid, not a capture
    if (
        norm.text.startswith(("stormed", _STORM_AR), start)
        and _RAID_AFTER.search(norm.text, end, min(len(norm.text), end + 150)) is not None
    ):
        return True  # "stormed the village, killing 12", "اقتحموا قرية ... وخطفوا 20": a raid
    if (
        family == "capture" and (norm.text.endswith(" over", start, end) or norm.text[start:end] in _TAKE)
    ) or (family == "lose" and norm.text.startswith("abandon", start)):
        return not _place_follows(text, norm, end)  # "took over as commander", "abandoned plans"
    return False


_FREED: Final = re.compile(
    fold_pattern(
        r"\b(?:freed|rescued|released|rescues?|frees)\b"
        r"|(?<!\w)[وف]?(?:تحرير|حرر\S*|[يت]حرر\S*|أفرج\S*|الإفراج|إطلاق سراح|أطلق\S* سراح|إنقاذ"
        r"|أنقذ\S*)(?!\w)"
    )
)
_DOTS: Final = ("..", "…")
# An English abduction verb with its object after it reports a new abduction: "abducted 20 passengers".
_OBJECT_AFTER: Final = re.compile(
    r"\s+(?:at least |about |some |more than |over |nearly |another )?"
    r"(?:\d|an? |the |two |three |four |five |six |seven |eight |nine |ten |dozens|scores|hundreds)"
)
_WHERE_IT: Final = ("where it ", "where they ", "where he ", "where she ")
_WREST_AR: Final = fold_pattern("انتزع")
_MINES_AR: Final = re.compile(fold_pattern(r"(?<!\w)(?:لغم|ألغام|ذخيرة|ذخائر|عبوة|عبوات)(?!\w)"))
_PLACE_OBJECT_AR: Final = re.compile(
    fold_pattern(
        r"(?: على)?(?: \S+){0,2}? [وبل]?(?:ال)?(?:مدينة|مدن|بلدة|بلدات|قرية|قرى|حي|أحياء|مطار|قاعدة|معسكر"
        r"|منطقة|محافظة|ريف|إقليم|مقر|ميناء|معبر)(?!\w)"
    )
)


def _place_taken(text: str, norm: Normalized, end: int) -> bool:
    """A place follows the trigger, after "(control) of/over" too ("seized control of the town of X",
    "السيطرة على بلدة أفدييفكا")."""
    if _PLACE_OBJECT_AR.match(norm.text, end):
        return True
    for prep in (" control of", " control over", " of", " over"):
        if norm.text.startswith(prep, end):
            end += len(prep)
            break
    return _place_follows(text, norm, end)


def _place_follows(text: str, norm: Normalized, end: int) -> bool:
    """ "took over", "abandoned" take a place: a name (capitalised in the original text) or a place noun."""
    at = end if norm.offsets is None else norm.original(end)
    return _PLACE_OBJECT.match(text, at) is not None


def classify(text: str, lang: str | None = None, year: int | None = None) -> Classification:
    """Labels, figures, places, actors and evidence for one text (English or Arabic).

    `lang` None detects the language from the script. `year` is the year the text was published (default:
    this year): events dated before it in the body of an article are background. Never raises on any
    string input.
    """
    year = year or date.today().year
    lang = lang if lang in ("ar", "en") else detect_lang(text)
    norm = normalize(text)
    mentions, names = _mentions(text, norm, lang)
    places = _unique(m.name for m in mentions if m.kind == "place")
    actors = _unique(m.name for m in mentions if m.kind == "actor")
    first = TRIGGER_SCAN[lang].search(norm.text)
    areas = [m.start() for m in _AREA_ANY.finditer(norm.text)] if _has_area_cue(norm.text) else []
    if first < 0 and not areas:
        return Classification([], [], places, actors, [], lang, mentions=mentions)
    starts = _sentences(norm.text)
    trigs = _triggers(norm, lang, starts, first if first >= 0 else len(norm.text), names, text, year)
    by_sentence: dict[int, list[Trig]] = {}
    for sent, trig in trigs:
        by_sentence.setdefault(sent, []).append(trig)
    area_sentences = {bisect.bisect_right(starts, area) - 1 for area in areas}
    for sent in area_sentences:
        by_sentence.setdefault(sent, [])
    found: list[tuple[int, Found]] = []
    for sent in sorted(by_sentence):
        if sent not in area_sentences and all(t.negated for t in by_sentence[sent]):
            # Only an area unit yields a figure without a trigger reported as done ("remaining_area_km2"):
            # a sentence whose every trigger is negated and without an area has no figure to find.
            continue
        s0 = starts[sent]
        s1 = starts[sent + 1] if sent + 1 < len(starts) else len(norm.text)
        nums = find_numbers(norm.text, s0, s1)
        live = [(t.start, t.end) for t in by_sentence[sent] if not t.negated and t.family in _ONE_COUNTS]
        ones = singulars(norm.text, s0, s1, live, lang) if live else []
        if ones:
            taken = {n.start for n in nums}
            nums = sorted(nums + [n for n in ones if n.start not in taken], key=lambda n: n.start)
        if nums:
            found.extend((sent, f) for f in link_figures(norm.text, s0, s1, by_sentence[sent], nums))
    return _assemble(text, norm, lang, trigs, found, mentions, starts, places, actors)


def _assemble(
    text: str,
    norm: Normalized,
    lang: str,
    trigs: list[tuple[int, Trig]],
    found: list[tuple[int, Found]],
    mentions: list[MentionRef],
    starts: list[int],
    places: list[str],
    actors: list[str],
) -> Classification:
    figures, details, spans, used = _figures(text, norm, found)
    for sent, t in trigs:
        if t.negated or id(t) in used:
            continue
        label = LABEL_OF[t.family]
        if kind_of_family(t.family) and t.family != "surrender":
            s1 = starts[sent + 1] if sent + 1 < len(starts) else len(norm.text)
            window = norm.text[max(starts[sent], t.start - _VAGUE_WINDOW) : min(s1, t.end + _VAGUE_WINDOW)]
            if not VAGUE.search(window):
                continue  # a casualty word without any amount is not a toll
        spans.setdefault(label, []).append((sent, t.start, t.end))
    labels = [lab for lab in _LABEL_ORDER if lab in spans]
    if norm.offsets is None:  # offsets in the normalised text are those of the original
        evidence = [
            _evidence({"label": lab, "start": lo, "end": hi, "text": text[lo:hi]})
            for lab in labels
            for _, lo, hi in spans[lab]
        ]
        orig_starts = starts
    else:
        orig = norm.original
        evidence = []
        for lab in labels:
            for _, lo, hi in spans[lab]:
                o0, o1 = orig(lo), orig(hi)
                evidence.append(_evidence({"label": lab, "start": o0, "end": o1, "text": text[o0:o1]}))
        offsets, bisect_right = norm.offsets, bisect.bisect_right
        orig_starts = [s + bisect_right(offsets, s) for s in starts]  # norm.original(s), inlined
    label_sentences = {lab: sorted({s for s, _, _ in spans[lab]}) for lab in labels}
    return Classification(
        labels, figures, places, actors, evidence, lang, details, mentions, label_sentences, orig_starts
    )


def _figures(
    text: str, norm: Normalized, found: list[tuple[int, Found]]
) -> tuple[list[Figure], list[FigureDetail], dict[Label, list[tuple[int, int, int]]], set[int]]:
    """Figures and their details in original offsets, evidence spans per label, ids of triggers used.

    A figure the headline states and the text repeats (the headline's "kills three", the lede's "killed
    three people", "مقتل 4 جنود" then "استشهاد أربعة من منتسبي الجيش") is listed once; the repeat still
    counts as evidence. Equal figures not in the headline are kept: "killed 5 soldiers in Borno ...
    killed 5 villagers in Yobe" are two."""
    spans: dict[Label, list[tuple[int, int, int]]] = {}
    headline: set[tuple[str, float]] = set()  # the headline's figures
    lead: set[tuple[str, float]] = set()  # the headline's and the lede's
    headline_end = text.find("\n") if found else -1  # a one-line text has no headline to repeat
    body = _body_start(text) if headline_end >= 0 else len(text)
    figures: list[Figure] = []
    details: list[FigureDetail] = []
    used: set[int] = set()
    offsets = norm.offsets
    bisect_right = bisect.bisect_right
    for sent, f in found:
        label = _LABEL_OF_KIND.get(f.kind, "territorial_change")
        # norm.original() inlined: a method call per offset costs more than the lookup itself
        if offsets is None:
            o0, o1 = f.start, f.end
        else:
            o0, o1 = f.start + bisect_right(offsets, f.start), f.end + bisect_right(offsets, f.end)
        w0, w1 = f.who
        if w1 <= w0:
            w0, w1 = o1, o1
        elif offsets is not None:
            w0, w1 = w0 + bisect_right(offsets, w0), w1 + bisect_right(offsets, w1)
        key, who = (f.kind, f.count), text[w0:w1]
        if (key in headline and o0 >= headline_end) or (key in lead and o0 >= body):
            pass  # the text restates the headline's figure, or the body the lede's
        else:
            figures.append(_figure({"kind": f.kind, "count": f.count, "who": who, "bound": f.bound}))
            details.append(FigureDetail(f.subgroup, f.mode, sent, o0, o1, w0, w1))
            if o0 < headline_end:
                headline.add(key)
            if o0 < body:
                lead.add(key)
        lo, hi = (min(f.start, f.trigger.start), max(f.end, f.trigger.end)) if f.trigger else (f.start, f.end)
        if f.trigger:
            used.add(id(f.trigger))
        spans.setdefault(label, []).append((sent, lo, hi))
    return figures, details, spans, used


_LABEL_OF_KIND: Final[dict[str, Label]] = {
    "surrendered": "surrender",
    **{kind: "casualty_update" for kind in ("killed", "injured", "executed", "abducted")},
}  # every other figure kind is territorial


def _mentions(text: str, norm: Normalized, lang: str) -> tuple[list[MentionRef], list[tuple[int, int]]]:
    """Mentions in original offsets, and multi-word actor names' spans in normalised offsets."""
    same = norm.offsets is None and len(norm.text) == len(text)
    found = find_entity_spans(norm.text, text if same else None)
    arabic = lang == "ar"
    orig = norm.original
    refs = [
        MentionRef(kind, ent.id, ent.ar if arabic else ent.en, start if same else orig(start))
        for ent, start, _, kind in found
    ]
    names = [(s, e) for _, s, e, kind in found if kind == "actor" and " " in norm.text[s:e]]
    return refs, names


def _unique(items: object) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(item, None)
    return list(seen)
