"""Text and URL clean-up for entries: markup to plain text, canonical links, content hashes."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["clean_url", "content_hash", "html_to_text", "squash_spaces"]

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_NEWLINES = re.compile(r"\s*\n\s*")


class _TextExtractor(HTMLParser):
    """Collects character data, dropping script/style and breaking lines at block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def squash_spaces(text: str) -> str:
    """Return text with runs of spaces collapsed and blank lines removed, stripped."""
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def html_to_text(markup: str) -> str:
    """Return the plain text of an HTML fragment: tags removed, entities decoded, spaces squashed.

    Never raises; text without ``<`` or ``&`` is only whitespace-normalised.
    """
    if "<" not in markup and "&" not in markup:
        return squash_spaces(markup)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return squash_spaces("".join(parser.parts))


def clean_url(link: str, base: str) -> str:
    """Return ``link`` made absolute against ``base``, host lower-cased, tracking params removed.

    Returns "" for empty links and for schemes other than http/https (``javascript:`` etc.).
    """
    link = link.strip()
    if not link:
        return ""
    try:
        parts = urlsplit(urljoin(base, link))
    except ValueError:  # e.g. "http://[bad" (unbalanced IPv6 bracket)
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, parts.fragment))


def content_hash(*parts: str) -> str:
    """Return a stable ``sha256:<hex>`` digest of whitespace-normalised parts (dates excluded)."""
    digest = hashlib.sha256("\x1f".join(squash_spaces(p) for p in parts).encode("utf-8"))
    return "sha256:" + digest.hexdigest()
