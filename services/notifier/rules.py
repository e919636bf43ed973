"""Which subscriptions a development goes to: labels, places or keywords, languages, thresholds.

Pure functions over plain data; the notifier service joins them with the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.messages import Development, Figure

__all__ = ["BANDS", "crossed_band", "matches"]

# A toll crossing one of these is news even when the subscriber asked for no delta.
BANDS = (10, 50, 100, 500, 1000)


def _largest(figures: Sequence[Figure], kind: str) -> float:
    return max((f.count or 0.0 for f in figures if f.kind == kind), default=0.0)


def crossed_band(old: float, new: float, bands: Sequence[int] = BANDS) -> int | None:
    """The highest band that `new` reaches and `old` did not, else None."""
    hit = [b for b in bands if old < b <= new]
    return hit[-1] if hit else None


def _wanted_text(filters: Mapping[str, Any], dev: Development) -> bool:
    words = [w.casefold() for w in filters.get("keywords", []) + filters.get("places", [])]
    if not words:
        return True
    hay = " ".join([dev.summary, *dev.places, *dev.actors]).casefold()
    return any(w in hay for w in words)


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
            if not any(crossed_band(_largest(dev.previous_figures, k), _largest(dev.figures, k))
                       for k in kinds):
                return False
    return True


def matches(filters: Mapping[str, Any], dev: Development) -> bool:
    """True when a subscription with `filters` wants this development.

    Filters (all optional): labels, keywords, places, langs, min {kind: n} (absolute),
    min_delta {kind: n} (an update must raise the figure by n), bands (updates alert only when a
    figure crosses 10/50/100/500/1000).
    """
    labels = filters.get("labels") or []
    if labels and not set(labels) & set(dev.labels):
        return False
    langs = filters.get("langs") or []
    if langs and dev.lang not in langs:
        return False
    return _wanted_text(filters, dev) and _passes_thresholds(filters, dev)
