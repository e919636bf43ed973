"""Text normalisation shared by every rule: one pass, offsets kept so evidence points into the original.

Arabic letters are folded (alef forms, ya/alef maqsura, ta marbuta, hamza seats), Arabic-Indic and
Persian digits become ASCII, diacritics and tatweel are dropped, and Latin text is lower-cased.
Lexicon entries go through the same function, so rules are written in natural spelling.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Normalized", "detect_lang", "fold_pattern", "normalize", "normalize_text"]

_FOLD: dict[int, str] = {}
for _src, _dst in (
    ("أإآٱ", "ا"),
    ("ى", "ي"),
    ("ة", "ه"),
    ("ؤ", "و"),
    ("ئ", "ي"),
    ("یې", "ي"),  # Persian/Urdu ya
    ("ک", "ك"),
    ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
    ("٫", "."),  # Arabic decimal separator
    ("٬", ","),  # Arabic thousands separator
    ("\u00a0\u2009\u202f\u200f\u200e", "     "),
    ("“”«»„", '"""""'),
    ("‘’", "''"),
    ("²", "2"),
):
    if len(_dst) == 1:
        _FOLD.update({ord(c): _dst for c in _src})
    else:
        _FOLD.update({ord(c): d for c, d in zip(_src, _dst, strict=True)})

# Harakat, shadda, sukun, superscript alef, Quranic marks and tatweel carry no meaning for matching.
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_DROP_TABLE = {
    cp: None
    for cp in [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]
}
_FOLD_DROP: dict[int, str | None] = {**_FOLD, **_DROP_TABLE}  # one pass instead of two
# str.translate looks every character up in a dict once the text is not ASCII (~100 ns a character);
# one str.replace per folded character present is ~20x faster. No replacement yields a character
# that is itself replaced, so the order of the replacements does not matter.
_REPLACEMENTS: tuple[tuple[str, str], ...] = tuple((chr(k), v or "") for k, v in _FOLD_DROP.items())
assert not {d for _, d in _REPLACEMENTS} & {s for s, _ in _REPLACEMENTS}
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _fold_drop(text: str) -> str:
    """text.translate(_FOLD_DROP), faster."""
    if text.isascii():
        return text  # nothing to fold or drop
    for src, dst in _REPLACEMENTS:
        if src in text:
            text = text.replace(src, dst)
    return text


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, when characters were dropped, the original index of each character."""

    text: str
    # For the r-th dropped character, the index in `text` where it would have been (non-decreasing).
    offsets: tuple[int, ...] | None = None

    def original(self, index: int) -> int:
        """Map an index in `text` (0..len) back to the original string."""
        if self.offsets is None:
            return index
        return index + bisect.bisect_right(self.offsets, index)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (e.g. 'İ') lower-case to two code points; keep offsets aligned instead.
    return "".join(c.lower()[:1] or c for c in text)


def normalize(text: str) -> Normalized:
    """Fold letters, digits and case; drop diacritics and tatweel, recording offsets if any were dropped."""
    # Folding maps nothing into or out of the dropped set; ASCII text holds none (no scan needed).
    first = None if text.isascii() else _DROPPED.search(text)
    if first is None:
        return Normalized(_lower_same_length(_fold_drop(text)))
    dropped = tuple(m.start() - rank for rank, m in enumerate(_DROPPED.finditer(text, first.start())))
    return Normalized(_lower_same_length(_fold_drop(text)), dropped)


def normalize_text(text: str) -> str:
    """Normalised text only, for lexicon entries and comparisons."""
    return _lower_same_length(_fold_drop(text))


def fold_pattern(pattern: str) -> str:
    """Fold the Arabic letters of a regex pattern without lower-casing it (\\S must stay \\S)."""
    return pattern.translate(_FOLD).translate(_DROP_TABLE)


_LATIN_LETTER = re.compile("[A-Za-z]")


def detect_lang(text: str) -> str:
    """'ar' when Arabic letters outnumber Latin ones in the first 600 characters, else 'en'."""
    head = text[:600]
    arabic = len(_ARABIC_LETTER.findall(head))
    return "ar" if arabic and arabic >= len(_LATIN_LETTER.findall(head)) else "en"
