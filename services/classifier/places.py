"""Places and actors from the bundled gazetteer and actor list (services/classifier/data/*.json).

All aliases are folded like the text and compiled into one prefix-factored (trie) regex per kind, so
a scan costs about as much as one ordinary regex pass whatever the list size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from .normalize import normalize_text
from .scan import WordScanner, trie_regex

__all__ = [
    "Entity",
    "Mention",
    "find_actors",
    "find_entities",
    "find_entity_spans",
    "find_places",
    "load_entities",
    "locate",
]

# Short acronyms that are also English words must match case-sensitively in the original text.
_CASE_SENSITIVE: Final = {"isis": ("IS",), "us": ("US", "U.S.")}
_AR_PROCLITIC = r"(?:[وف])?(?:[بلك])?"


@dataclass(frozen=True, slots=True)
class Entity:
    """One place or actor: stable id, display names per language."""

    id: str
    en: str
    ar: str

    def name(self, lang: str) -> str:
        """Display name in the text's language (Arabic for 'ar', else English)."""
        return self.ar if lang == "ar" else self.en


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~3x more to build
class Mention:
    """An entity found in normalised text (read-only by convention)."""

    entity: Entity
    start: int
    end: int
    kind: str = "place"  # "place" or "actor"


class _Matcher:
    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.by_alias: dict[str, Entity] = {}
        self.kind_of: dict[str, str] = {}
        self.cs: dict[str, Entity] = {}
        for row in rows:
            ent = Entity(str(row["id"]), str(row["en"]), str(row["ar"]))
            self.kind_of[ent.id] = str(row.get("kind", "place"))
            names = [ent.en, ent.ar, *row.get("aliases_en", []), *row.get("aliases_ar", [])]  # type: ignore[misc]
            for name in names:
                key = normalize_text(str(name))
                if key.startswith("ال"):
                    # "للرقة" = ل + الرقة: the article's alef drops after lam.
                    self.by_alias.setdefault("لل" + key[2:], ent)
                self.by_alias.setdefault(key, ent)
            for acronym in _CASE_SENSITIVE.get(ent.id, ()):
                self.cs[acronym] = ent
        alt = trie_regex(sorted(self.by_alias, key=len, reverse=True))
        # Longest alias wins because the regex engine tries longer trie branches greedily.
        self.pattern = re.compile(rf"(?<!\w){_AR_PROCLITIC}(?P<n>{alt})(?![\w])")
        self.scanner = WordScanner(rf"{_AR_PROCLITIC}(?P<n>{alt})(?![\w])")
        # ASCII text can only hold ASCII aliases, and no Arabic proclitic: a smaller trie, same matches.
        ascii_alt = trie_regex(sorted((a for a in self.by_alias if a.isascii()), key=len, reverse=True))
        self.ascii_scanner = WordScanner(rf"(?P<n>{ascii_alt})(?![\w])")
        # Literal first, so the engine skips to candidates; the look-behind (?<![\w.]) is checked in find.
        self.cs_pattern = re.compile(trie_regex(sorted(self.cs, key=len, reverse=True)) + r"(?![\w])")

    def spans(self, norm: str, original: str | None) -> list[tuple[Entity, int, int, str]]:
        """(entity, start, end, kind) of every mention, in order (see find_entities)."""
        out = []
        by_alias, kind_of = self.by_alias, self.kind_of
        for _, m in (self.ascii_scanner if norm.isascii() else self.scanner).finditer(norm):
            ent = by_alias.get(m.group("n"))
            if ent is not None:
                out.append((ent, m.start("n"), m.end("n"), kind_of[ent.id]))
        # Every match is one of the acronyms: substring tests (memchr-fast) spare the scan of most texts.
        if original is not None and any(acronym in original for acronym in self.cs):
            scanned = len(out)
            for m in self.cs_pattern.finditer(original):
                before = original[m.start() - 1] if m.start() else " "
                if not (before.isalnum() or before in "_."):
                    out.append((self.cs[m.group()], m.start(), m.end(), "actor"))
            if len(out) > scanned:
                out.sort(key=lambda span: span[1])  # each part is in order already
        return out

    def find(self, norm: str, original: str | None) -> list[Mention]:
        return [Mention(*span) for span in self.spans(norm, original)]


@cache
def load_entities() -> _Matcher:
    """One compiled matcher for actors and places (actors first, so they win alias collisions)."""
    rows: list[dict[str, object]] = []
    for kind in ("actors", "places"):
        text = resources.files("services.classifier").joinpath(f"data/{kind}.json").read_text("utf-8")
        rows.extend({**row, "kind": kind[:-1]} for row in json.loads(text))
    return _Matcher(rows)


def find_entities(norm: str, original: str | None = None) -> list[Mention]:
    """Actors and places in normalised text, in order; the longest alias wins ("قوات سوريا
    الديمقراطية" is an actor, not the place "سوريا"). Case-sensitive acronyms (IS, US) are read
    from `original`, which must have the same length as `norm`; pass None otherwise.
    """
    return load_entities().find(norm, original)


def find_entity_spans(norm: str, original: str | None = None) -> list[tuple[Entity, int, int, str]]:
    """find_entities as (entity, start, end, kind) tuples, without building Mention objects."""
    return load_entities().spans(norm, original)


def find_places(norm: str) -> list[Mention]:
    """Gazetteer places in normalised text, in order of appearance."""
    return [m for m in find_entities(norm) if m.kind == "place"]


def find_actors(norm: str, original: str | None = None) -> list[Mention]:
    """Actors in normalised text (see find_entities for `original`)."""
    return [m for m in find_entities(norm, original) if m.kind == "actor"]


@cache
def _regions() -> dict[str, tuple[str, str]]:
    text = resources.files("services.classifier").joinpath("data/regions.json").read_text("utf-8")
    rows: dict[str, dict[str, str]] = json.loads(text)["places"]
    out = {pid: (row["region"], row["country"]) for pid, row in rows.items()}
    out.update({country: ("", country) for _, country in list(out.values())})
    for country in ("turkey_c", "mali", "burkina", "nigeria", "myanmar"):
        out.setdefault(country, ("", country))
    return out


def locate(place_id: str) -> tuple[str, str] | None:
    """(region, country) of a gazetteer place; ("", country) for a country; None for a place that does
    not locate an event (a river such as the Euphrates, a city named only as a venue)."""
    return _regions().get(place_id)
