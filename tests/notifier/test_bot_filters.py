"""Parsing bot command arguments into the subscription filters dict (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifier import bot_filters as bf


def test_tokenize_keeps_quoted_phrases() -> None:
    """Straight, curly and «» quotes keep a phrase together."""
    assert bf.tokenize('surrender "Deir ez-Zor" “Abu Kamal” «دير الزور» x') == [
        "surrender",
        "Deir ez-Zor",
        "Abu Kamal",
        "دير الزور",
        "x",
    ]


def test_parse_args_reads_every_kind_of_token() -> None:
    """Labels (and aliases), lang:, place:, thresholds, modes, patterns and words land in their keys."""
    parsed = bf.parse_args(
        bf.tokenize(
            "surrender casualties ضحايا lang:ar place:Hajin killed>=10 injured≥٥ mode:daily re:a|b Baghuz"
        )
    )
    assert parsed.labels == ["surrender", "casualty_update"]
    assert parsed.langs == ["ar"] and parsed.places == ["Hajin"]
    assert parsed.minimum == {"killed": 10, "injured": 5}
    assert parsed.mode == "daily" and parsed.keywords == ["re:a|b", "Baghuz"]


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("lang:fr", "err_lang"),
        ("mode:weekly", "err_mode"),
        ("re:(", "err_pattern"),
        ("x" * 101, "err_word_length"),
        (r"re:(a)\1", "err_pattern"),
    ],
)
def test_parse_args_errors_name_their_text(token: str, key: str) -> None:
    """Each invalid token raises FilterError with the key of the text that explains it."""
    with pytest.raises(bf.FilterError) as err:
        bf.parse_args([token])
    assert err.value.key == key


def test_merge_and_remove() -> None:
    """merge adds without duplicates (case-insensitively); apply_removals drops and tidies."""
    filters = bf.merge({"keywords": ["Baghuz"]}, bf.parse_args(["baghuz", "Hajin", "killed:50"]))
    assert filters == {"keywords": ["Baghuz", "Hajin"], "min": {"killed": 50}}
    assert bf.apply_removals(filters, bf.parse_args(["BAGHUZ", "Hajin", "killed:1"])) == {}
    with pytest.raises(bf.FilterError):
        bf.merge({}, bf.parse_args([f"w{i}" for i in range(bf.MAX_ITEMS + 1)]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(minutes=90)),
        ("٢س", timedelta(hours=2)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    """Durations in minutes, hours, days and weeks, with Arabic digits and units."""
    assert bf.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "0h", "31d", "2x", "h2", "2h-"])
def test_parse_duration_rejects(text: str) -> None:
    """Zero, longer than 30 days or malformed durations are refused."""
    with pytest.raises(bf.FilterError):
        bf.parse_duration(text)


def test_mute_until_is_iso_utc() -> None:
    """muted_until is ISO 8601 in UTC to the second."""
    now = datetime(2019, 3, 3, 12, 0, 0, 123, tzinfo=UTC)
    assert bf.mute_until(now, timedelta(hours=2)) == "2019-03-03T14:00:00+00:00"


def test_parse_quiet() -> None:
    """Quiet hours take a range and an optional IANA zone; "off" clears them."""
    assert bf.parse_quiet(["22-7"]) == {"start": "22:00", "end": "07:00", "tz": "UTC"}
    assert bf.parse_quiet(["23:30-06:00", "Asia/Damascus"])["tz"] == "Asia/Damascus"
    assert bf.parse_quiet(["off"]) is None
    for bad in (["22:00"], ["25:00-07:00"], ["22-07", "../../etc/passwd"], ["22-07", "Asia"]):
        with pytest.raises(bf.FilterError):
            bf.parse_quiet(bad)


def test_apply_button() -> None:
    """Buttons toggle labels and languages, pick mode, killed threshold and quiet presets."""
    filters, mode = bf.apply_button({}, "immediate", "lbl", "surrender")
    filters, mode = bf.apply_button(filters, mode, "mode", "daily")
    filters, mode = bf.apply_button(filters, mode, "min", "100")
    filters, mode = bf.apply_button(filters, mode, "qh", "23-06")
    filters, mode = bf.apply_button(filters, mode, "bands", "")
    assert mode == "daily" and filters == {
        "labels": ["surrender"],
        "min": {"killed": 100},
        "bands": True,
        "quiet_hours": {"start": "23:00", "end": "06:00", "tz": "UTC"},
    }
    filters, _ = bf.apply_button(filters, mode, "min", "0")
    filters, _ = bf.apply_button(filters, mode, "qh", "off")
    filters, _ = bf.apply_button(filters, mode, "lbl", "surrender")
    assert filters == {"bands": True}
    with pytest.raises(bf.FilterError):
        bf.apply_button({}, "immediate", "min", "7")
