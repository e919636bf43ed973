"""The speed-ups keep matches identical: regrouped alternations, folding by replacement, stop search."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from services.classifier import who
from services.classifier.lexicon import _AR, _EN, DENY, TRIGGER_SCAN, TRIGGERS
from services.classifier.normalize import _FOLD_DROP, _fold_drop, fold_pattern, normalize_text
from services.classifier.scan import WordScanner, dispatch, dispatch_alternation, family_of

_WORDS = [
    *re.split(" ", "killed wounded dead death toll deaths surrendered took control of recaptured retook"),
    *re.split(" ", "withdrew from fell to the town seized 12 fighters and , . including civilians were hurt"),
    *re.split(" ", "regained lost 🙂 « 𝟓 false rumours"),
    *normalize_text(
        "قتل قتلى مقتل جرحى أصيب استسلم سلموا أنفسهم سيطرت القوات على حرر تحرير انسحبت من"
    ).split(),
    *normalize_text("وبلغت حصيلة الضحايا 23 شخصا و الذين في بينهم إلى عدد ، . شائعات").split(),
]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)


@given(st.text(alphabet=[chr(k) for k in _FOLD_DROP] + list("ab 1")))
def test_fold_drop_is_translate(text: str) -> None:
    assert _fold_drop(text) == text.translate(_FOLD_DROP)


@settings(max_examples=300)
@given(_TEXT)
def test_trigger_scan_matches_the_plain_alternation(text: str) -> None:
    for lang in ("en", "ar"):
        plain = [(m.start(), m.end(), m.lastgroup) for m in TRIGGERS[lang].finditer(text)]
        scanned = [(s, m.end(), family_of(m.lastgroup)) for s, m in TRIGGER_SCAN[lang].finditer(text)]
        # The scan also marks denial words (family DENY), which are not triggers.
        assert [t for t in scanned if t[2] != DENY] == plain


def test_dispatch_regroups_without_changing_matches() -> None:
    words = "in|including|inside|injured|on|one|off|of|a|an|and|another"
    regrouped = re.compile(rf"\b{dispatch(words)}\b")
    plain = re.compile(rf"\b(?:{words})\b")
    text = "an injured one of another and inside including in off on a ann"
    assert [m.span() for m in regrouped.finditer(text)] == [m.span() for m in plain.finditer(text)]
    named = re.compile(dispatch_alternation({f: fold_pattern(p) for f, p in _EN.items()}))
    assert family_of(named.match("killed").lastgroup) == "kill"
    assert family_of(named.match("took control").lastgroup) == "capture"
    ar = re.compile(dispatch_alternation({f: fold_pattern(p) for f, p in _AR.items()}))
    assert family_of(ar.match(normalize_text("استعادت")).lastgroup) == "recapture"


_PLAIN_STOP = re.compile(
    fold_pattern(rf"\b(?:{who._STOP_EN})\b|(?<!\w)(?:{who._STOP_AR})(?!\w)|(?<!\w){who._STOP_WA}|[,،.;:()]")
)


@settings(max_examples=300)
@given(_TEXT)
def test_who_stop_is_the_plain_search(text: str) -> None:
    for i in range(0, len(text), 5):
        window = text[i : i + 60]
        m = _PLAIN_STOP.search(window)
        assert who._stop(window) == (m.start() if m else len(window))


_SCANNED = WordScanner(r"kill(?:ed)?|قتل|\d+")
_PLAIN = re.compile(r"(?<!\w)(?:kill(?:ed)?|قتل|\d+)")


_PIECES = [*"kiled qتل7 .,_-", "قتل", "killed", "🙂", "𝟓", "«", "\u00a0", "é"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_word_scanner_is_the_look_behind_pattern(text: str) -> None:
    """Whatever first class the scanner uses (ASCII, BMP or the general one), matches are the same."""
    plain = [m.span() for m in _PLAIN.finditer(text)]
    assert [(s, m.end()) for s, m in _SCANNED.finditer(text)] == plain
    assert _SCANNED.search(text) == (plain[0][0] if plain else -1)
    assert _SCANNED.found_in(text) == bool(plain)
