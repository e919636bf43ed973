"""Numbers in normalised text: digits (with separators and scale words) and English/Arabic number words.

Arabic words cover gender (ثلاث/ثلاثة), case (سبعون/سبعين), dual (مئتان/مئتين, ألفين, construct ألفي) and
compounds joined by و (ثلاثة وعشرين, مئتين وخمسين), read after normalisation (so ة is written ه, أ as ا).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .normalize import fold_pattern, normalize_text
from .scan import WordScanner, trie_regex

__all__ = ["NUMBER_RE", "NumberMatch", "find_numbers", "parse_number", "singulars", "starts_with_wa"]

_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
}
_EN_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}

_AR_UNITS_RAW: dict[str, int] = {}
for _num, _forms in {
    1: "واحد واحدة أحد إحدى",
    2: "اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي",
    3: "ثلاث ثلاثة",
    4: "أربع أربعة",
    5: "خمس خمسة",
    6: "ست ستة",
    7: "سبع سبعة",
    8: "ثمان ثماني ثمانية",
    9: "تسع تسعة",
    10: "عشر عشرة",
    20: "عشرون عشرين",
    30: "ثلاثون ثلاثين",
    40: "أربعون أربعين",
    50: "خمسون خمسين",
    60: "ستون ستين",
    70: "سبعون سبعين",
    80: "ثمانون ثمانين",
    90: "تسعون تسعين",
    100: "مئة مائة",
    200: "مئتان مئتين مائتان مائتين مئتا مئتي مائتا مائتي",
}.items():
    for _form in _forms.split():
        _AR_UNITS_RAW[normalize_text(_form)] = _num
# Joined hundreds: ثلاثمئة .. تسعمائة.
for _n, _stem in enumerate(("ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع"), start=3):
    for _h in ("مئة", "مائة"):
        _AR_UNITS_RAW[normalize_text(_stem + _h)] = _n * 100
_AR_UNITS = _AR_UNITS_RAW
_AR_THOUSAND = {normalize_text(w): 1000 for w in ("ألف", "ألفا", "آلاف", "الف")}
_AR_THOUSAND.update({normalize_text(w): 2000 for w in ("ألفان", "ألفين", "ألفي")})
_AR_MILLION = {normalize_text(w): 1_000_000 for w in ("مليون", "مليونا", "ملايين")}
_AR_MILLION.update({normalize_text(w): 2_000_000 for w in ("مليونان", "مليونين", "مليوني")})
_AR_WORDS = {**_AR_UNITS, **_AR_THOUSAND, **_AR_MILLION}

# Prefix tries, longest first along each branch, so "ثلاثه" wins over "ثلاث" and "seventeen" over "seven".
_AR_ALT = trie_regex(list(_AR_WORDS))
_EN_ALT = trie_regex([*_EN_UNITS, *_EN_SCALES])
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?:million|thousand|" + _AR_ALT + r"))?"
_EN_SEQ = rf"(?:{_EN_ALT})(?:(?:\s+|-|\s+and\s+)(?:{_EN_ALT}))*"
# An Arabic number word may carry one proclitic (و ب ل ف); later words are chained by " و".
_AR_SEQ = rf"(?:[وبلف])?(?:{_AR_ALT})(?:\s+(?:و)?(?:{_AR_ALT}))*"

_WORDY = rf"(?:(?P<d>{_DIGITS}){_SCALE}|(?P<en>{_EN_SEQ})|(?P<ar>{_AR_SEQ}))(?![\w])"
# "3rd Army Corps", "22nd Division": an English ordinal is a name, not a count.
NUMBER_RE = re.compile(
    rf"(?<![\w.,]){_WORDY}|(?<![\d.,])(?P<d2>\d+(?:\.\d+)?)(?![\d])(?!(?:st|nd|rd|th)(?![a-z]))"
)
_ORDINAL: Final = re.compile(r"(?:st|nd|rd|th)(?![a-z])")
# For scanning (scan.py): the first branch of NUMBER_RE, and digits glued to a word ("الـ24", "48ساعة")
# whose look-behind (not after a digit, point or comma) find_numbers checks itself.
_WORDY_SCAN = WordScanner(_WORDY, not_after=r"\w.,")
# The same for ASCII text, where no Arabic word can match: the Arabic branches left out (the `ar`
# group kept, as a class no ASCII character is in).
_WORDY_ASCII = (
    rf"(?:(?P<d>{_DIGITS})(?:\s*(?:million|thousand))?|(?P<en>{_EN_SEQ})|(?P<ar>[^\x00-\x7f]))(?![\w])"
)
_WORDY_SCAN_ASCII = WordScanner(_WORDY_ASCII, not_after=r"\w.,")
_GLUED = re.compile(r"\d\d*(?:\.\d+)?(?!\d)")
_GLUED_ASCII = re.compile(r"[0-9][0-9]*(?:\.[0-9]+)?(?![0-9])")  # the same on ASCII text, tested faster
# Thousands separators too: "و2,110 جرحى" is 2110, not 2 (the proclitic keeps it out of the first branch).
_GLUED_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?(?!\d)")


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~3x more to build, and these are many
class NumberMatch:
    """A number found in normalised text (read-only by convention)."""

    start: int
    end: int
    value: float


def _parse_en(words: list[str]) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        if w == "a" and i + 1 < len(words) and words[i + 1] == "dozen":
            w, i = "a dozen", i + 1
        if w == "and":
            i += 1
            continue
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w in ("hundred", "dozen"):
            current = (current or 1) * _EN_SCALES[w]
        elif w in ("thousand", "million"):
            total += (current or 1) * _EN_SCALES[w]
            current = 0
        else:
            return None
        seen = True
        i += 1
    return total + current if seen else None


def _parse_ar(words: list[str]) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    for raw in words:
        w = raw
        if w not in _AR_WORDS and w[:1] in "وبلف" and w[1:] in _AR_WORDS:
            w = w[1:]  # proclitic: وعشرين, بثلاثة
        if w in _AR_UNITS:
            value = _AR_UNITS[w]
            if value == 10 and 0 < current < 10:
                current += 10  # ثلاثة عشر = 13
            elif value == 100 and 0 < current < 10:
                current *= 100  # ثلاث مئة written apart
            else:
                current += value
        elif w in _AR_THOUSAND:
            scale = _AR_THOUSAND[w]
            total += (current or 1) * (1000 if current else scale)
            current = 0
        elif w in _AR_MILLION:
            scale = _AR_MILLION[w]
            total += (current or 1) * (1_000_000 if current else scale)
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def starts_with_wa(text: str, n: NumberMatch) -> bool:
    """The number word carries the conjunction و ("وخمسة" = "and five"); "واحدة" (one) does not."""
    if not text.startswith("و", n.start):
        return False
    word = text[n.start + 1 : n.end].split(" ", 1)[0]
    return word in _AR_WORDS or (word[:1] in "بلف" and word[1:] in _AR_WORDS)


def parse_number(text: str) -> float | None:
    """Value of a number written in digits or words (English or Arabic), or None if it is not one.

    Accepts raw text: it is normalised first, so Arabic-Indic digits and spelling variants work.
    """
    norm = normalize_text(text).strip()
    m = NUMBER_RE.fullmatch(norm)
    return _value(m) if m else None


def _scale_of(tail: str) -> float:
    tail = tail.strip()
    if not tail:
        return 1.0
    if tail == "million" or tail in _AR_MILLION:
        return 1_000_000.0
    if tail == "thousand" or tail in _AR_THOUSAND:
        return 1000.0
    return 1.0


_EN_SPLIT: Final = re.compile(r"[\s-]+")
_AR_SPLIT: Final = re.compile(r"\s+")


def _value(m: re.Match[str]) -> float | None:
    digits = m.group("d")
    if digits is not None:
        base = float(digits.replace(",", ""))
        end_d = m.end("d")
        if end_d == m.end():
            return base  # no scale word (base * 1.0)
        tail = m.string[end_d : m.end()]
        scale = _scale_of(tail)
        if tail.strip() and scale == 1.0:
            return None  # "5 ثلاثه": a digit followed by a word number is two numbers
        return base * scale
    if "d2" in m.re.groupindex and m.group("d2") is not None:
        return float(m.group("d2").replace(",", ""))
    if m.group("en"):
        return _parse_en(_EN_SPLIT.split(m.group("en")))
    return _parse_ar(_AR_SPLIT.split(m.group("ar")))


# Arabic duals count two without a number word: "قريتين" (two villages), "مقتل شخصين" (two people).
# Only nouns whose plural is not also -ين (مدنيين is plural) are listed.
DUAL_RE = re.compile(
    normalize_text(
        # the construct "قريتي X وY" (not "قريتي" alone: "my village"); normalize_text lower-cases \S
        # "بلدتي نوفوبافليفكا في دونيتسك وبيشانويه": a name, up to three words of its region, then و
        r"(?<!\w)(?:[وفبل])?(?:ال)?(?:(?:قريتي|بلدتي|حيي)(?= [^ ]+(?: [^ ]+){0,3} و)"
        r"|قريتين|قريتان|بلدتين|بلدتان"
        r"|مدينتين|مدينتان|حيين|حيان|شخصين|شخصان"
        r"|جنديين|جنديان|طفلين|طفلان|عنصرين|عنصران|ضابطين|ضابطان|امرأتين|امرأتان|مقاتلين اثنين"
        # nominative duals whose plural differs ("إرهابيان يسلمان نفسيهما"), and "شقيقيه" (his two brothers)
        r"|إرهابيان|مسلحان|مدنيان|صحفيان|مسعفان|شقيقين|شقيقان|شقيقيه|شقيقيها|رجلين|رجلان|شابين|شابان"
        r"|فتاتين|فتاتان|حارسين|حارسان|شرطيين|شرطيان)(?!\w)"
    )
)
_DUAL_SCAN = WordScanner(DUAL_RE.pattern.removeprefix(r"(?<!\w)"))


def _glued(text: str, start: int, stop: int, spans: list[tuple[int, int]]) -> list[NumberMatch]:
    """Digit runs that NUMBER_RE's second branch reads: not after a digit, point or comma, and not
    inside a match of the first branch."""
    out = []
    span_starts = {a for a, _ in spans}  # most digit runs start a number already read
    for m in (_GLUED_ASCII if text.isascii() else _GLUED).finditer(text, start, stop):
        s0 = m.start()
        if s0 in span_starts or (s0 and text[s0 - 1] in ".,") or any(a <= s0 < b for a, b in spans):
            continue
        if _ORDINAL.match(text, m.end()) or (s0 and "a" <= text[s0 - 1] <= "z"):
            continue  # "3rd Army Corps", "M23", "F-16" names (normalised text is lower case)
        if text.startswith(",", m.end()):
            wide = _GLUED_THOUSANDS.match(text, s0, stop)
            if wide:
                out.append(NumberMatch(s0, wide.end(), float(wide.group().replace(",", ""))))
                continue
        out.append(NumberMatch(s0, m.end(), float(m.group())))
    return out


_VAGUE_THOUSANDS: Final = frozenset(normalize_text(w) for w in ("آلاف", "الآلاف", "ألوف", "وآلاف", "بآلاف"))


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[NumberMatch]:
    """Every number in text[start:end] (already normalised), with absolute positions.

    An Arabic dual noun yields a zero-width match of value 2 at the noun's start, so the noun itself
    is read as the unit or the "who" that follows the number.
    """
    stop = len(text) if end is None else end
    out: list[NumberMatch] = []
    spans: list[tuple[int, int]] = []
    ascii_only = text.isascii()  # a flag of the string: free
    for s0, m in (_WORDY_SCAN_ASCII if ascii_only else _WORDY_SCAN).finditer(text, start, stop):
        spans.append((s0, m.end()))
        if not ascii_only and text[s0 : m.end()] in _VAGUE_THOUSANDS:
            continue  # "آلاف المدنيين": thousands, no count
        value = _value(m)
        if value is not None:
            out.append(NumberMatch(s0, m.end(), value))
    glued = _glued(text, start, stop, spans)
    if glued:
        out = sorted(out + glued, key=lambda n: n.start)
    if ascii_only:
        return out  # every dual is an Arabic word
    duals = [NumberMatch(s0, s0, 2.0) for s0, _ in _DUAL_SCAN.finditer(text, start, stop)]
    if duals:
        out = sorted(out + duals, key=lambda n: n.start)
    return out


# One person named without a number, next to a casualty word: "مقتل طفل وإصابة شقيقيه", "سقوط شهيد",
# "ويقتلون أحد الحراس", "killing a soldier", "a journalist was wounded", and one person in a sub-group
# ("including a child", "بينهم امرأة": a subset of one), not "من بين القتلى مسعفا". The count 1 sits on
# the article ("a") or on "أحد", or is zero-width at the Arabic noun, which reads as who.
_PERSON_EN: Final = (
    r"(?:child|boy|girl|baby|infant|toddler|teenager|woman|man|civilian|soldier|officer|policeman"
    r"|police officer|journalist|reporter|photographer|paramedic|medic|doctor|nurse|aid worker|farmer"
    r"|worker|student|guard|fighter|militant|commander|resident|villager|driver|shepherd|fisherman"
    r"|teacher|pilot|member|ranger|volunteer)"
)
_ONE_AFTER_EN: Final = re.compile(r"\s+(?P<one>an?)\s+(?:[\w-]+\s+)?" + _PERSON_EN + r"\b")
_AUXILIARIES: Final = ("was ", "been ", "ly ")  # what _ONE_BEFORE_EN ends with
_ONE_BEFORE_EN: Final = re.compile(
    r"\b(?P<one>an?)\s+(?:[\w-]+\s+)?" + _PERSON_EN + r"\s+(?:was|has been|had been)\s+(?:[a-z]+ly\s+)?$"
)
_INCLUDING_ONE_EN: Final = re.compile(r"\bincluding\s+(?P<one>an?)\s+(?:[\w-]+\s+)?" + _PERSON_EN + r"\b")
_PERSON_AR: Final = (
    r"(?:طفل|طفلة|شاب|شابة|رجل|امرأة|سيدة|مسن|مسنة|فتى|فتاة|مدني|مواطن|مواطنة|جندي|ضابط|عنصر|مقاتل|مسلح"
    r"|شخص|حارس|صحفي|مسعف|طبيب|ممرض|مزارع|راع|عامل|سائق|طالب|طالبة|قيادي|قائد|شرطي|عسكري|مستوطن|رهينة"
    # a relative or "a third": "مقتل طفل وإصابة والدته", "مقتل عنصرين وإصابة ثالث"
    r"|والده|والدته|والدها|والدتها|شقيقه|شقيقها|زوجته|زوجها|ابنه|ابنها|ابنته|ابنتها|ثالث|رابع)"
    r"ا?(?![^ .،,])"
)
_ONE_AFTER_AR: Final = re.compile(fold_pattern(rf" (?:(?P<one>أحد|إحدى) (?=ال)|(?={_PERSON_AR}))"))
_AMONG_ONE_AR: Final = re.compile(fold_pattern(rf"(?<!\w)(?:من )?بينهم (?={_PERSON_AR})"))
_AMONG_AR: Final = normalize_text("بينهم")
_ONE_NOUN_AR: Final = frozenset(normalize_text(w) for w in ("شهيد", "قتيل", "جريح", "مصاب"))
_PLURAL_NOUNS_AR: Final = tuple(normalize_text(w) for w in ("قتلى", "جرحى", "ضحايا", "شهداء", "مصابين"))
_FALL_AR: Final = tuple(normalize_text(w) + " " for w in ("سقوط", "وسقوط"))


def singulars(text: str, s0: int, s1: int, triggers: list[tuple[int, int]], lang: str) -> list[NumberMatch]:
    """A count of 1 for each person named alone next to a casualty trigger (spans in text[s0:s1]) and for
    one person in a sub-group of a casualty ("including a child"; not of a surrender, "including a
    commander", which annotators leave uncounted)."""
    out: list[NumberMatch] = []
    for t0, t1 in triggers:
        if lang == "ar":
            if text[t0:t1] in _ONE_NOUN_AR and text.endswith(_FALL_AR, s0, t0):
                out.append(NumberMatch(t0, t0, 1.0))  # "سقوط شهيد": the noun is the trigger and who
                continue
            m = None if text.endswith(_PLURAL_NOUNS_AR, t0, t1) else _ONE_AFTER_AR.match(text, t1, s1)
        else:
            # quick tests before the regexes: an article right after, an auxiliary right before
            m = _ONE_AFTER_EN.match(text, t1, s1) if text.startswith((" a ", " an "), t1) else None
            if m is None and text.endswith(_AUXILIARIES, max(s0, t0 - 12), t0):
                m = _ONE_BEFORE_EN.search(text, max(s0, t0 - 50), t0)
        if m is not None:
            one = m.span("one") if m.group("one") else (m.end(), m.end())
            out.append(NumberMatch(one[0], one[1], 1.0))
    if triggers:
        sentence = text[s0:s1]
        if lang == "en" and "including a" in sentence:
            out.extend(NumberMatch(*m.span("one"), 1.0) for m in _INCLUDING_ONE_EN.finditer(text, s0, s1))
        elif lang == "ar" and _AMONG_AR in sentence:
            out.extend(NumberMatch(m.end(), m.end(), 1.0) for m in _AMONG_ONE_AR.finditer(text, s0, s1))
    return sorted({n.start: n for n in out}.values(), key=lambda n: n.start)
