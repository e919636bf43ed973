"""Known misses fixed with general rules: coordinated subjects, the nearer trigger, asides, dated background."""

from __future__ import annotations

import pytest

from services.classifier.rules import classify

Fig = tuple[str, float, str]

COORDINATED = [
    (
        "is-and-sdf",
        "1,168 Islamic State fighters and 630 SDF fighters were killed",
        [("killed", 1168, "Islamic State fighters"), ("killed", 630, "SDF fighters")],
    ),
    (
        "soldiers-and-rebels",
        "200 government soldiers and 45 rebel fighters were killed in the clashes.",
        [("killed", 200, "government soldiers"), ("killed", 45, "rebel fighters")],
    ),
    (
        "died",
        "12 policemen and 3 civilians died in the blast.",
        [("killed", 12, "policemen"), ("killed", 3, "civilians")],
    ),
    (
        "have-been",
        "About 90 Taliban fighters and 20 Afghan soldiers have been killed since Friday.",
        [("killed", 90, "Taliban fighters"), ("killed", 20, "Afghan soldiers")],
    ),
]

NEARER_TRIGGER = [
    (
        "five-others-wounded",
        "Two soldiers were killed and five others wounded",
        [("killed", 2, "soldiers"), ("injured", 5, "")],
    ),
    (
        "others-injured",
        "Three civilians were killed and 12 others injured in the shelling.",
        [("killed", 3, "civilians"), ("injured", 12, "")],
    ),
    (
        "were-wounded",
        "One soldier died and two others were wounded in the attack.",
        [("killed", 1, "soldier"), ("injured", 2, "")],
    ),
    (
        "people-wounded",
        "Four people were killed on Monday and 20 people wounded by the blast.",
        [("killed", 4, "people"), ("injured", 20, "people")],
    ),
]

SURRENDERED = [
    (
        "and-families",
        "About 40 militants and their families surrendered to the army",
        [("surrendered", 40, "militants")],
    ),
    (
        "including-aside",
        "1,200 members, including foreign fighters, have handed themselves over",
        [("surrendered", 1200, "members")],
    ),
    (
        "including-aside-long-subject",
        "Some 1,200 Islamic State members, including foreign fighters, have handed themselves over to the SDF.",
        [("surrendered", 1200, "Islamic State members")],
    ),
    (
        "and-relatives",
        "Some 60 fighters and their relatives surrendered to the SDF.",
        [("surrendered", 60, "fighters")],
    ),
    (
        "and-commanders",
        "Around 150 gunmen and several local commanders handed themselves over to police.",
        [("surrendered", 150, "gunmen")],
    ),
    (
        "most-of-them-aside",
        "More than 500 members, most of them foreign fighters, have surrendered to the Kurdish forces.",
        [("surrendered", 500, "members")],
    ),
]

# Neighbouring readings the new rules must leave alone.
UNCHANGED = [
    ("verb-before-and", "5 people were arrested and 3 killed in the raid.", [("killed", 3, "")]),
    (
        "coordinated-verbs",
        "The attack killed 3 soldiers and 2 civilians and wounded 10 others.",
        [("killed", 3, "soldiers"), ("killed", 2, "civilians"), ("injured", 10, "")],
    ),
    (
        "killed-and-surrendered",
        "The army said 20 militants were killed and 15 surrendered.",
        [("killed", 20, "militants"), ("surrendered", 15, "")],
    ),
]

CASES = COORDINATED + NEARER_TRIGGER + SURRENDERED + UNCHANGED

BACKGROUND = [
    ("is-seized", "The town, which IS seized in 2014, was hit by airstrikes"),
    ("is-seized-ruins", "The town, which Islamic State seized in 2014, remains largely in ruins."),
    ("month-year", "The city, which the army recaptured in June 2017, was shelled on Monday."),
    ("captured", "Mosul, which ISIS captured in 2014, held elections on Sunday."),
    ("ar-alladhi", "قرية الباغوز التي سيطر عليها التنظيم عام 2014 تعرضت لقصف عنيف."),
]

STILL_DEVELOPMENTS = [
    ("relative-no-year", "The rebels, who seized the airport on Tuesday, now control the city."),
    ("year-not-in-relative", "The SDF captured the town, which lies on the Euphrates, in 2019."),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_figures_go_to_the_trigger_that_counts_them(text: str, expected: list[Fig]) -> None:
    """Each number is linked to the trigger its clause shares, with its own kind and group."""
    got = [(f.kind, f.count, f.who) for f in classify(text, "ar" if text[0] > "\u0600" else "en").figures]
    assert got == [(k, float(n), w) for k, n, w in expected]


@pytest.mark.parametrize("text", [b[1] for b in BACKGROUND], ids=[b[0] for b in BACKGROUND])
def test_capture_in_a_dated_relative_clause_is_background(text: str) -> None:
    """A capture in a relative clause dated to a year is history, not a territorial change."""
    assert classify(text).labels == []


@pytest.mark.parametrize("text", [s[1] for s in STILL_DEVELOPMENTS], ids=[s[0] for s in STILL_DEVELOPMENTS])
def test_captures_outside_a_dated_relative_clause_still_count(text: str) -> None:
    """A relative clause without a year, or a year outside it, leaves the capture a development."""
    assert classify(text).labels == ["territorial_change"]
