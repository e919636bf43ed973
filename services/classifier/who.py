"""Who was counted: a clean noun phrase for a figure ("civilians", "ISIS fighters", "أطفال").

Read after the number ("141 children", "150 عنصراً من تنظيم داعش"), stopping at verbs, prepositions,
punctuation and a conjunction that starts the next figure ("طفلاً و86 امرأة" gives "طفلاً"). When
nothing names the group after the number, a running total names it before: "the number of civilians
killed ... has risen to 388", "ارتفع عدد قتلى قوات سوريا الديمقراطية إلى 630".
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Final

from .normalize import fold_pattern
from .numbers import NumberMatch
from .scan import dispatch, has_astral, spelled_out, text_has_astral

__all__ = ["who_span"]


def _c(p: str) -> re.Pattern[str]:
    return re.compile(fold_pattern(p))


_STOP_EN: Final = (
    r"were|was|are|is|have|has|had|and|in|on|at|by|from|during|after|when|while|who|including|that|"
    r"with|as|to|of|according|since|for|near|reportedly|over|inside|across|amid|under|among|this|last"
    r"|kill\w*|die[sd]?|dead|wound\w*|injur\w*|surrender\w*|fled|flee\w*|handed|laid|gave|executed"
    r"|abducted|lost|perished|embraced|martyred"
)
_STOP_AR: Final = (
    r"في|على|خلال|بعد|منذ|الذين|اللذين|ممن|جراء|إثر|اثر|بينهم|منهم|حسب|بحسب|وفق|قرب|إلى|الى"
    r"|عن|كما|حيث|لدى|لديه|أنفسهم|انفسهم|نفسه|أنفسهن|سلموا|قتلوا|قضوا|استسلموا|لقوا|أصيبوا|جرحوا|ألقوا|بينما|فيما|مع"
)
_STOP_WA: Final = r"و(?=\d|عدد|أصيب|اصيب|إصابة|قتل|مقتل|جرح|سقط|استسلم|سلم|أسر|اسر|فقد|خطف|اختطف)"
_STOP_WORDS: Final = dispatch(fold_pattern(rf"(?:{_STOP_EN})\b|(?:{_STOP_AR})(?!\w)|{_STOP_WA}"))
# A stop is `\b(?:EN)\b|(?<!\w)(?:AR)(?!\w)|(?<!\w)WA|[,،.;:()]` (every English word starts with a word
# character, so `\b` before it is `(?<!\w)`). It is searched as a non-word character that is punctuation
# (the empty group p) or is followed by a stop word: a pattern starting with one class lets the engine
# skip word characters in C (an alternation of classes would be entered at every position); the words
# are regrouped by first letter (scan.dispatch).
# (The first class spelled out for ASCII text and text without astral characters: see scan.spelled_out.)
_AFTER_NON_WORD: Final = r"(?:(?<=[,،.;:()])(?P<p>)|" + _STOP_WORDS + ")"
_WHO_STOP: Final = re.compile(r"[^\w]" + _AFTER_NON_WORD)
_WHO_STOP_ASCII: Final = re.compile(spelled_out(r"\w")[0] + _AFTER_NON_WORD)
_WHO_STOP_BMP: Final = re.compile(spelled_out(r"\w")[1] + _AFTER_NON_WORD)
_WHO_SKIP: Final = _c(r"^\s*(?:more|other|others|additional|من|من بين)\s+")
_WORD: Final = re.compile(r"[^\s\"'“”()]+")
_NOT_WHO: Final = frozenset(fold_pattern(w) for w in ("others", "آخرين", "اخرين", "more", "another"))
_TRAILING: Final = frozenset(fold_pattern(w) for w in ("من", "of", "the", "ال", "في", "و", "and"))
# "number of civilians", "عدد (قتلى) المدنيين": the group a running total counts, named before it.
_NUMBER_OF: Final = _c(
    r"\bnumber of\s+(?:the\s+)?"
    r"|(?<!\w)[وف]?عدد\s+(?:(?:ال)?(?:قتلى|ضحايا|القتلى|الضحايا|الجرحى|المصابين)\s+)?"
)
# Every match of _NUMBER_OF holds one of these.
_NUMBER: Final = "number of"
_COUNT_AR: Final = fold_pattern("عدد")


def _stop(rest: str, source: str | None = None) -> int:
    """Where the first stop in rest starts, or len(rest). The space put before rest stands for its start,
    so a stop word at rest[0] is found too. `source`, a text rest was cut from, answers the astral test
    (text_has_astral remembers the article's answer) instead of a scan of rest."""
    spaced = " " + rest
    if spaced.isascii():
        pattern = _WHO_STOP_ASCII
    else:
        astral = has_astral(spaced) if source is None else text_has_astral(source)
        pattern = _WHO_STOP if astral else _WHO_STOP_BMP
    m = pattern.search(spaced)
    if m is None:
        return len(rest)
    return m.start() - 1 if m.group("p") is not None else m.start()


def _phrase(text: str, begin: int, stop_at: int, max_words: int) -> tuple[int, int]:
    rest = text[begin:stop_at]
    skip = _WHO_SKIP.match(rest)
    if skip:
        begin += skip.end()
        rest = rest[skip.end() :]
    head = rest[: _stop(rest, text)]
    words = _words(head, max_words)
    while words and words[-1][0] in _TRAILING:
        words.pop()  # "عنصراً من" cut before its noun: keep the head noun only
    if not words or words[0][0] in _NOT_WHO:
        return (begin, begin)
    return (begin + words[0][1], begin + words[-1][1] + len(words[-1][0]))


def _words(head: str, max_words: int) -> list[tuple[str, int]]:
    """The first max_words matches of _WORD in head, as (word, start). Without quotes (a stop ends head
    before any bracket) they are the whitespace-separated parts (re and str.split agree on whitespace)."""
    if '"' in head or "'" in head or "“" in head or "”" in head:
        return [(m.group(), m.start()) for m in islice(_WORD.finditer(head), max_words)]
    out = []
    at = 0
    for word in head.split(None, max_words)[:max_words]:
        at = head.find(word, at)
        out.append((word, at))
        at += len(word)
    return out


def who_span(text: str, n: NumberMatch, limit: int, s0: int) -> tuple[int, int]:
    """Span of the words naming who was counted by the number n (empty span at n.end if none)."""
    span = _phrase(text, n.end, min(limit, n.end + 60), 5)
    if span[1] > span[0]:
        return span
    last = None
    lo = max(s0, n.start - 160)
    # Every match holds one of these words: substring tests spare a regex entered at every position.
    if text.find(_NUMBER, lo, n.start) < 0 and text.find(_COUNT_AR, lo, n.start) < 0:
        return (n.end, n.end)
    for m in _NUMBER_OF.finditer(text, lo, n.start):
        last = m
    if last is not None:
        before = _phrase(text, last.end(), n.start, 4)
        if before[1] > before[0]:
            return before
    return (n.end, n.end)
