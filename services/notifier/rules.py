"""Which subscriptions a development goes to: labels, places or keywords, languages, thresholds.

Pure functions over plain data; the notifier service joins them with the store.
Keywords are plain words (case-insensitive substrings; Arabic diacritics, tatweel and alef forms
ignored) or, prefixed with `re:`, RE2 patterns: linear-time, no backreferences, size-capped.
User text never reaches Python's `re`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import re2

from shared.messages import Development, Figure

__all__ = [
    "BANDS",
    "PATTERN_PREFIX",
    "PatternError",
    "compile_pattern",
    "crossed_band",
    "matches",
    "normalize_text",
]

# A toll crossing one of these is news even when the subscriber asked for no delta.
BANDS = (10, 50, 100, 500, 1000)


def _largest(figures: Sequence[Figure], kind: str) -> float:
    return max((f.count or 0.0 for f in figures if f.kind == kind), default=0.0)


def crossed_band(old: float, new: float, bands: Sequence[int] = BANDS) -> int | None:
    """The highest band that `new` reaches and `old` did not, else None."""
    hit = [b for b in bands if old < b <= new]
    return hit[-1] if hit else None


PATTERN_PREFIX = "re:"
MAX_PATTERN_CHARS = 200
PATTERN_MAX_MEM = 1 << 20  # bytes for the compiled program: larger patterns are refused

# Arabic marks that vary between outlets for the same word, and alef forms that do too.
_ARABIC_MARKS = dict.fromkeys([*range(0x064B, 0x0653), 0x0670, 0x0640])
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})


class PatternError(ValueError):
    """A keyword pattern RE2 refuses (syntax, unsupported feature such as backreferences, size)."""


def normalize_text(text: str) -> str:
    """Casefold; drop Arabic diacritics and tatweel; unify alef forms and alef maqsura."""
    return text.casefold().translate(_ARABIC_MARKS).translate(_ARABIC_FOLD)


@functools.lru_cache(maxsize=2048)
def compile_pattern(source: str) -> Any:
    """Compile a user pattern with RE2 (case-insensitive, memory-capped); raise PatternError."""
    if not source or len(source) > MAX_PATTERN_CHARS:
        raise PatternError(f"a pattern must have 1 to {MAX_PATTERN_CHARS} characters")
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = PATTERN_MAX_MEM
    options.log_errors = False
    try:
        return re2.compile(source, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise PatternError(detail) from None


def _keyword_hit(keyword: str, raw: str, folded: str) -> bool:
    if keyword.startswith(PATTERN_PREFIX):
        try:
            pattern = compile_pattern(keyword[len(PATTERN_PREFIX) :])
        except PatternError:
            return False  # the bot refuses these; one that slipped into the store matches nothing
        return pattern.search(raw) is not None or pattern.search(folded) is not None
    return _word_hit(keyword, folded)


# Subscribers' words repeat across thousands of subscriptions; fold each once.
_folded_word = functools.lru_cache(maxsize=8192)(normalize_text)


def _word_hit(word: str, folded: str) -> bool:
    word = _folded_word(word)
    return bool(word) and word in folded


def searchable_text(dev: Development) -> tuple[str, str]:
    """The text keyword and place filters search, as given and folded."""
    raw = " ".join([dev.summary, *dev.places, *dev.actors])
    return raw, normalize_text(raw)


def _wanted_text(filters: Mapping[str, Any], text: tuple[str, str]) -> bool:
    keywords = [str(k) for k in filters.get("keywords") or []]
    places = [str(p) for p in filters.get("places") or []]
    if not keywords and not places:
        return True
    raw, folded = text
    return any(_keyword_hit(k, raw, folded) for k in keywords) or any(_word_hit(p, folded) for p in places)


def _passes_thresholds(filters: Mapping[str, Any], dev: Development) -> bool:
    minimum: Mapping[str, float] = filters.get("min", {})
    delta: Mapping[str, float] = filters.get("min_delta", {})
    for kind, n in minimum.items():
        if _largest(dev.figures, kind) < n:
            return False
    if dev.status == "update":
        for kind, n in delta.items():
            if _largest(dev.figures, kind) - _largest(dev.previous_figures, kind) < n:
                return False
        if filters.get("bands") and not delta:
            kinds = {f.kind for f in dev.figures}
            if not any(
                crossed_band(_largest(dev.previous_figures, k), _largest(dev.figures, k)) for k in kinds
            ):
                return False
    return True


def matches(filters: Mapping[str, Any], dev: Development, text: tuple[str, str] | None = None) -> bool:
    """True when a subscription with `filters` wants this development.

    Filters (all optional): labels, keywords (plain words or "re:<RE2 pattern>"), places,
    langs, min {kind: n} (absolute),
    min_delta {kind: n} (an update must raise the figure by n), bands (updates alert only when a
    figure crosses 10/50/100/500/1000). `text` is `searchable_text(dev)` when the caller matches
    one development against many subscriptions.
    """
    labels = filters.get("labels") or []
    if labels and not set(labels) & set(dev.labels):
        return False
    langs = filters.get("langs") or []
    if langs and dev.lang not in langs:
        return False
    return _wanted_text(filters, text or searchable_text(dev)) and _passes_thresholds(filters, dev)
