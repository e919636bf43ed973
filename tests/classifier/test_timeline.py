"""The bundled sample timeline, replayed through facts_from/event_key/find_match/apply_fact."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from services.classifier.developments import (
    DevelopmentState,
    apply_fact,
    event_key,
    facts_from,
    find_match,
)
from services.classifier.rules import classify
from shared.messages import Article, Development

TIMELINE = Path(__file__).resolve().parents[2] / "services" / "sample" / "timeline.json"
T0 = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


def _replay() -> tuple[dict[str, DevelopmentState], list[tuple[int, Development | None]], list[int]]:
    """Fold every item in order, as the service does: exact key first, else find_match's candidate."""
    states: dict[str, DevelopmentState] = {}
    devs: list[tuple[int, Development | None]] = []
    silent: list[int] = []
    items: list[dict[str, Any]] = json.loads(TIMELINE.read_text("utf-8"))
    for i, item in enumerate(items):
        at = T0 + timedelta(seconds=item["at_s"])
        text = f"{item['title']}\n\n{item['summary']}"
        art = Article(
            article_id=item["guid"],
            feed_url=f"https://{item['feed']}.example/feed",
            title=item["title"],
            text=text,
            link=item["link"],
            lang=item["lang"],
            first_seen=at,
        )
        facts = facts_from(art, classify(text, item["lang"]))
        if not facts:
            silent.append(i)
        for fact in facts:
            key = event_key(fact)
            state = states.get(key)
            if state is None:
                state = find_match(fact, list(states.values()), now=at)
            new_state, dev = apply_fact(fact, state, art, now=at)
            states[new_state.key] = DevelopmentState.from_json(new_state.to_json())
            devs.append((i, dev))
    return states, devs, silent


def test_sample_timeline_gives_one_development_per_event() -> None:
    """Territory, surrender and the civilian toll are one development each across outlets and languages."""
    states, _, _ = _replay()
    by_label: dict[str, list[DevelopmentState]] = {}
    for state in states.values():
        by_label.setdefault(state.label, []).append(state)
    (territory,) = by_label["territorial_change"]
    assert territory.places[0] in ("Baghuz Fawqani", "الباغوز فوقاني")
    assert len(territory.sources) == 3
    (surrender,) = by_label["surrender"]
    assert surrender.values["surrendered|main"]["count"] == 150
    assert len(surrender.sources) >= 2
    civilians = [s for s in by_label["casualty_update"] if s.key.endswith("|civilians")]
    assert len(civilians) == 1
    assert len(civilians[0].sources) == 4
    assert civilians[0].values["killed|main"]["count"] == 400


def test_rising_toll_is_an_update_in_either_language() -> None:
    """The 388 report in English and Arabic is one 'new' alert; 400 is an update of the same id."""
    _, devs, _ = _replay()
    toll = [(i, d) for i, d in devs if d is not None and any(f.count in (388, 400) for f in d.figures)]
    assert [(d.status, d.revision) for _, d in toll] == [("new", 1), ("update", 2)]
    assert toll[0][1].development_id == toll[1][1].development_id
    assert toll[1][1].changes[0] == "killed: 388 → 400"


def test_fighters_tolls_are_separate_developments_keyed_by_actor() -> None:
    """1,168 ISIS and 630 SDF fighters killed are two developments, each reported by both outlets."""
    states, _, _ = _replay()
    fighters = {s.key.split("|")[-1]: s for s in states.values() if s.key.startswith("casualty_update")}
    assert fighters["isis"].values["killed|main"]["count"] == 1168
    assert fighters["sdf"].values["killed|main"]["count"] == 630
    assert len(fighters["sdf"].sources) == 2


def test_negatives_and_background_give_nothing() -> None:
    """Offensives, reinforcements, clashes, plans and calls to surrender give no development."""
    _, _, silent = _replay()
    assert silent == [0, 1, 2, 3, 4, 5, 13, 16, 17]
