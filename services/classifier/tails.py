"""What a window of text ends or starts with ("including", "and", "at least", "rose to"), read directly.

A regex anchored at the end (`(?:words)\\s*$`) is tried by `search` at every start position of the
window; these helpers answer the same question with str.endswith/startswith. `chain_tail(gap)` gives
the same answer as searching the gap with
`(?P<sub>sub-words)?\\s*(?P<and>and-words)?\\s*(?:at least|about|some)?\\s*$` (~30 µs per sentence).
"""

from __future__ import annotations

from typing import Final

from .normalize import fold_pattern

__all__ = ["chain_tail", "ends_with_word", "starts_with_word"]

_BOUNDS: Final = ("at least", "about", "some")
_ANDS_BOUNDED: Final = ("as well as", "and", "و")  # need a non-word character (or nothing) before
_ANDS_FREE: Final = ("،", ",")
_SUBS_BOUNDED: Final = (
    "including",
    "among them",
    "of whom",
    "of which",
    "among whom",
    # "مقتل 14 شخصا، هم 9 من عناصر الأمن و5 من المسلحين": the breakdown of the toll
    *(fold_pattern(w) for w in ("بينهم", "بينهن", "منهم", "منهن", "ضمنهم", "هم")),
)
_SUBS_FREE: Final = (fold_pattern("من بين"),)


def _word_end_before(text: str, index: int) -> bool:
    return index <= 0 or not (text[index - 1].isalnum() or text[index - 1] == "_")


def ends_with_word(text: str, words: tuple[str, ...], *, bounded: bool = True) -> bool:
    """Like searching `(?<!\\w)(?:words)\\s*$` (or without the look-behind when not bounded)."""
    rest = text.rstrip()
    return _peel(rest, words, ()) is not None if bounded else rest.endswith(words)


def starts_with_word(text: str, words: tuple[str, ...]) -> bool:
    """Like matching `\\s*(?:words)\\b` at the start of text (words end with word characters)."""
    rest = text.lstrip()
    if not rest.startswith(words):
        return False
    for word in words:
        if rest.startswith(word):
            after = rest[len(word) : len(word) + 1]
            if not after or not (after.isalnum() or after == "_"):
                return True
    return False


def _peel(text: str, bounded: tuple[str, ...], free: tuple[str, ...]) -> str | None:
    """text without the first listed word it ends with (right-stripped), or None if it ends with none."""
    if not text.endswith(bounded) and not text.endswith(free):
        return None  # the common case, decided in C
    for word in bounded:
        if text.endswith(word) and _word_end_before(text, len(text) - len(word)):
            return text[: len(text) - len(word)].rstrip()
    for word in free:
        if text.endswith(word):
            return text[: len(text) - len(word)].rstrip()
    return None


def chain_tail(gap: str) -> tuple[bool, bool]:
    """(ends with a sub-group word like "including"/"بينهم", ends with a conjunction like "and"/"و"/",")."""
    rest = gap.rstrip()
    after_bound = _peel(rest, _BOUNDS, ())
    if after_bound is not None:
        rest = after_bound
    after_and = _peel(rest, _ANDS_BOUNDED, _ANDS_FREE)
    if after_and is not None:
        rest = after_and
    return _peel(rest, _SUBS_BOUNDED, _SUBS_FREE) is not None, after_and is not None
