"""Shortcuts taken for speed answer exactly as the plain code they stand for (property tests)."""

from __future__ import annotations

import re
from itertools import islice

from hypothesis import given, settings
from hypothesis import strategies as st

from services.classifier import figures, negation, objects, rules, units, who
from services.classifier.lexicon import BOUND_ABOUT_WORDS, BOUND_AT_LEAST_WORDS
from services.classifier.normalize import fold_pattern, normalize_text
from services.classifier.numbers import NumberMatch, find_numbers, parse_number
from services.classifier.scan import WordScanner, dispatch, has_astral, text_has_astral
from services.classifier.tails import ends_with_word

_LATIN = (
    "march may sept at least more than about some including others rose to and of the brigade route update"
)
_ARABIC = normalize_text(
    "آذار كانون الثاني أكثر من نحو حوالي اللواء الطريق بينهم منذ معركة قبل عدد ذكرى متهم"
    " زلزال غارة قصف فيضان حادث هجوم الذين التي وال بال لل"
)
_PIECES = [*"abc 1,.;:!?؟()\"'“”-\n\t", "\u00a0", "🙂", "𝟓", *_LATIN.split(), *_ARABIC.split()]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map(lambda parts: "".join(parts))
_SPACED = st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join)


@settings(max_examples=300)
@given(_TEXT, st.integers(min_value=1, max_value=6))
def test_words_are_the_word_regex(text: str, max_words: int) -> None:
    head = text.replace("(", " ").replace(")", " ")  # a stop ends every head before a bracket
    expected = [(m.group(), m.start()) for m in islice(who._WORD.finditer(head), max_words)]
    assert who._words(head, max_words) == expected


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED))
def test_month_before_is_ends_with_word(window: str) -> None:
    assert units._month_before(window) == ends_with_word(window, units.MONTH_WORDS)


def _plain_names_the_number(before: str) -> bool:
    words = before.split()
    if not words or not before[-1:].isspace():
        return False
    word = words[-1]
    if word in units._NAME_WORDS:
        return True
    article = units._AR_ARTICLE.match(word)
    return not word.isascii() and article is not None and word[article.end() :] in units._NAME_WORDS


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED))
def test_names_the_number_is_the_plain_test(before: str) -> None:
    assert units._names_the_number(before) == _plain_names_the_number(before)


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED), st.integers(min_value=0, max_value=40))
def test_matching_at_an_offset_is_matching_the_slice(text: str, at: int) -> None:
    """unit_after and the date test match at n.end instead of slicing (no look-behind in the patterns)."""
    at = min(at, len(text))
    for pattern, size in ((units._UNIT_AFTER, 40), (units._DATE_OR_TIME_AFTER, 30)):
        sliced = pattern.match(text[at : at + size])
        direct = pattern.match(text, at, at + size)
        assert (sliced and (sliced.span(), sliced.lastgroup)) == (
            direct and ((direct.start() - at, direct.end() - at), direct.lastgroup)
        )


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED), st.integers(min_value=0, max_value=60))
def test_bound_is_ends_with_word(text: str, at: int) -> None:
    start = min(at, len(text))
    before = text[max(0, start - 24) : start]
    if (
        ends_with_word(before, BOUND_AT_LEAST_WORDS, bounded=False)
        or figures._AT_LEAST_AFTER in text[start : start + 30]
    ):
        expected = "at_least"
    elif ends_with_word(before, BOUND_ABOUT_WORDS, bounded=False):
        expected = "about"
    else:
        expected = "exact"
    assert figures._bound(text, start, start) == expected


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED))
def test_sentence_starts_with_the_full_pattern(text: str) -> None:
    """The "." only pattern is used when no other sentence end occurs: the result is the same."""
    starts = [0]
    for m in rules._SENTENCE_END.finditer(text):
        s, e = m.span()
        if e >= len(text):
            continue
        one_letter = e - s == 1 and s and text[s] != "\n" and "a" <= text[s - 1] <= "z"
        if one_letter and (s == 1 or not (text[s - 2].isalnum() or text[s - 2] == "_")):
            continue
        starts.append(e)
    assert rules._sentences(text) == starts


_SCANNED = WordScanner(r"kill(?:ed)?|قتل|\d+|ab c")
_PLAIN = re.compile(r"(?<!\w)(?:kill(?:ed)?|قتل|\d+|ab c)")


@settings(max_examples=300)
@given(
    st.one_of(_TEXT, _SPACED), st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30)
)
def test_found_in_with_its_source_text(text: str, lo: int, size: int) -> None:
    """found_in(window, source) takes the astral test from the whole text: the answer is the same."""
    window = text[lo : lo + size]
    assert _SCANNED.found_in(window, text) == _SCANNED.found_in(window) == bool(_PLAIN.search(window))
    assert text_has_astral(text) == has_astral(text)
    assert text_has_astral(text) == has_astral(text)  # remembered


@settings(max_examples=300)
@given(st.one_of(_TEXT, _SPACED))
def test_dispatched_negation_scanners_match_the_plain_lists(text: str) -> None:
    plain_ar = WordScanner(
        fold_pattern(r"[وفبل]?(?:ال)?(?:زلزال|غارة|قصف\S*|فيضان|حادث|حادثة|هجوم\S*|ذكرى)(?!\w)")
    )
    regrouped = WordScanner(
        fold_pattern(r"[وفبل]?(?:ال)?")
        + dispatch(fold_pattern(r"زلزال|غارة|قصف\S*|فيضان|حادث|حادثة|هجوم\S*|ذكرى"))
        + r"(?!\w)"
    )
    assert [m.span() for _, m in plain_ar.finditer(text)] == [m.span() for _, m in regrouped.finditer(text)]
    for scanner in (objects._NON_CONFLICT_AR, objects._CONFLICT_AR, negation._COURT_OR_PAST_AR):
        assert scanner.search(text) == (m.start() if (m := scanner.slow.search(text)) else -1)


def test_value_of_digits_with_and_without_a_scale() -> None:
    """_value returns early without a scale word; with one it multiplies, or refuses a word number."""
    assert parse_number("1,200") == 1200.0
    assert parse_number("5 million") == 5_000_000.0
    assert parse_number("٣ آلاف") == 3000.0
    assert parse_number("5 ثلاثة") is None
    text = normalize_text("killed 5 thousand and 12 people, 3 ثلاثة then ١٬٢٠٠ and twenty-one")
    found = find_numbers(text)
    assert all(isinstance(n, NumberMatch) for n in found)
    assert [(n.start, n.end, n.value) for n in found] == [
        (7, 17, 5000.0),
        (22, 24, 12.0),
        (46, 51, 1200.0),
        (56, 66, 21.0),
    ]


_COUNT_CUES = normalize_text(
    "up down revised raised from an initial estimate of toll rescued freed released arrested another at least"
    " more than vehicles tanks sources said officials told أجلى وأجلت فأجلى بعد أن كانت كان مقارنة ب أفرج عن حرر أنقذ اعتقل نحو أكثر من عربات منازل"
).split()
_COUNT_TEXT = st.lists(
    st.sampled_from([*_COUNT_CUES, "12", "٤٠", ",", "-", "\n", "the", "people"]), max_size=14
)


@settings(max_examples=500)
@given(_COUNT_TEXT, _COUNT_TEXT)
def test_not_a_count_gates_are_the_plain_regexes(before: list[str], after: list[str]) -> None:
    """figures._not_a_count tests substrings before its regexes: the same answer as the regexes alone."""
    left = " ".join(before)
    text = f"{left} 12 {' '.join(after)}"
    n = NumberMatch(len(left) + 1, len(left) + 3, 12.0)
    plain = bool(
        (figures._LIST_MARKER.match(text, n.end) and not text[max(0, n.start - 2) : n.start].strip())
        or figures._THINGS.match(text, n.end, n.end + 50)
        or figures._EARLIER.search(text, max(0, n.start - 50), n.start)
        or figures._OTHER_VERB_BEFORE.search(text, max(0, n.start - 40), n.start)
    )
    assert figures._not_a_count(text, 0, n) == plain
