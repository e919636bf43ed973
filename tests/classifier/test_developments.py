"""Facts, event keys and development state: the canonical Baghuz report, updates and repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.classifier.developments import (
    WINDOW,
    DevelopmentState,
    apply_fact,
    event_key,
    facts_from,
)
from services.classifier.rules import classify
from shared.messages import Article

SEED = Path("/work/shared/seeds/baghouz-2019-ar.txt")
T0 = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


def _article(text: str, article_id: str, at: datetime = T0) -> Article:
    return Article(
        article_id=article_id,
        feed_url=f"https://{article_id}.example/feed",
        text=text,
        link=f"https://{article_id}.example/a",
        first_seen=at,
    )


def _run(states: dict[str, DevelopmentState], text: str, article_id: str, at: datetime = T0) -> list:  # type: ignore[type-arg]
    art = _article(text, article_id, at)
    out = []
    for fact in facts_from(art, classify(text)):
        key = event_key(fact)
        state, dev = apply_fact(fact, states.get(key), art, now=at)
        states[key] = DevelopmentState.from_json(state.to_json())  # what the lead stores
        out.append(dev)
    return out


@pytest.mark.skipif(not SEED.exists(), reason="shared seed report not present")
def test_canonical_report_yields_separate_developments() -> None:
    """The Baghuz report gives territory, surrender and four casualty figures as separate facts."""
    text = SEED.read_text("utf-8")
    facts = facts_from(_article(text, "seed"), classify(text))
    main = sorted(
        (f.label, f.figures[0].kind if f.figures else "", f.figures[0].count if f.figures else None)
        for f in facts
    )
    assert main == sorted(
        [
            ("territorial_change", "remaining_area_km2", 10.0),
            ("surrender", "surrendered", 150.0),
            ("casualty_update", "killed", 388.0),
            ("casualty_update", "killed", 1168.0),
            ("casualty_update", "killed", 630.0),
            ("casualty_update", "executed", 713.0),
        ]
    )
    civilians = next(f for f in facts if f.figures and f.figures[0].count == 388)
    assert [(g.count) for g in civilians.figures[1:3]] == [141.0, 86.0]
    assert len({event_key(f) for f in facts}) == len(facts)


def test_rising_toll_is_an_update_of_the_same_development() -> None:
    """388 then 400 for the same key gives 'new' then 'update' with a readable change."""
    states: dict[str, DevelopmentState] = {}
    (first,) = _run(states, "The death toll rose to 388 civilians in Baghuz.", "a1")
    (second,) = _run(states, "The death toll rose to 400 civilians in Baghuz.", "a2", T0 + timedelta(hours=3))
    assert (first.status, first.revision) == ("new", 1)
    assert (second.status, second.revision) == ("update", 2)
    assert second.development_id == first.development_id
    assert second.changes == ["killed: 388 → 400"]
    assert len(second.sources) == 2


def test_repeat_from_another_source_is_recorded_without_alert() -> None:
    """The same figure from a new outlet publishes nothing but adds the source to the state."""
    states: dict[str, DevelopmentState] = {}
    _run(states, "The death toll rose to 388 civilians in Baghuz.", "a1")
    (again,) = _run(states, "The death toll rose to 388 civilians in Baghuz, a monitor said.", "b1")
    assert again is None
    (state,) = states.values()
    assert [s["article_id"] for s in state.sources] == ["a1", "b1"]


def test_lower_figure_from_lagging_source_does_not_lower_total() -> None:
    """A later report of a smaller toll neither updates nor lowers the running total."""
    states: dict[str, DevelopmentState] = {}
    _run(states, "The death toll rose to 400 civilians in Baghuz.", "a1")
    (dev,) = _run(states, "The death toll rose to 388 civilians in Baghuz.", "b1")
    assert dev is None
    (state,) = states.values()
    assert state.values["killed|main"]["count"] == 400


def test_outside_window_starts_new_development() -> None:
    """A report long after the last one starts a new development under the same key."""
    states: dict[str, DevelopmentState] = {}
    (first,) = _run(states, "About 150 ISIS fighters surrendered to the SDF in Baghuz.", "a1")
    later = T0 + WINDOW + timedelta(days=1)
    (second,) = _run(states, "About 150 ISIS fighters surrendered to the SDF in Baghuz.", "a2", later)
    assert second.status == "new"
    assert second.development_id != first.development_id


def test_arabic_and_english_reports_share_a_key() -> None:
    """Keys use ids, so an Arabic and an English report of the same surrender group together."""
    en = facts_from(
        _article("About 150 ISIS fighters surrendered in Baghuz.", "e"),
        classify("About 150 ISIS fighters surrendered in Baghuz."),
    )
    ar_text = "استسلم نحو ١٥٠ عنصراً من داعش في الباغوز."
    ar = facts_from(_article(ar_text, "a"), classify(ar_text))
    assert [event_key(f) for f in en] == [event_key(f) for f in ar]


def test_state_json_round_trip() -> None:
    """DevelopmentState survives to_json/from_json unchanged."""
    states: dict[str, DevelopmentState] = {}
    _run(states, "The death toll rose to 388 civilians in Baghuz.", "a1")
    (state,) = states.values()
    assert DevelopmentState.from_json(state.to_json()) == state
