"""chain_tail reads a gap from the right exactly as the regex it replaced reads it from the left."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from services.classifier.normalize import fold_pattern
from services.classifier.tails import chain_tail

# The regex figures.py used before chain_tail (slow: it is tried at every start position).
_CHAIN = re.compile(
    fold_pattern(
        r"(?P<sub>\bincluding|\bamong them|\bof whom|\bof which|\bamong whom"
        r"|(?<!\w)(?:من )?(?:بينهم|بينهن|منهم|منهن|ضمنهم)|من بين)"
        r"?\s*(?P<and>\band\b|\bas well as\b|(?<!\w)و|،|,)?\s*(?:\bat least\b|\babout\b|\bsome\b)?\s*$"
    )
)
_PIECES = [
    "including",
    "among them",
    "of whom",
    "of which",
    "among whom",
    "من",
    "بينهم",
    "منهن",
    "ضمنهم",
    "من بين",
    "and",
    "as well as",
    "و",
    "،",
    ",",
    "at least",
    "about",
    "some",
    " ",
    "  ",
    "x",
    "s",
    "civilians",
    "طفلا",
    "ت",
    "_",
    "\n",
]


def _regex(gap: str) -> tuple[bool, bool]:
    m = _CHAIN.search(gap)
    assert m is not None  # every part is optional, so the end of the gap always matches
    return bool(m.group("sub")), bool(m.group("and"))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=7))
def test_chain_tail_matches_the_regex(parts: list[str]) -> None:
    """For any concatenation of cue words, spaces and letters, both readings agree."""
    gap = "".join(parts)
    assert chain_tail(gap) == _regex(gap)


def test_chain_tail_examples() -> None:
    """Sub-group cues and conjunctions at the end of a gap are recognised, elsewhere ignored."""
    assert chain_tail(" civilians, including ") == (True, False)
    assert chain_tail(" مدنيا بينهم ") == (True, False)
    assert chain_tail(" طفلا و") == (False, True)
    assert chain_tail(" children and at least ") == (False, True)
    assert chain_tail(" including some fighters ") == (False, False)
    assert chain_tail("sand ") == (False, False)
