"""Build alert and digest mails (pure): multipart text + HTML, unsubscribe headers, threading.

The HTML reuses the Telegram rendering (already escaped, only `<b>` and `<a>`), wrapped in a
document whose direction follows the language: `dir="rtl"` for Arabic, per development.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from services.notifier.render import render_html, render_text, vocabulary
from shared.messages import Development

__all__ = ["Envelope", "build_mail", "direction"]

SUBJECT_MAX_CHARS = 120
_STYLE = "font-family:Arial,'Segoe UI',Tahoma,sans-serif;font-size:15px;line-height:1.5"


def direction(lang: str | None) -> str:
    """Return "rtl" for Arabic, "ltr" otherwise."""
    return "rtl" if (lang or "").lower().startswith("ar") else "ltr"


def _subject(devs: Sequence[Development]) -> str:
    dev = devs[0]
    words = vocabulary(dev.lang)
    if len(devs) > 1:
        return f"frontwatch {words['digest']}: {len(devs)}"
    labels = " · ".join(words.get(label, label) for label in dev.labels) or words["alert"]
    subject = f"{words['update']}: {labels}" if dev.status == "update" else labels
    if dev.places:
        subject += " — " + ", ".join(dev.places[:3])
    return " ".join(subject.split())[:SUBJECT_MAX_CHARS]  # feed text: no CR/LF in headers


def _section(dev: Development) -> str:
    lang = html.escape(dev.lang or "en", quote=True)
    body = render_html(dev).replace("\n", "<br>\n")
    return f'<div dir="{direction(dev.lang)}" lang="{lang}" style="margin:0 0 24px">{body}</div>'


def _document(devs: Sequence[Development], unsubscribe_url: str) -> str:
    langs = {direction(d.lang) for d in devs}
    doc_dir = "rtl" if langs == {"rtl"} else "ltr"
    lang = html.escape(devs[0].lang or "en", quote=True) if len(langs) == 1 else "mul"
    words = vocabulary(devs[0].lang if doc_dir == "rtl" else "en")
    sections = "\n<hr>\n".join(_section(d) for d in devs)
    link = html.escape(unsubscribe_url, quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{doc_dir}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(_subject(devs))}</title></head>\n"
        f'<body dir="{doc_dir}" style="{_STYLE}">\n{sections}\n'
        f'<p style="font-size:12px;color:#666"><a href="{link}">{words["unsubscribe"]}</a></p>\n'
        "</body>\n</html>\n"
    )


def _text(devs: Sequence[Development], unsubscribe_url: str, mailto: str | None) -> str:
    blocks = "\n\n-----\n\n".join(render_text(d) for d in devs)
    footer = f"Unsubscribe: {unsubscribe_url}"
    if mailto:
        footer += f'\nor send an email with the subject "unsubscribe" to {mailto}'
    return f"{blocks}\n\n-- \n{footer}\n"


@dataclass(frozen=True)
class Envelope:
    """What every mail to one reader carries besides its developments."""

    sender: str
    to: str
    unsubscribe_url: str
    unsubscribe_mailto: str | None
    now: datetime
    msgid_domain: str


def build_mail(
    devs: Sequence[Development], envelope: Envelope, *, in_reply_to: str | None = None
) -> EmailMessage:
    """One alert (a single development; an update threads under `in_reply_to`) or a digest of
    several, oldest first. Raises ValueError if `devs` is empty."""
    if not devs:
        raise ValueError("a mail needs at least one development")
    devs = sorted(devs, key=lambda d: d.detected_at)
    e = envelope
    message = EmailMessage()
    message["From"] = e.sender
    message["To"] = e.to
    message["Subject"] = _subject(devs)
    message["Date"] = format_datetime(e.now)
    # Short ids: a long one gets folded in In-Reply-To, and some clients then fail to thread.
    message["Message-ID"] = f"<fw.{secrets.token_hex(12)}@{e.msgid_domain}>"
    if in_reply_to:  # an update threads under the earlier alert in mail clients
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    unsubscribe = f"<{e.unsubscribe_url}>"
    if e.unsubscribe_mailto:
        unsubscribe += f", <mailto:{e.unsubscribe_mailto}?subject=unsubscribe>"
    message["List-Unsubscribe"] = unsubscribe
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to alerts
    message.set_content(_text(devs, e.unsubscribe_url, e.unsubscribe_mailto), charset="utf-8")
    message.add_alternative(_document(devs, e.unsubscribe_url), subtype="html", charset="utf-8")
    return message
