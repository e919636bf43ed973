"""Rendering: escaping, headings per language, and the 4,096-unit split."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.render import (
    TELEGRAM_MAX_CHARS,
    render_html,
    render_text,
    split_message,
    utf16_len,
)
from shared.messages import Figure, Source
from tests.notifier.conftest import MakeDev
from tests.notifier.fake_bot_api import parse_telegram_html

ARABIC_SENTENCE = "سيطرت قوات سوريا الديمقراطية على نصف الباغوز فوقاني بعد معارك عنيفة. "
ENGLISH_SENTENCE = "The SDF took half of Baghouz Fawqani after heavy fighting & <shelling>. "


def test_render_html_escapes_feed_text(make_dev: MakeDev) -> None:
    """Markup and ampersands in titles, summaries and places come out escaped, never as tags."""
    dev = make_dev(
        summary="<script>alert('x')</script> & more",
        places=["<b>Town</b>"],
        sources=[Source(article_id="s", url="https://e.org/?a=1&b=2", title="A <i>&</i> B")],
    )
    out = render_html(dev)
    assert "<script>" not in out and "<b>Town</b>" not in out
    assert "&lt;script&gt;" in out and "&amp; more" in out
    assert '<a href="https://e.org/?a=1&amp;b=2">A &lt;i&gt;&amp;&lt;/i&gt; B</a>' in out
    parse_telegram_html(out)  # the fake's Telegram-like parser accepts it


def test_render_html_drops_non_http_links(make_dev: MakeDev) -> None:
    """A javascript: source URL is shown as a name, not turned into a link."""
    dev = make_dev(sources=[Source(article_id="s", url="javascript:alert(1)", title="Bad")])
    out = render_html(dev)
    assert "javascript:" not in out and "Bad" in out


def test_render_headline_figures_and_changes_for_update(make_dev: MakeDev) -> None:
    """An update carries an "Update:" headline, its changes, and bounded figures."""
    dev = make_dev(
        status="update",
        revision=2,
        changes=["civilians killed 388 → 400"],
        figures=[Figure(kind="killed", count=1168, who="ISIS", bound="about")],
    )
    out = render_html(dev)
    assert out.startswith("<b>Update: Casualty update</b>")
    assert "civilians killed 388 → 400" in out
    assert "about 1,168 killed (ISIS)" in out


def test_render_arabic_uses_arabic_headings(make_dev: MakeDev) -> None:
    """An Arabic development gets Arabic headings and keeps its Arabic text intact."""
    dev = make_dev(lang="ar", summary=ARABIC_SENTENCE, labels=["territorial_change"])
    out = render_text(dev)
    assert out.startswith("تغيّر في السيطرة")
    assert ARABIC_SENTENCE.strip() in out


def test_render_text_spells_out_links(make_dev: MakeDev) -> None:
    """The plain-text form has no markup and lists each source with its URL."""
    out = render_text(make_dev(summary="a < b & c"))
    assert "a < b & c" in out
    assert "- Observatory report <https://example.org/a1>" in out
    assert "<b>" not in out


def test_short_message_is_one_part() -> None:
    """A message under the limit is returned unchanged as a single part."""
    assert split_message("<b>hi</b> there") == ["<b>hi</b> there"]


@pytest.mark.parametrize("sentence", [ENGLISH_SENTENCE, ARABIC_SENTENCE], ids=["en", "ar"])
def test_split_long_message_keeps_tags_and_text(sentence: str) -> None:
    """A 10,000-character message splits into valid parts of at most 4,096 with no text lost."""
    body = html.escape(sentence * (10_000 // len(sentence)))
    source = f'<b>Headline</b>\n<a href="https://e.org/x">{body}</a>\n<b>{body}</b>'
    parts = split_message(source)
    assert len(parts) >= 3
    visible = [parse_telegram_html(p) for p in parts]  # raises if a part is invalid HTML
    assert all(utf16_len(p) <= TELEGRAM_MAX_CHARS for p in parts)
    assert "".join(visible).split() == parse_telegram_html(source).split()
    assert all(p.count("<a ") == p.count("</a>") for p in parts)


def test_split_never_cuts_an_entity() -> None:
    """A run of entities with no spaces is cut between entities, never inside one."""
    parts = split_message("&amp;" * 50, limit=12)
    assert parts and all(p.replace("&amp;", "") == "" for p in parts)


def test_split_counts_utf16_units() -> None:
    """Emoji outside the BMP count as two units, as Telegram counts them."""
    parts = split_message("😀" * 10, limit=8)
    assert [utf16_len(p) for p in parts] == [8, 8, 4]


def test_split_rejects_tag_longer_than_limit() -> None:
    """A single tag that cannot fit in a part is an error, not a broken message."""
    with pytest.raises(ValueError, match="does not fit"):
        split_message('<a href="https://example.org/very/long">x</a>', limit=10)


def _squash(text: str) -> str:
    return "".join(text.split())


_TEXT = st.text(alphabet=st.sampled_from(list('ab ج\n😀<&>"')), max_size=60)


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.tuples(st.sampled_from(["", "b", "a", "i"]), _TEXT), max_size=12),
    limit=st.integers(min_value=40, max_value=120),
)
def test_split_property_parts_valid_and_lossless(chunks: list[tuple[str, str]], limit: int) -> None:
    """For any escaped text in nested tags, parts are valid, within limit, and lose no text."""
    pieces = []
    for tag, text in chunks:
        escaped = html.escape(text)
        if tag == "a":
            pieces.append(f'<a href="https://e.org/">{escaped}</a>')
        elif tag:
            pieces.append(f"<{tag}>{escaped}</{tag}>")
        else:
            pieces.append(escaped)
    source = "".join(pieces)
    parts = split_message(source, limit=limit)
    assert all(utf16_len(p) <= limit for p in parts)
    assert _squash("".join(parse_telegram_html(p) for p in parts)) == _squash(parse_telegram_html(source))
