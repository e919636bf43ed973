"""Is a trigger reported as done? Plans, calls, denials, refusals and background say it is not.

Two windows: modal/denial/call cues anywhere in the clause before the trigger (up to 60 characters),
and purpose/background cues only right before it ("offensive to recapture", "منذ سيطرة", "لتحرير").
"""

from __future__ import annotations

import re
from typing import Final

from .lexicon import NEGATION, NEGATION_SCAN, PURPOSE_ONLY_AR, TO_OK_EN
from .normalize import fold_pattern
from .scan import WordScanner
from .tails import ends_with_word

__all__ = ["is_negated", "is_object_not_territory"]

_WINDOW: Final = 60
_COORDINATED: Final = ("and", "or")
_CLAUSE_START: Final = re.compile(
    fold_pattern(
        r".*(?:[;؛:.!?]|,\s+(?:while|but|whereas)\b|،\s*(?:في حين|بينما|فيما)|\bwhile\b|\bwhereas\b)"
    ),
    re.S,
)
# Every clause start holds one of these: a quick test before _CLAUSE_START backtracks over the window.
_CLAUSE_CUE: Final = re.compile(fold_pattern(r"[;؛:.!?,،]|while|whereas"))
_ADJ_EN: Final = WordScanner(
    r"(?:since|prior to|ahead of|before|negotiations?\s+(?:on|over|for|about)"
    r"|talks\s+(?:on|over|for|about))\s+(?:its|the|their|his|a)?\s*$"
)
# The last word of every _ADJ_EN match (it ends with `\s*$`): a quick test before the scan.
_ADJ_EN_LAST: Final = (
    *("its", "the", "their", "his", "a"),
    *("since", "to", "of", "before", "on", "over", "for", "about"),
)
_ADJ_AR: Final = WordScanner(
    fold_pattern(
        r"(?:و)?(?:منذ|قبل|لمنع|معركة|معركه|حملة|عملية|هجوم|هجوما|بهدف|سعيا|محاولة|مفاوضات|محادثات|بشأن|حول)"
        r"(?: \S+)?\s*$"
    )
)
# A masdar with lam is a purpose: "لتحرير", "للسيطرة", "لاستعادة" = "in order to take".
_AR_PURPOSE: Final = re.compile(
    fold_pattern(r"^[وف]?لل?(?:تحرير|سيطرة|استعادة|استسلام|تسليم|انسحاب|استيلاء|استرجاع|إعادة)")
)
_MAY_MONTH: Final = re.compile(r"\d\s*may\b|\bmay\s*\d")
_PERSON_OBJECT_EN: Final = re.compile(
    r"^\s*(?:(?:at least|about|some|more than|over)\s+)?(?:[\w,.-]+\s+){0,3}?"
    r"(?:fighters|militants|soldiers|members|prisoners|commanders?|leaders?|pilots?|weapons|ammunition"
    r"|vehicles|tanks|rifles|drugs|suspects|people|civilians|hostages|troops|jihadists|insurgents"
    r"|title|trophy|cup|championship|league|award|medals?|hearts?|attention|imagination|footage|images?"
    r"|market|votes?|seats?|share|momentum|match|game|race|tournament|final|lead|initiative|ball)\b"
)
_PERSON_OBJECT_AR: Final = re.compile(
    fold_pattern(r"^\s*(?:\S+\s+)?(?:أسلحة|ذخائر|آليات|دبابة|دبابات|مستودع|مخزن|عناصر|مقاتلين|مسلحين)(?!\w)")
)


# Background in a relative clause dated to a year: "the town, which IS seized in 2014, ...",
# "المدينة التي سيطر عليها التنظيم عام 2014".
_YEAR_AFTER: Final = re.compile(
    fold_pattern(
        r"^[^,;:.()،؛]{0,40}?(?:\b(?:in|since)\s+(?:(?:early|late|mid-?)\s*)?(?:[a-z]+\s+)?"
        r"|(?<!\w)(?:في |منذ )?(?:عام|سنة|العام)\s+)(?:19|20)\d\d\b"
    )
)
_RELATIVE_BEFORE: Final = re.compile(
    fold_pattern(
        r"(?:,\s*(?:which|that|where|whom)|(?<!\w)(?:التي|الذي|اللتين|اللذين|الذين|حيث))"
        r"\s+(?:[^\s,،]+\s+){0,4}$"
    )
)


def _dated_relative(text: str, start: int, end: int, sentence_start: int) -> bool:
    """True when the trigger sits in a relative clause dated to a year (historical background)."""
    after = text[end : end + 60]
    if ("19" not in after and "20" not in after) or _YEAR_AFTER.match(after) is None:
        return False
    return _RELATIVE_BEFORE.search(text, max(sentence_start, start - 60), start) is not None


def is_negated(text: str, start: int, end: int, sentence_start: int, lang: str) -> bool:
    """True when the clause before text[start:end] makes it a plan, call, denial, refusal or background."""
    if _dated_relative(text, start, end, sentence_start):
        return True
    left = text[max(sentence_start, start - _WINDOW) : start]
    if ends_with_word(left, _COORDINATED) or text.startswith("و", start):
        # "urged them to lay down their arms and surrender": the cue governs both verbs.
        left = text[max(sentence_start, start - 2 * _WINDOW) : start]
    clause = _CLAUSE_START.match(left) if _CLAUSE_CUE.search(left) else None
    if clause:
        left = left[clause.end() :]
    if lang == "ar":
        if _AR_PURPOSE.match(text[start:end]) or _ADJ_AR.found_in(left):
            return True
        return NEGATION_SCAN["ar"].found_in(left) and not _only_purpose(left)
    tail = left.rstrip()
    if tail.endswith(_ADJ_EN_LAST) and _ADJ_EN.found_in(left):
        return True
    if "may" in left:
        left = _MAY_MONTH.sub(lambda m: " " * len(m.group()), left)  # "11 May" is a date, not a modal
        tail = left.rstrip()
    ok = TO_OK_EN.search(left) if tail.endswith("to") else None  # it ends with `to\s*$`
    if ok:
        left = left[: ok.start()]
    return NEGATION_SCAN["en"].found_in(left)


def _only_purpose(left: str) -> bool:
    """Arabic 'معركة/حملة/هجوم' block only when adjacent, which _ADJ_AR already checked."""
    return all(m.group().lstrip("وف") in PURPOSE_ONLY_AR for m in NEGATION["ar"].finditer(left))


def is_object_not_territory(text: str, end: int, lang: str) -> bool:
    """True when a capture verb takes people or materiel as object ("captured 20 fighters")."""
    after = text[end : end + 40]
    pattern = _PERSON_OBJECT_AR if lang == "ar" else _PERSON_OBJECT_EN
    return pattern.match(after) is not None
