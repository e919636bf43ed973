"""Number parsing: digits, separators, scale words, English and Arabic number words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classifier.normalize import normalize_text
from services.classifier.numbers import find_numbers, parse_number

_EN_ONES = [
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_AR_ONES = ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
_AR_TENS = ["", "عشرة", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
_AR_HUNDREDS = ["", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة", "تسعمئة"]


def _en_words(n: int) -> str:
    """English words for 1..999999."""
    parts = []
    if n >= 1000:
        parts += [_en_words(n // 1000), "thousand"]
        n %= 1000
    if n >= 100:
        parts += [_EN_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        parts.append(_EN_TENS[n // 10] + ("-" + _EN_ONES[n % 10] if n % 10 else ""))
    elif n:
        parts.append(_EN_ONES[n])
    return " ".join(parts)


def _ar_below_100(n: int) -> list[str]:
    if n < 10:
        return [_AR_ONES[n]] if n else []
    if n < 20:
        return (
            ["عشرة"] if n == 10 else [_AR_ONES[n - 10] if n > 12 else ("أحد" if n == 11 else "اثنا"), "عشر"]
        )
    return [*([_AR_ONES[n % 10], "و" + _AR_TENS[n // 10]] if n % 10 else [_AR_TENS[n // 10]])]


def _ar_words(n: int) -> str:
    """Arabic words for 1..999 (masculine, nominative), units before tens joined by و."""
    parts = [_AR_HUNDREDS[n // 100]] if n >= 100 else []
    rest = _ar_below_100(n % 100)
    if parts and rest:
        rest[0] = "و" + rest[0]
    return " ".join(parts + rest)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,168", 1168),
        ("4,820", 4820),
        ("3.5", 3.5),
        ("1.3 million", 1_300_000),
        ("٣٨٨", 388),
        ("۱۵۰", 150),
        ("٣٫٥", 3.5),
        ("seven", 7),
        ("twenty-three", 23),
        ("two hundred and fifty", 250),
        ("two dozen", 24),
        ("ثلاثة", 3),
        ("ثلاث", 3),
        ("مئتين", 200),
        ("مئتي", 200),
        ("خمسة آلاف", 5000),
        ("سبعون ألفاً", 70000),
        ("سبعين ألفا", 70000),
        ("ثلاثة وعشرين", 23),
        ("مئتين وخمسين", 250),
        ("ثلاثة عشر", 13),
        ("ألفين", 2000),
        ("5 آلاف", 5000),
        ("وثلاثة", 3),
        ("خمسينَ", 50),
    ],
    ids=lambda v: str(v),
)
def test_parse_number_known_values(text: str, value: float) -> None:
    """Each written form parses to its value, whatever the script, gender, case or separator."""
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["hello", "", "قرية", "dozens", "العشرات"], ids=str)
def test_parse_number_rejects_non_numbers(text: str) -> None:
    """Words that are not numbers, including vague amounts, give None."""
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_and_without_separators_round_trip(n: int) -> None:
    """Any integer written with or without thousands separators parses back to itself."""
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=0, max_value=10**7))
def test_arabic_indic_and_persian_digits_round_trip(n: int) -> None:
    """Arabic-Indic and Persian digits read the same as ASCII digits."""
    arabic = str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    persian = str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert parse_number(arabic) == n
    assert parse_number(persian) == n


@given(st.integers(min_value=1, max_value=999_999))
def test_english_words_round_trip(n: int) -> None:
    """English number words up to 999,999 parse to their value."""
    assert parse_number(_en_words(n)) == n


@given(st.integers(min_value=1, max_value=999))
def test_arabic_words_round_trip(n: int) -> None:
    """Arabic number words (hundreds, teens, units-and-tens with و) parse to their value."""
    assert parse_number(_ar_words(n)) == n


@given(st.text(max_size=60))
def test_find_numbers_never_raises(text: str) -> None:
    """find_numbers accepts any string and returns positions inside it."""
    norm = normalize_text(text)
    for match in find_numbers(norm):
        assert 0 <= match.start <= match.end <= len(norm)


def test_arabic_dual_counts_two() -> None:
    """A dual noun such as قريتين counts two even without a number word."""
    norm = normalize_text("انسحبت الفصائل من قريتين")
    assert [m.value for m in find_numbers(norm)] == [2.0]
