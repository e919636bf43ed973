"""Word-start scanning that lets Python's regex engine skip letters in C.

A pattern that begins with a look-behind such as `(?<!\\w)` gets no first-character prefilter, so the
engine enters the whole pattern at every position of the text. `WordScanner` compiles the same body
twice: once behind the look-behind (used only at the first position) and once behind a consumed
non-word character `\\W`, which the engine turns into a fast character-class skip. Matches are the
same as `(?<!\\w)body`, provided every match of body starts and ends with a word character. On ASCII
text, and on text without astral characters, `\\W` is spelled out as the list of characters it
matches there, which the engine tests with a table instead of a Unicode category lookup.

`dispatch` and `dispatch_alternation` regroup an alternation by first characters (a trie of literal
prefixes) without changing what it matches, so a position costs a few tests instead of one per word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

__all__ = [
    "WordScanner",
    "dispatch",
    "dispatch_alternation",
    "family_of",
    "has_astral",
    "spelled_out",
    "text_has_astral",
    "trie_regex",
]


def trie_regex(words: list[str]) -> str:
    """Regex alternation factored by common prefixes: far fewer backtracking attempts than a|b|c.

    Longer words are tried first along each branch, as in an alternation sorted longest first.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        optional = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return build(trie)


_SPECIAL = frozenset("\\()[]{}|.^$?*+")


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth before it) of each `(`, `)` and `|` of a regex, skipping escapes
    and character classes."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 if pattern[i + 1 : i + 2] != "]" else 2  # "[]...]" holds a literal ]
            continue
        elif ch in "()|":
            yield i, ch, depth
            depth += 1 if ch == "(" else -1 if ch == ")" else 0
        i += 1


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (no `|` inside groups or character classes)."""
    parts, start = [], 0
    for i, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _group_end(pattern: str) -> int:
    """Index of the `)` closing the group that opens pattern[0]."""
    for i, ch, depth in _structure(pattern):
        if ch == ")" and depth == 1:
            return i
    raise ValueError(f"unbalanced group in {pattern!r}")


def _literal_first(alt: str) -> list[tuple[str, str]]:
    """alt as (first literal character, rest) pairs: a leading `(?:a|b)c` is distributed to `ac|bc`,
    which matches the same strings in the same order of preference."""
    if alt.startswith("(?:"):
        end = _group_end(alt)
        if alt[end + 1 : end + 2] not in ("?", "*", "+", "{"):
            return [p for inner in _split_top(alt[3:end]) for p in _literal_first(inner + alt[end + 1 :])]
    if not alt or alt[0] in _SPECIAL or alt[1:2] in ("?", "*", "+", "{"):
        raise ValueError(f"alternative does not start with a literal character: {alt!r}")
    return [(alt[0], alt[1:])]


def _split_first(alt: str) -> list[tuple[str, str]] | None:
    try:
        return _literal_first(alt)
    except ValueError:
        return None


def _buckets(items: Sequence[tuple[str, str | None]], count: list[int]) -> str:
    """(alternative, group name or None) pairs as one alternation regrouped by first character, level by
    level while every alternative of a group starts with a literal (a trie of literal prefixes)."""
    split = [_split_first(alt) for alt, _ in items]
    if len(items) == 1 or any(parts is None for parts in split):
        alts = []
        for alt, name in items:
            # The name marks the end of the alternative (an empty group): a capturing group around it
            # would cost two marks at every attempt, the empty one only on a match.
            alts.append(f"(?:{alt})(?P<{name}__{count[0]}>)" if name else alt)
            count[0] += 1
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    buckets: dict[str, list[tuple[str, str | None]]] = {}
    for parts, (_, name) in zip(split, items, strict=True):
        for first, rest in parts or ():
            buckets.setdefault(first, []).append((rest, name))
    branches = [re.escape(ch) + _buckets(sub, count) for ch, sub in buckets.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def dispatch(pattern: str) -> str:
    """An alternation `a|b|c` regrouped by first character, as a group matching the same (see below)."""
    return "(?:" + _buckets([(alt, None) for alt in _split_top(pattern)], [0]) + ")"


def dispatch_alternation(table: dict[str, str]) -> str:
    """`(?:(?:..)(?P<a>)|(?:..)(?P<b>))` for table {a: .., b: ..}, regrouped by first character:
    `x(?:..)|y(?:..)`.

    Python's engine skips a branch starting with a literal in one step, but enters every group to try
    its alternatives; grouped by first character, a position costs one test per distinct first
    character. Alternatives with different first characters never match at the same position, and the
    order inside a group is the original one, so matches are unchanged. Each alternative ends with an
    empty group named `family__index`, the last group a match closes: read the family with
    family_of(match.lastgroup).
    """
    items = [(alt, family) for family, pattern in table.items() for alt in _split_top(pattern)]
    return "(?:" + _buckets(items, [0]) + ")"


@cache  # a few hundred group names, read once per trigger found
def family_of(group: str | None) -> str:
    """The family of a group named by dispatch_alternation ("kill__12" -> "kill")."""
    return (group or "").partition("__")[0]


def _char_class(chars: list[str]) -> str:
    """A character class of exactly these characters (sorted), as ranges."""
    parts: list[str] = []
    i = 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        parts.append(re.escape(chars[i]) if i == j else f"{re.escape(chars[i])}-{re.escape(chars[j])}")
        i = j + 1
    return "[" + "".join(parts) + "]"


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# The last text text_has_astral() found without astral characters (a one-entry memo: only such a text
# is stored, and the entry holds a reference, so an identity test cannot be fooled by a recycled object).
_clean_text: list[str] = [""]


def has_astral(text: str, pos: int = 0, end: int | None = None) -> bool:
    """Whether text[pos:end] holds a character beyond the BMP (where spelled_out()[1] is not exact)."""
    return _ASTRAL.search(text, pos, len(text) if end is None else end) is not None


def text_has_astral(text: str) -> bool:
    """has_astral(text), remembered for the last text without any: an article is scanned many times
    (triggers, places, numbers per sentence, who phrases), and the answer for the whole text settles
    every part of it."""
    if text is _clean_text[0]:
        return False
    if _ASTRAL.search(text) is not None:
        return True
    _clean_text[0] = text
    return False


@cache
def spelled_out(not_after: str) -> tuple[str, str]:
    """`[^{not_after}]` spelled out for ASCII text and for text without astral characters: the engine
    tests a listed character with a table lookup, a negated `\\w` with a Unicode category lookup per
    character of the text (most of a scan's cost)."""
    found = re.findall(rf"[^{not_after}]", "".join(map(chr, range(0x10000))))
    return _char_class([c for c in found if c < "\x80"]), _char_class(found)


class WordScanner:
    """Finds `(?<![not_after])body` quickly; yields (start, match), start being the body's first character."""

    def __init__(self, body: str, not_after: str = r"\w") -> None:
        if re.match(rf"[{not_after}]", " ") or "(?<" in body:
            raise ValueError("found_in needs a space outside not_after and a body without look-behind")
        self.slow = re.compile(rf"(?<![{not_after}])(?:{body})")
        self.fast = re.compile(rf"[^{not_after}](?:{body})")
        self._body, self._not_after = body, not_after
        self._fast_ascii: re.Pattern[str] | None = None  # compiled on first use
        self._fast_bmp: re.Pattern[str] | None = None

    def _fast_for(self, text: str, window: bool = False) -> re.Pattern[str]:
        """self.fast, or the same pattern with its first class spelled out when that is exact for text
        (a short window is tested itself, a whole text through text_has_astral's memo)."""
        if text.isascii():  # a flag of the string: free
            if self._fast_ascii is None:
                self._fast_ascii = re.compile(spelled_out(self._not_after)[0] + f"(?:{self._body})")
            return self._fast_ascii
        if not (has_astral(text) if window else text_has_astral(text)):
            if self._fast_bmp is None:
                self._fast_bmp = re.compile(spelled_out(self._not_after)[1] + f"(?:{self._body})")
            return self._fast_bmp
        return self.fast

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, re.Match[str]]]:
        """Non-overlapping matches in text[pos:endpos], in order (like Pattern.finditer)."""
        end = len(text) if endpos is None else endpos
        first = self.slow.match(text, pos, end)
        if first is not None:
            yield first.start(), first
            pos = first.end()
        for m in self._fast_for(text).finditer(text, pos, end):
            yield m.start() + 1, m

    def found_in(self, window: str, source: str | None = None) -> bool:
        """Whether search(window) >= 0, in one regex call: a space put before the window stands for its
        start (the space is not in not_after, and no body looks behind its first character). `source`, a
        text the window was cut from, answers the astral test through text_has_astral's memo."""
        spaced = " " + window
        if source is None or spaced.isascii():
            return self._fast_for(spaced, window=True).search(spaced) is not None
        return self._fast_for(source).search(spaced) is not None

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> int:
        """Start of the first match at or after pos, or -1."""
        end = len(text) if endpos is None else endpos
        if self.slow.match(text, pos, end) is not None:
            return pos
        m = self._fast_for(text).search(text, pos, end)
        return m.start() + 1 if m else -1
