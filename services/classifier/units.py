"""What follows or precedes a number: a date or duration (not a count), a unit (area, percent,
settlements), or a running-total verb ("rose to 388", "ارتفع ... إلى 388").

Each question is one regex call: the original per-unit patterns are joined into one alternation
tried in the same order, so the first unit that matched before is the one that matches now.
"""

from __future__ import annotations

import re
from typing import Final

from .normalize import fold_pattern
from .numbers import NumberMatch
from .scan import WordScanner, dispatch
from .tails import ends_with_word

__all__ = ["is_time_or_date", "total_verb_in", "unit_after"]


def _c(p: str) -> re.Pattern[str]:
    return re.compile(fold_pattern(p))


MONTH_WORDS: Final = tuple(
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
# The last word of each month name (the word a month ends with).
_MONTH_LAST_WORDS: Final = frozenset(w.rsplit(" ", 1)[-1] for w in MONTH_WORDS)
_TIME_WORDS: Final = fold_pattern(
    r"hours?|days?|weeks?|months?|years?|minutes?|am|pm|a\.m\.|p\.m\.|km\b(?!\s*(?:2|²))"
    r"|kilometers? (?:from|away|north|south|east|west)|miles?|ساعة|ساعات|يوم|يوما|أيام|أسبوع|أسابيع|شهر"
    r"|أشهر|شهور|سنة|سنوات|سنين|عام|عاما|أعوام|دقيقة|دقائق|صباحا|مساء|ظهرا"
    r"|كيلومتر(?:ات|ا)?(?! مربع)|كلم(?! مربع)|مترا|أمتار|ميلا|أميال"
)
# Either of `^\s*<date>` and `^\s*<duration or distance>` in one call. No branch can start with a
# space, so the leading spaces are taken possessively (`\s*+`), and the word lists are regrouped by
# first letter (scan.dispatch): the same texts match, with far less backtracking.
_DATE_OR_TIME_AFTER: Final = re.compile(
    r"\s*+(?:(?:st|nd|rd|th)?\s*(?:of\s+|"
    + fold_pattern("من")
    + r"\s+)?"
    + dispatch("|".join(map(re.escape, MONTH_WORDS)))
    + r"(?!\w)|(?:-|–)?\s*"
    + dispatch(_TIME_WORDS)
    + r"(?!\w))"
)
# Area, ignored area units, percent, then settlements: the first group that matches names the unit
# (no branch starts with a space, so the leading spaces are taken possessively).
_UNIT_AFTER: Final = _c(
    r"\s*+(?:(?P<area>square\s+kilomet(?:er|re)s?|sq\.?\s*km|km2|km\s*2|كل?م\s*مربع|كل?م2"
    r"|كيلومتر(?:ا|ات)?\s*مربع(?:ا)?|كيلو\s*متر(?:ا)?\s*مربع(?:ا)?)"
    r"|(?P<ignored>sq\.?\s*mi|square\s+miles?|hectares?|acres?|dunums?|دونم|-?stor(?:e?y|eys|ies)\b|-?floors?\b"
    r"|طوابق|طابق)"
    r"|(?P<percent>%|percent|per cent|٪|بالمئة|بالمائة|في المئة|في المائة)"
    # towns count as villages, as annotators count them ("خمس بلدات" -> captured_villages 5), but "76 towns
    # and locations" are localities
    r"|(?:more\s+|other\s+|of\s+the\s+)?(?:(?P<villages>villages?|hamlets?"
    r"|towns?(?!\s+and\s+(?:locations|positions|areas))|قرى|قرية|قريتين|قريتان|قريتي"
    r"|بلدات|بلدة|بلدتين|بلدتي)"
    r"|(?P<settlements>settlements?|مستوطنات|تجمعات)|(?P<neighbourhoods>neighbou?rhoods?|districts?|wards?|أحياء|حي|حيين|حيي)"
    r"|(?P<localities>towns?|localities|locations|areas|positions|مناطق|مواقع|نقاط))(?!\w))"
)
_AL: Final = fold_pattern("ال")
_TOTAL_EN: Final = (
    r"rose|risen|rises|rising|climbed|climbs|reached|reaches|increased|jumped|stands|stood|hit|grew|brings"
    r"|brought|bringing|total(?:led|ed|ing|s)?"
)
_TOTAL_AR: Final = (
    r"ارتفع|ارتفعت|يرتفع|ترتفع|وصل|وصلت|يصل|تصل|بلغ|بلغت|يبلغ|تبلغ|تجاوز|تجاوزت|يرفع|ترفع|رفع|رفعت"
)
# `\b(?:EN)\b|(?<!\w)(?:و|ف|ل)?(?:AR)(?!\w)`: the optional proclitic spelled out (with it first, as the
# greedy `?` tries), the words regrouped by first letter (scan.dispatch), scanned from word starts.
_TOTAL_VERB: Final = WordScanner(
    dispatch(
        fold_pattern(
            rf"(?:{_TOTAL_EN})\b|"
            + "|".join(rf"{proclitic}(?:{_TOTAL_AR})(?!\w)" for proclitic in ("و", "ف", "ل", ""))
        )
    )
)


# A number that names rather than counts: a formation, a road or a flight ("Brigade 444", "اللواء 444",
# "Route 1"), or the wire-story revision "UPDATE 2-". Read as the word right before the number (a set
# lookup, after the Arabic proclitics and article are taken off).
_NAME_WORDS: Final = frozenset(
    fold_pattern(w)
    for w in (
        "brigade",
        "division",
        "regiment",
        "battalion",
        "route",
        "highway",
        "flight",
        "resolution",
        "update",
        "article",
        "لواء",
        "فرقة",
        "كتيبة",
        "فوج",
        "قرار",
        "رحلة",
        "طريق",
        "مادة",
        "إم",  # "إم 23": the M23 rebels
        # an Arabic ordinal before "عشرة/عشر" makes 11th..19th: "الفرقة الرابعة عشرة"
        "حادي",
        "حادية",
        "ثاني",
        "ثانية",
        "ثالث",
        "ثالثة",
        "رابع",
        "رابعة",
        "خامس",
        "خامسة",
        "سادس",
        "سادسة",
        "سابع",
        "سابعة",
        "ثامن",
        "ثامنة",
        "تاسع",
        "تاسعة",
    )
)
_AR_ARTICLE: Final = re.compile(fold_pattern(r"^[وفبل]?(?:ال)?"))


def _names_the_number(before: str) -> bool:
    if not before[-1:].isspace():
        return False
    words = before.split()
    if not words:
        return False
    word = words[-1].lstrip("«\"'(")
    if word in _NAME_WORDS:
        return True
    if word.isascii():
        return False
    article = _AR_ARTICLE.match(word)
    return article is not None and word[article.end() :] in _NAME_WORDS


def _month_before(window: str) -> bool:
    """ends_with_word(window, MONTH_WORDS). A last word of letters that ends no month word rules out every
    month (a month of several words ends with its last word, after the window's last space)."""
    rest = window.rstrip()
    last = rest[rest.rfind(" ") + 1 :]
    if last.isalpha() and last not in _MONTH_LAST_WORDS:
        return False
    return ends_with_word(rest, MONTH_WORDS)


# Bounds that only come before a count ("over" does not: "jailed over 2014 massacre").
_COUNT_BOUNDS: Final = tuple(
    fold_pattern(w)
    for w in (
        "more than",
        "at least",
        "about",
        "nearly",
        "around",
        "some",
        "almost",
        "أكثر من",
        "نحو",
        "حوالي",
        "ما لا يقل عن",
        "قرابة",
    )
)
# "between 2000 and 3000 civilians": a range that ends on a count, not a year
_RANGE_TO_COUNT: Final = _c(r"\s*(?:and|to|or|-|–|و|إلى)\s*(?!(?:19|20)\d\d(?!\d))\d{3,}(?!\d)")
_PEOPLE_AFTER: Final = _c(
    r"\s+(?:[\w-]+\s+)?(?:people|civilians|soldiers|fighters|militants|troops|children|women|men|residents"
    r"|شخص\S*|مدني\S*|جندي\S*|جنود|مقاتل\S*|مسلح\S*|طفل\S*|أطفال|نساء|عنصر\S*)(?!\w)"
)


def is_time_or_date(text: str, n: NumberMatch) -> bool:
    """A date ("12 March", "March 12"), a clock time ("12:30 GMT"), a duration or distance ("48 hours",
    "5 km"), a bare year, a definite ordinal glued to the article ("الساعات الـ24") or a name
    ("Brigade 444", "UPDATE 2-")."""
    # (no look-behind in the pattern: matching at n.end is the same as matching the slice after it)
    if _DATE_OR_TIME_AFTER.match(text, n.end, n.end + 30):
        return True
    if _month_before(text[max(0, n.start - 20) : n.start]):
        return True
    before = text[max(0, n.start - 12) : n.start]
    if text.startswith(":", n.end) and text[n.end + 1 : n.end + 2].isdigit():
        return True  # "12:30", "١٥:٤٠" (hours)
    if before.endswith(":") and before[-2:-1].isdigit():
        return True  # the minutes of a clock time
    if before.endswith(_AL) and (len(before) == 2 or not before[-3].isalnum()):
        return True  # "الـ24": the article before a digit makes an ordinal adjective, not a count
    if _names_the_number(before):
        return True
    # A bare year (in digits: "ألفي" is a number word); tolls of exactly 1900-2099 are written with a
    # separator ("1,950"), or come after a bound ("more than 2000") or before their people ("2019 militants").
    return (
        n.value.is_integer()
        and 1900 <= n.value <= 2099
        and n.end - n.start == 4
        and text[n.start].isdigit()
        and not ends_with_word(text[max(0, n.start - 24) : n.start].rstrip(), _COUNT_BOUNDS)
        and _PEOPLE_AFTER.match(text, n.end) is None
        and _RANGE_TO_COUNT.match(text, n.end) is None
    )


def unit_after(text: str, n: NumberMatch) -> str | None:
    """'area', 'ignored', 'percent', 'villages', 'settlements', 'neighbourhoods' or 'localities'."""
    m = _UNIT_AFTER.match(text, n.end, n.end + 40)  # no look-behind: the same as matching the slice
    return m.lastgroup if m else None


def total_verb_in(window: str, source: str | None = None) -> bool:
    """A running-total verb ("rose", "reached", "ارتفع", "وبلغت") anywhere in the window (cut from
    `source`, when given: see WordScanner.found_in)."""
    return _TOTAL_VERB.found_in(window, source)
