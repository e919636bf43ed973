"""Turn a `Development` into alert text: Telegram HTML, plain text, and 4,096-character parts.

Pure functions: no I/O, no clock. Text comes from feeds, so every piece of it is escaped; only
http(s) links become `<a href>`. Headings are in the language of the source (Arabic or English).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from shared.messages import Development, Figure, Source

__all__ = [
    "TELEGRAM_MAX_CHARS",
    "render_html",
    "render_text",
    "safe_url",
    "source_name",
    "split_message",
    "utf16_len",
    "vocabulary",
]

TELEGRAM_MAX_CHARS = 4096
MAX_SOURCES_SHOWN = 10
MAX_SUMMARY_CHARS = 1500

_VOCAB: dict[str, dict[str, str]] = {
    "en": {
        "territorial_change": "Territorial change",
        "surrender": "Surrender",
        "casualty_update": "Casualty update",
        "update": "Update",
        "alert": "Alert",
        "places": "Places",
        "figures": "Figures",
        "changes": "Changes",
        "sources": "Sources",
        "about": "about",
        "at_least": "at least",
        "unknown": "an unknown number of",
        "killed": "killed",
        "injured": "injured",
        "executed": "executed",
        "surrendered": "surrendered",
        "abducted": "abducted",
        "captured_area_km2": "km² captured",
        "unsubscribe": "Unsubscribe",
        "digest": "Digest",
    },
    "ar": {
        "territorial_change": "تغيّر في السيطرة",
        "surrender": "استسلام",
        "casualty_update": "تحديث حصيلة الضحايا",
        "update": "تحديث",
        "alert": "تنبيه",
        "places": "الأماكن",
        "figures": "الأرقام",
        "changes": "التغييرات",
        "sources": "المصادر",
        "about": "نحو",
        "at_least": "ما لا يقل عن",
        "unknown": "عدد غير معروف من",
        "killed": "قتلى",
        "injured": "جرحى",
        "executed": "أُعدموا",
        "surrendered": "استسلموا",
        "abducted": "مختطفون",
        "captured_area_km2": "كم² تمت السيطرة عليها",
        "unsubscribe": "إلغاء الاشتراك",
        "digest": "ملخص",
    },
}

# Tokens of Telegram HTML: a tag, an entity, or one character of text. Splitting only between
# tokens is what guarantees a part never ends inside a tag or an entity.
_TOKEN_RE = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|[^<&]|[<&]", re.S)
_TAG_RE = re.compile(r"<\s*(/)?\s*([A-Za-z][A-Za-z0-9-]*)")
_TAGS_RE = re.compile(r"<[^<>]*>")


def vocabulary(lang: str | None) -> dict[str, str]:
    """Return the headings for `lang` (Arabic for "ar*", English otherwise)."""
    return _VOCAB["ar"] if (lang or "").lower().startswith("ar") else _VOCAB["en"]


def safe_url(url: str) -> str | None:
    """Return `url` if it is an absolute http(s) URL, else None (no javascript: links)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def source_name(source: Source) -> str:
    """Return a short readable name for a source: its title, else its host, else its id."""
    if source.title.strip():
        return source.title.strip()
    host = urlsplit(source.url).hostname or urlsplit(source.feed_url).hostname
    return host or source.article_id


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _figure_text(fig: Figure, words: dict[str, str]) -> str:
    if fig.count is None:
        amount = words["unknown"]
    elif fig.bound == "exact":
        amount = _number(fig.count)
    else:
        amount = f"{words[fig.bound]} {_number(fig.count)}"
    parts = [amount, words.get(fig.kind, fig.kind.replace("_", " "))]
    if fig.who:
        parts.append(f"({fig.who})")
    return " ".join(parts)


def _headline(dev: Development, words: dict[str, str]) -> str:
    labels = " · ".join(words.get(label, label) for label in dev.labels) or words["alert"]
    return f"{words['update']}: {labels}" if dev.status == "update" else labels


def _summary(dev: Development) -> str:
    text = " ".join(dev.summary.split())
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"


def render_html(dev: Development) -> str:
    """Return the Telegram HTML of an alert (only `<b>` and `<a href>`; all feed text escaped).

    Headline from the labels ("Update: …" for a revision), changes, figures, places, summary,
    then up to MAX_SOURCES_SHOWN source links. The result may exceed TELEGRAM_MAX_CHARS; pass it
    through `split_message` before sending.
    """
    words = vocabulary(dev.lang)
    esc = html.escape
    lines = [f"<b>{esc(_headline(dev, words))}</b>"]
    if dev.status == "update" and dev.changes:
        lines.append(f"<b>{esc(words['changes'])}:</b> " + esc("; ".join(dev.changes)))
    if dev.figures:
        figures = "; ".join(_figure_text(f, words) for f in dev.figures)
        lines.append(f"<b>{esc(words['figures'])}:</b> {esc(figures)}")
    if dev.places:
        lines.append(f"<b>{esc(words['places'])}:</b> " + esc(", ".join(dev.places)))
    if summary := _summary(dev):
        lines.extend(["", esc(summary)])
    links = []
    for source in dev.sources[:MAX_SOURCES_SHOWN]:
        name = esc(source_name(source))
        url = safe_url(source.url)
        links.append(f'<a href="{esc(url, quote=True)}">{name}</a>' if url else name)
    if links:
        lines.extend(["", f"<b>{esc(words['sources'])}:</b> " + " | ".join(links)])
    return "\n".join(lines)


def render_text(dev: Development) -> str:
    """Return the alert as plain text (console, email text part): same content, URLs spelled out."""
    words = vocabulary(dev.lang)
    lines = [_headline(dev, words)]
    if dev.status == "update" and dev.changes:
        lines.append(f"{words['changes']}: " + "; ".join(dev.changes))
    if dev.figures:
        lines.append(f"{words['figures']}: " + "; ".join(_figure_text(f, words) for f in dev.figures))
    if dev.places:
        lines.append(f"{words['places']}: " + ", ".join(dev.places))
    if summary := _summary(dev):
        lines.extend(["", summary])
    if dev.sources:
        lines.extend(["", f"{words['sources']}:"])
        for source in dev.sources[:MAX_SOURCES_SHOWN]:
            url = safe_url(source.url)
            lines.append(f"- {source_name(source)}" + (f" <{url}>" if url else ""))
    return "\n".join(lines)


def render_digest_html(devs: Sequence[Development]) -> str:
    """Telegram HTML of a digest: a count headline, then each development's alert."""
    head = f"<b>Digest · ملخص: {len(devs)}</b>"
    return "\n\n".join([head, *(render_html(dev) for dev in devs)])


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _apply(stack: tuple[tuple[str, str], ...], tok: str) -> tuple[tuple[str, str], ...]:
    """Return the open-tag stack after `tok` (a tag changes it; text and entities do not)."""
    match = _TAG_RE.match(tok) if tok.startswith("<") and len(tok) > 1 else None
    if match is None:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return (*stack, (name, tok))
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == name:
            return stack[:depth] + stack[depth + 1 :]
    return stack


def _closers(stack: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _has_text(part: str) -> bool:
    return bool(html.unescape(_TAGS_RE.sub("", part)).strip())


def split_message(html_text: str, limit: int = TELEGRAM_MAX_CHARS) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` UTF-16 units, each valid HTML on its own.

    Cuts only between tokens (never inside a tag or an entity), preferring a line break, then a
    space, in the second half of a part. Tags open at a cut are closed at the end of the part and
    reopened at the start of the next. Parts with no visible text are dropped.
    Raises ValueError if a single tag (with its reopened parents) cannot fit in `limit`.
    """
    tokens = _TOKEN_RE.findall(html_text)
    sizes = [utf16_len(t) for t in tokens]
    parts: list[str] = []
    stack: tuple[tuple[str, str], ...] = ()
    i = 0
    while i < len(tokens):
        cur = [open_tag for _, open_tag in stack]
        used = sum(utf16_len(t) for t in cur)
        newline: tuple[int, int, tuple[tuple[str, str], ...]] | None = None
        space = newline
        j = i
        while j < len(tokens):
            after = _apply(stack, tokens[j])
            if used + sizes[j] + utf16_len(_closers(after)) > limit:
                break
            cur.append(tokens[j])
            used += sizes[j]
            stack = after
            j += 1
            if used * 2 >= limit and tokens[j - 1] in ("\n", " "):
                cut = (j, len(cur), stack)
                newline, space = (cut, space) if tokens[j - 1] == "\n" else (newline, cut)
        if j == len(tokens):
            parts.append("".join(cur) + _closers(stack))
            break
        if j == i:
            raise ValueError(f"an HTML tag does not fit in {limit} characters")
        end, kept, stack = newline or space or (j, len(cur), stack)
        parts.append("".join(cur[:kept]) + _closers(stack))
        i = end
    return [part.strip() for part in parts if _has_text(part)]
