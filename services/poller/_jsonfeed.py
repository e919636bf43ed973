"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) to the neutral backend shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from services.poller._backends import RawEntry, RawFeed
from services.poller._errors import FeedParseError

__all__ = ["parse_json_feed"]


def _date(value: Any) -> datetime | None:
    """Parse an RFC 3339 date to aware UTC, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _text(value: Any) -> str:
    """Return value if it is a string, else "" (JSON feeds in the wild put numbers anywhere)."""
    return value if isinstance(value, str) else ""


def parse_json_feed(text: str) -> tuple[RawFeed, str, str | None]:
    """Parse a JSON Feed document.

    Returns ``(feed, format, language)`` where format is ``json10`` or ``json11``.
    Raises FeedParseError ``malformed`` for invalid JSON and ``not_a_feed`` for JSON that is
    not a JSON Feed (no ``version`` naming jsonfeed.org, or ``items`` not a list).
    """
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError("malformed", f"The JSON body is invalid: {exc}.") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or "jsonfeed.org" not in version:
        raise FeedParseError("not_a_feed", "The JSON body is not a JSON Feed (no version).")
    items = doc.get("items", [])
    if not isinstance(items, list):
        raise FeedParseError("not_a_feed", "The JSON Feed has no list of items.")
    language = _text(doc.get("language")) or None
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html_body = _text(item.get("content_html"))
        plain = _text(item.get("content_text")) or _text(item.get("summary"))
        raw_id = item.get("id")
        entries.append(
            RawEntry(
                # The spec makes id a string; some publishers emit numbers, which are still ids.
                guid=str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else None,
                link=_text(item.get("url")) or _text(item.get("external_url")),
                title=_text(item.get("title")),
                title_is_html=False,
                body=html_body or plain,
                body_is_html=bool(html_body),
                published=_date(item.get("date_published")) or _date(item.get("date_modified")),
                lang=_text(item.get("language")) or None,
            )
        )
    fmt = "json11" if version.rstrip("/").endswith("1.1") else "json10"
    return RawFeed(title=_text(doc.get("title")), entries=entries), fmt, language
