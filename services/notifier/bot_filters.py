"""Command arguments of the Telegram bot → the subscription `filters` dict. Pure: no I/O, no clock.

The filters dict is the whole subscription (the store's `mode` column aside) and what
`services.notifier.rules.matches` and the notifier's mute/quiet-hours logic read:

    labels       ["territorial_change", "surrender", "casualty_update"]   (empty: all)
    keywords     ["Baghuz", "re:hajin|susah"]   plain words, or RE2 patterns after "re:"
    places       ["Deir ez-Zor"]
    langs        ["ar", "en"]                    source languages (empty: all)
    min          {"killed": 10}                  absolute thresholds
    min_delta    {"killed": 5}                   an update must raise the figure this much
    bands        true                            updates alert when a toll crosses 10/50/100/...
    quiet_hours  {"start": "22:00", "end": "07:00", "tz": "Asia/Damascus"}
    muted_until  "2019-03-03T14:00:00+00:00"     ISO 8601, UTC
    ui_lang      "en" | "ar"                      language of the bot's own texts
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.notifier.rules import PATTERN_PREFIX, PatternError, compile_pattern

__all__ = [
    "FIGURE_KINDS",
    "KILLED_PRESETS",
    "LABELS",
    "MODES",
    "QUIET_PRESETS",
    "SOURCE_LANGS",
    "UI_LANGS",
    "FilterError",
    "Parsed",
    "Subscription",
    "Turn",
    "apply_button",
    "apply_removals",
    "merge",
    "mute_until",
    "parse_args",
    "parse_duration",
    "parse_quiet",
    "toggle",
    "tokenize",
]

LABELS = ("territorial_change", "surrender", "casualty_update")
MODES = ("immediate", "hourly", "daily")
UI_LANGS = ("en", "ar")
SOURCE_LANGS = ("en", "ar")
FIGURE_KINDS = ("killed", "injured", "executed", "surrendered", "abducted", "captured_area_km2")
QUIET_PRESETS: dict[str, tuple[str, str]] = {
    "22-07": ("22:00", "07:00"),
    "23-06": ("23:00", "06:00"),
    "00-08": ("00:00", "08:00"),
}
MAX_ITEMS = 20  # per list: keywords, places
MAX_WORD_CHARS = 100
MAX_MUTE = timedelta(days=30)

_LABEL_ALIASES = {
    "territorial_change": "territorial_change",
    "territory": "territorial_change",
    "territorial": "territorial_change",
    "control": "territorial_change",
    "surrender": "surrender",
    "surrenders": "surrender",
    "casualty_update": "casualty_update",
    "casualties": "casualty_update",
    "casualty": "casualty_update",
    "tolls": "casualty_update",
    "toll": "casualty_update",
    "سيطرة": "territorial_change",
    "استسلام": "surrender",
    "ضحايا": "casualty_update",
}
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "د": 60, "س": 3600, "ي": 86400}
_DURATION_RE = re.compile(r"(\d{1,4})\s*(min|[mhdwدسي])", re.IGNORECASE)
_THRESHOLD_RE = re.compile(r"([a-z_0-9]+)\s*(?:>=|≥|=|:)\s*(\d{1,7})", re.IGNORECASE)
_TIME_RE = re.compile(r"([01]?\d|2[0-3])(?::([0-5]\d))?")
_TOKEN_RE = re.compile(r'(?:[^\s"“”«»]+|["“«][^"”»]*["”»]?)+')
_QUOTES = str.maketrans("", "", '"“”«»')
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class FilterError(ValueError):
    """A user error; `key` names the bot text explaining it, `params` fill it in."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass
class Parsed:
    """What one /subscribe or /unsubscribe line asked for."""

    labels: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    minimum: dict[str, int] = field(default_factory=dict)
    mode: str | None = None


def tokenize(text: str) -> list[str]:
    """Split on spaces, keeping "quoted phrases" (straight, curly or «» quotes) whole."""
    return [t.translate(_QUOTES) for t in _TOKEN_RE.findall(text) if t.translate(_QUOTES).strip()]


def _append(items: list[str], value: str) -> None:
    if value.casefold() not in (i.casefold() for i in items):
        items.append(value)


def _word(value: str) -> str:
    value = " ".join(value.split())
    if not value or len(value) > MAX_WORD_CHARS:
        raise FilterError("err_word_length", max=MAX_WORD_CHARS)
    return value


def _keyword(token: str) -> str:
    if token[:3].casefold() != PATTERN_PREFIX:
        return _word(token)
    source = token[len(PATTERN_PREFIX) :]
    try:
        compile_pattern(source)
    except PatternError as exc:
        raise FilterError("err_pattern", pattern=source, detail=str(exc)) from None
    return PATTERN_PREFIX + source


def parse_args(tokens: Sequence[str]) -> Parsed:
    """Read label names, `lang:ar`, `place:Name`, `killed>=10`, `mode:daily`, `re:…` and words."""
    out = Parsed()
    for token in tokens:
        low = token.casefold()
        key, _, value = low.partition(":")
        threshold = _THRESHOLD_RE.fullmatch(low.translate(_DIGITS))
        if low in _LABEL_ALIASES:
            _append(out.labels, _LABEL_ALIASES[low])
        elif low in MODES or key == "mode":
            out.mode = low if low in MODES else value
            if out.mode not in MODES:
                raise FilterError("err_mode", value=value, choices=", ".join(MODES))
        elif key in ("lang", "language"):
            if value not in SOURCE_LANGS:
                raise FilterError("err_lang", value=value, choices=", ".join(SOURCE_LANGS))
            _append(out.langs, value)
        elif key == "place":
            _append(out.places, _word(token.partition(":")[2]))
        elif threshold and threshold.group(1) in FIGURE_KINDS:
            out.minimum[threshold.group(1)] = int(threshold.group(2))
        else:
            _append(out.keywords, _keyword(token))
    return out


def merge(filters: Mapping[str, Any], parsed: Parsed) -> dict[str, Any]:
    """Return `filters` with what `parsed` adds; raise FilterError beyond MAX_ITEMS per list."""
    new = dict(filters)
    for key in ("labels", "keywords", "places", "langs"):
        items = list(new.get(key) or [])
        for value in getattr(parsed, key):
            _append(items, value)
        if len(items) > MAX_ITEMS:
            raise FilterError("err_too_many", max=MAX_ITEMS)
        if items:
            new[key] = items
    if parsed.minimum:
        new["min"] = {**(new.get("min") or {}), **parsed.minimum}
    return new


def apply_removals(filters: Mapping[str, Any], parsed: Parsed) -> dict[str, Any]:
    """Return `filters` without the labels, words, places, languages and thresholds in `parsed`."""
    new = dict(filters)
    for key in ("labels", "keywords", "places", "langs"):
        drop = {v.casefold() for v in getattr(parsed, key)}
        new[key] = [v for v in new.get(key) or [] if v.casefold() not in drop]
        if not new[key]:
            del new[key]
    minimum = {k: v for k, v in (new.get("min") or {}).items() if k not in parsed.minimum}
    new.pop("min", None)
    if minimum:
        new["min"] = minimum
    return new


def toggle(items: Iterable[str], value: str) -> list[str]:
    """Add `value` to the list, or remove it if present (order kept)."""
    items = list(items)
    return [i for i in items if i != value] if value in items else [*items, value]


def parse_duration(text: str) -> timedelta:
    """ "30m", "2h", "1d", "1w", "1h30m" (Arabic digits and units د/س/ي too), at most 30 days."""
    text = text.strip().translate(_DIGITS).replace(" ", "")
    parts = _DURATION_RE.findall(text)
    if not parts or "".join(n + u for n, u in parts).casefold() != text.casefold():
        raise FilterError("err_duration", value=text)
    seconds = sum(int(n) * _UNITS[u.casefold()] for n, u in parts)
    if not 0 < seconds <= MAX_MUTE.total_seconds():
        raise FilterError("err_duration", value=text)
    return timedelta(seconds=seconds)


def mute_until(now: datetime, duration: timedelta) -> str:
    """The `muted_until` value: ISO 8601 in UTC, to the second."""
    return (now + duration).astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")


def _clock(text: str) -> str:
    match = _TIME_RE.fullmatch(text.strip().translate(_DIGITS))
    if match is None:
        raise FilterError("err_quiet", value=text)
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def parse_quiet(tokens: Sequence[str], default_tz: str = "UTC") -> dict[str, str] | None:
    """`22:00-07:00 [Area/City]` → the quiet_hours dict; "off" → None."""
    if not tokens or tokens[0].casefold() in ("off", "none", "إيقاف"):
        return None
    start, sep, end = tokens[0].partition("-")
    if not sep:
        raise FilterError("err_quiet", value=tokens[0])
    tz = tokens[1] if len(tokens) > 1 else default_tz
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise FilterError("err_timezone", value=tz) from None
    return {"start": _clock(start), "end": _clock(end), "tz": tz}


KILLED_PRESETS = (10, 50, 100)


def _tidy(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v not in ([], {}, None, False)}


def apply_button(
    filters: Mapping[str, Any], mode: str, action: str, value: str
) -> tuple[dict[str, Any], str]:
    """Apply one inline-keyboard press to (filters, mode); FilterError for an unknown button."""
    new = dict(filters)
    if action == "lbl" and value in LABELS:
        new["labels"] = toggle(new.get("labels") or [], value)
    elif action == "lng" and value in SOURCE_LANGS:
        new["langs"] = toggle(new.get("langs") or [], value)
    elif action == "mode" and value in MODES:
        mode = value
    elif action == "min" and value.isdigit() and int(value) in (0, *KILLED_PRESETS):
        minimum = {k: v for k, v in (new.get("min") or {}).items() if k != "killed"}
        new["min"] = {**minimum, "killed": int(value)} if int(value) else minimum
    elif action == "bands":
        new["bands"] = not new.get("bands")
    elif action == "qh" and (value == "off" or value in QUIET_PRESETS):
        tz = (new.get("quiet_hours") or {}).get("tz", "UTC")
        start_end = QUIET_PRESETS.get(value)
        new["quiet_hours"] = {"start": start_end[0], "end": start_end[1], "tz": tz} if start_end else None
    elif action == "ui" and value in UI_LANGS:
        new["ui_lang"] = value
    else:
        raise FilterError("err_button")
    return _tidy(new), mode


@dataclass
class Subscription:
    """A chat's subscription as the bot edits it: the store's filters, mode and paused flag."""

    filters: dict[str, Any]
    mode: str = "immediate"
    paused: bool = False


@dataclass
class Turn:
    """One command: its chat, the chat's language and subscription, the parsed arguments."""

    chat_id: int
    lang: str
    sub: Subscription | None
    args: list[str]

    def need_sub(self) -> Subscription:
        if self.sub is None:
            raise FilterError("not_subscribed")
        return self.sub
