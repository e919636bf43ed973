"""Adapters from fastfeedparser and feedparser results to one neutral shape.

Both libraries are only ever handed bytes (never a str: both treat strings that look like URLs
or paths as something to fetch or open). Callers pass UTF-8 bytes whose XML declaration, if
any, already says UTF-8, so neither library makes a charset decision of its own.
"""

from __future__ import annotations

import io
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import fastfeedparser
import feedparser

__all__ = ["RawEntry", "RawFeed", "parse_with_fastfeedparser", "parse_with_feedparser"]


@dataclass
class RawEntry:
    """One entry as a backend saw it, before identity and text clean-up."""

    guid: str | None
    link: str
    title: str
    title_is_html: bool
    body: str
    body_is_html: bool
    published: datetime | None
    lang: str | None = None


@dataclass
class RawFeed:
    """A backend's view of a feed; ``broken`` means the backend had to recover from bad XML."""

    title: str
    entries: list[RawEntry] = field(default_factory=list)
    broken: bool = False


def _iso_to_utc(value: Any) -> datetime | None:
    """Parse fastfeedparser's ISO-8601 date strings to aware UTC datetimes."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _struct_to_utc(value: Any) -> datetime | None:
    """Convert feedparser's UTC ``time.struct_time`` to an aware datetime."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _is_html(mime: Any) -> bool:
    """Whether a content type names markup rather than plain text."""
    return not (isinstance(mime, str) and mime.startswith("text/plain"))


def parse_with_fastfeedparser(data: bytes) -> RawFeed:
    """Parse UTF-8 feed bytes with fastfeedparser.

    Raises ValueError (fastfeedparser's own) when the document is not a feed it can read.
    """
    result = fastfeedparser.parse(data)
    entries = []
    for e in result.get("entries") or []:
        content = e.get("content") or []
        if content and content[0].get("value"):
            body, body_html = content[0]["value"], _is_html(content[0].get("type"))
        else:
            body, body_html = e.get("description") or "", True
        entries.append(
            RawEntry(
                guid=(e.get("id") or None),
                link=e.get("link") or "",
                title=e.get("title") or "",
                # fastfeedparser drops the declared title type; RSS titles are HTML in practice.
                title_is_html=True,
                body=body,
                body_is_html=body_html,
                published=_iso_to_utc(e.get("published") or e.get("updated")),
            )
        )
    return RawFeed(title=(result.get("feed") or {}).get("title") or "", entries=entries)


def parse_with_feedparser(data: bytes) -> RawFeed:
    """Parse UTF-8 feed bytes with feedparser (lenient: recovers from ill-formed XML).

    Never raises for bad input; ``broken`` reports feedparser's ``bozo`` flag.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser warns on its own deprecated keys
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": "application/xml; charset=utf-8"},
        )
    entries = []
    for e in result.entries:
        content = e.get("content") or []
        if content and content[0].get("value"):
            body, body_type = content[0]["value"], content[0].get("type")
        else:
            body, body_type = e.get("summary", ""), (e.get("summary_detail") or {}).get("type")
        title_detail = e.get("title_detail") or {}
        entries.append(
            RawEntry(
                guid=e.get("id") or None,
                link=e.get("link") or "",
                title=e.get("title") or "",
                title_is_html=_is_html(title_detail.get("type")),
                body=body or "",
                body_is_html=_is_html(body_type),
                published=_struct_to_utc(
                    e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")
                ),
                lang=title_detail.get("language") or None,
            )
        )
    title = result.feed.get("title") or ""
    return RawFeed(title=title, entries=entries, broken=bool(result.get("bozo")))
