"""`matches`: labels, languages, thresholds as before; keywords as plain words or RE2 patterns."""

from __future__ import annotations

import time

import pytest

from services.notifier.rules import PatternError, compile_pattern, crossed_band, matches
from shared.messages import Figure
from tests.notifier.conftest import MakeDev


def test_no_filters_match_everything(make_dev: MakeDev) -> None:
    """An empty filters dict wants every development."""
    assert matches({}, make_dev())


def test_labels_and_langs_restrict(make_dev: MakeDev) -> None:
    """Labels and languages must intersect the development's."""
    dev = make_dev()
    assert matches({"labels": ["casualty_update", "surrender"]}, dev)
    assert not matches({"labels": ["surrender"]}, dev)
    assert not matches({"langs": ["ar"]}, dev)


def test_plain_keywords_are_case_insensitive_substrings(make_dev: MakeDev) -> None:
    """A plain keyword matches anywhere in summary, places or actors, ignoring case."""
    dev = make_dev(summary="SDF fighters entered the camp.", places=["Baghouz"], actors=["SDF"])
    assert matches({"keywords": ["baghouz"]}, dev)
    assert matches({"keywords": ["nothing", "CAMP"]}, dev)
    assert not matches({"keywords": ["Hajin"]}, dev)


def test_arabic_keywords_ignore_diacritics_and_alef_forms(make_dev: MakeDev) -> None:
    """Arabic words match across diacritics, tatweel and hamza-on-alef spellings."""
    dev = make_dev(summary="سيطرت قوات سوريا الديمقراطية على نصف الباغوز فوقاني", lang="ar", places=[])
    assert matches({"keywords": ["الباغوز"]}, dev)
    assert matches({"keywords": ["البَاغُوز"]}, dev)
    assert matches({"places": ["فوقانى"]}, dev)
    assert matches({"keywords": ["ديمقراطـية"]}, dev)
    assert matches({"keywords": ["إلباغوز"]}, dev)


def test_places_and_keywords_are_alternatives(make_dev: MakeDev) -> None:
    """A development needs only one of the keywords or places."""
    dev = make_dev(places=["Baghouz"])
    assert matches({"keywords": ["Hajin"], "places": ["Baghouz"]}, dev)
    assert not matches({"keywords": ["Hajin"], "places": ["Susah"]}, dev)


def test_pattern_keywords_use_re2(make_dev: MakeDev) -> None:
    """`re:` keywords are case-insensitive RE2 searches."""
    dev = make_dev(summary="Clashes in Hajin and Susah.", places=[])
    assert matches({"keywords": [r"re:\bhaj[iy]n\b"]}, dev)
    assert not matches({"keywords": [r"re:^susah"]}, dev)


def test_invalid_stored_pattern_matches_nothing(make_dev: MakeDev) -> None:
    """A pattern that slipped into the store without validation never matches and never raises."""
    assert not matches({"keywords": [r"re:(a)\1"]}, make_dev())
    assert matches({"keywords": [r"re:(a)\1", "civilians"]}, make_dev())


def test_compile_pattern_refuses_non_re2_and_huge_patterns() -> None:
    """Backreferences, lookarounds, syntax errors and oversized programs raise PatternError."""
    for bad in [r"(a)\1", "(?=x)", "(", "((a{100}){100}){100}", "x" * 201, ""]:
        with pytest.raises(PatternError):
            compile_pattern(bad)


def test_nested_quantifier_runs_in_linear_time() -> None:
    """`(a+)+$` against a long non-matching text returns at once under RE2."""
    pattern = compile_pattern("(a+)+$")
    started = time.perf_counter()
    assert pattern.search("a" * 200_000 + "!") is None
    assert time.perf_counter() - started < 0.5


def test_thresholds_deltas_and_bands_unchanged(make_dev: MakeDev) -> None:
    """Absolute minimums, update deltas and band crossings behave as before."""
    dev = make_dev()  # 388 killed
    assert matches({"min": {"killed": 100}}, dev)
    assert not matches({"min": {"killed": 500}}, dev)
    update = make_dev(
        status="update",
        figures=[Figure(kind="killed", count=400)],
        previous_figures=[Figure(kind="killed", count=388)],
    )
    assert matches({"min_delta": {"killed": 10}}, update)
    assert not matches({"min_delta": {"killed": 20}}, update)
    assert not matches({"bands": True}, update)
    assert matches(
        {"bands": True},
        make_dev(
            status="update",
            figures=[Figure(kind="killed", count=510)],
            previous_figures=[Figure(kind="killed", count=388)],
        ),
    )
    assert crossed_band(388, 1200) == 1000
