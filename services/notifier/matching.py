"""An index over subscriptions, so a development is checked only against those that may want it.

Subscriptions are bucketed by label and by language (with an "any" bucket for those that set
none), and by the plain words of their keywords and places: each distinct word is looked for once
per development, not once per subscriber. A subscription whose keywords include an RE2 pattern is
always a text candidate. The buckets only narrow the set: `rules.matches` is the final check, so
the index returns exactly what a loop over every subscription with `matches` would, in the same
order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from services.notifier.rules import PATTERN_PREFIX, matches, normalize_text, searchable_text
from shared.messages import Development

__all__ = ["SubscriptionIndex"]


class SubscriptionIndex:
    """Built once from a list of subscriptions (dicts with `filters`); `match(dev)` is cheap."""

    def __init__(self, subscriptions: Sequence[dict[str, Any]]) -> None:
        self.subscriptions = list(subscriptions)
        self._any_label: set[int] = set()
        self._by_label: dict[str, set[int]] = defaultdict(set)
        self._any_lang: set[int] = set()
        self._by_lang: dict[str | None, set[int]] = defaultdict(set)
        self._any_text: set[int] = set()  # no keywords or places, or an RE2 pattern among them
        self._by_word: dict[str, set[int]] = defaultdict(set)
        for pos, sub in enumerate(self.subscriptions):
            filters = sub.get("filters") or {}
            self._bucket(pos, filters.get("labels"), self._by_label, self._any_label)
            self._bucket(pos, filters.get("langs"), self._by_lang, self._any_lang)
            words = [str(w) for w in [*(filters.get("keywords") or []), *(filters.get("places") or [])]]
            if not words or any(w.startswith(PATTERN_PREFIX) for w in words):
                self._any_text.add(pos)
                continue
            for word in words:
                folded = normalize_text(word)
                if folded:  # an empty word matches nothing
                    self._by_word[folded].add(pos)

    @staticmethod
    def _bucket(pos: int, values: Any, buckets: dict[Any, set[int]], anything: set[int]) -> None:
        if not values:
            anything.add(pos)
            return
        for value in values:
            buckets[value].add(pos)

    def __len__(self) -> int:
        return len(self.subscriptions)

    def candidates(self, dev: Development, folded: str) -> list[int]:
        """Positions of the subscriptions that pass the label, language and word buckets."""
        labelled = set(self._any_label)
        for label in dev.labels:
            labelled |= self._by_label.get(label, set())
        if not labelled:
            return []
        spoken = self._any_lang | self._by_lang.get(dev.lang, set())
        wanted = labelled & spoken
        if not wanted:
            return []
        texted = set(self._any_text)
        for word, positions in self._by_word.items():
            if word in folded:
                texted |= positions
        return sorted(wanted & texted)

    def match(self, dev: Development) -> list[dict[str, Any]]:
        """The subscriptions that want `dev`, in the order they were given."""
        subs = self.subscriptions
        text = searchable_text(dev)
        return [
            subs[pos] for pos in self.candidates(dev, text[1]) if matches(subs[pos]["filters"], dev, text)
        ]
