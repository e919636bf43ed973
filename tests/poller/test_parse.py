"""parse_feed over real fixture files: formats, identity, text, safety and error kinds."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from services.poller.parse import FeedParseError, parse_feed

URL = "https://feeds.example/feed"
Read = Callable[[str], bytes]


@pytest.mark.parametrize(
    ("name", "fmt", "title", "first_title"),
    [
        pytest.param(
            "rss20_ar_windows1256.xml",
            "rss20",
            "أخبار سوريا",
            "داعش على وشك الانهيار الكامل في الباغوز فوقاني (0)",
            id="rss20-ar-1256",
        ),
        pytest.param(
            "rss20_ar_utf8.xml",
            "rss20",
            "أخبار سوريا",
            "داعش على وشك الانهيار الكامل في الباغوز فوقاني (0)",
            id="rss20-ar-utf8",
        ),
        pytest.param(
            "atom10_en.xml", "atom10", "Front line updates", "SDF takes half of Baghouz", id="atom10"
        ),
        pytest.param("atom03.xml", "atom03", "Old Atom", "Atom 0.3 entry", id="atom03"),
        pytest.param("rdf10.xml", "rss10", "RDF site", "RDF item", id="rdf10"),
        pytest.param("rss091.xml", "rss091", "Netscape era", "Café report", id="rss091-latin1"),
        pytest.param("jsonfeed11.json", "json11", "JSON news", "JSON item", id="jsonfeed"),
    ],
)
def test_formats(fixture_bytes: Read, name: str, fmt: str, title: str, first_title: str) -> None:
    """Every supported format yields its feed title, format name and first entry title."""
    feed = parse_feed(fixture_bytes(name), url=URL)
    assert (feed.format, feed.title, feed.entries[0].title) == (fmt, title, first_title)


def test_arabic_feed_under_contradicting_header(fixture_bytes: Read) -> None:
    """A windows-1256 feed served as ISO-8859-1 still reads as Arabic, with ttl and language."""
    feed = parse_feed(
        fixture_bytes("rss20_ar_windows1256.xml"),
        url=URL,
        content_type="application/rss+xml; charset=ISO-8859-1",
    )
    entry = feed.entries[0]
    assert feed.encoding == "windows-1256"
    assert "آخر بلدة سورية يسيطر عليها" in entry.text
    assert (entry.item_id, entry.lang, feed.ttl_s) == ("ar-0", "ar", 600.0)
    assert entry.published == datetime(2019, 3, 6, 7, 0, tzinfo=UTC)


def test_arabic_feed_without_declaration(fixture_bytes: Read) -> None:
    """A windows-1256 feed with neither declaration nor charset is detected as Arabic."""
    feed = parse_feed(fixture_bytes("rss20_ar_windows1256_nodecl.xml"), url=URL)
    assert feed.encoding == "windows-1256"
    assert feed.title == "أخبار سوريا"


def test_atom_text_is_plain(fixture_bytes: Read) -> None:
    """Titles and bodies lose markup and scripts, decode entities, and links are cleaned."""
    first, second = parse_feed(fixture_bytes("atom10_en.xml"), url=URL).entries
    assert first.text == "SDF takes half of Baghouz\n\nAbout 150 fighters surrendered in 48 hours & more."
    assert first.link == "https://feeds.example/2019/03/06/baghouz"
    assert second.title == "Toll rises to 388 <civilians>"  # type="text": brackets are text
    assert second.text.endswith("Including 141 children.")
    assert second.published == datetime(2019, 3, 6, 5, 30, tzinfo=UTC)
    assert first.lang == "en"


def test_duplicate_guids_are_disambiguated(fixture_bytes: Read) -> None:
    """A GUID shared by different items gets distinct ids; an exact repeat is dropped."""
    entries = parse_feed(fixture_bytes("dup_guid.xml"), url=URL).entries
    ids = [e.item_id for e in entries]
    assert [e.title for e in entries] == ["One", "Two", "Unique"]
    assert len(set(ids)) == 3
    assert ids[0].startswith("same#") and ids[2] == "u"


def test_duplicate_guid_ids_do_not_depend_on_position(fixture_bytes: Read) -> None:
    """Reordering items sharing a GUID keeps each item's id (no positional suffix)."""
    body = fixture_bytes("dup_guid.xml")
    swapped = body.replace(b"<title>One</title>", b"<title>TMP</title>")
    swapped = swapped.replace(b"<title>Two</title>", b"<title>One</title>")
    swapped = swapped.replace(b"<title>TMP</title>", b"<title>Two</title>")
    swapped = swapped.replace(b"d.example/1", b"d.example/X").replace(b"d.example/2", b"d.example/1")
    swapped = swapped.replace(b"d.example/X", b"d.example/2")
    before = {e.title: e.item_id for e in parse_feed(body, url=URL).entries}
    after = {e.title: e.item_id for e in parse_feed(swapped, url=URL).entries}
    assert before == after


def test_items_without_guid_or_link(fixture_bytes: Read) -> None:
    """No GUID: the link is the id; no link either: a hash of title and text; empty items skipped."""
    entries = parse_feed(fixture_bytes("no_guid_no_link.xml"), url=URL).entries
    assert len(entries) == 2
    assert entries[0].item_id.startswith("sha256:")
    assert entries[1].item_id == "https://feeds.example/relative/path"


def test_hash_id_ignores_dates(fixture_bytes: Read) -> None:
    """Changing only the publication date keeps a hashed id stable."""
    body = fixture_bytes("no_guid_no_link.xml")
    later = body.replace(b"Wed, 06 Mar 2019", b"Thu, 07 Mar 2019")
    assert parse_feed(body, url=URL).entries[0].item_id == parse_feed(later, url=URL).entries[0].item_id


def test_truncated_feed_keeps_what_it_can(fixture_bytes: Read) -> None:
    """An ill-formed but readable feed still yields its complete entries."""
    feed = parse_feed(fixture_bytes("truncated.xml"), url=URL)
    assert feed.entries[0].title == "First & only"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b" \r\n\t ", "empty", id="whitespace"),
        pytest.param(b"\xef\xbb\xbf", "empty", id="bom-only"),
        pytest.param(b"just some text", "not_a_feed", id="plain-text"),
        pytest.param(b"<foo><bar/></foo>", "not_a_feed", id="foreign-xml"),
        pytest.param(b'{"hello": "world"}', "not_a_feed", id="plain-json"),
        pytest.param(b'{"version": "https://jsonfeed.org/version/1", ', "malformed", id="bad-json"),
    ],
)
def test_error_kinds(body: bytes, kind: str) -> None:
    """Unusable bodies raise FeedParseError with a specific kind and a one-sentence message."""
    with pytest.raises(FeedParseError) as info:
        parse_feed(body, url=URL)
    assert info.value.kind == kind
    assert str(info.value).endswith(".")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("html_page.html", "not_a_feed", id="html"),
        pytest.param("malformed.xml", "malformed", id="malformed"),
        pytest.param("billion_laughs.xml", "entity_expansion", id="billion-laughs"),
        pytest.param("quadratic.xml", "entity_expansion", id="quadratic-blowup"),
        pytest.param("xxe.xml", "external_entity", id="xxe"),
    ],
)
def test_refused_fixtures(fixture_bytes: Read, name: str, kind: str) -> None:
    """HTML pages, unreadable XML and entity attacks are refused quickly with a clear kind."""
    started = time.perf_counter()
    with pytest.raises(FeedParseError) as info:
        parse_feed(fixture_bytes(name), url=URL)
    assert info.value.kind == kind
    assert time.perf_counter() - started < 0.5


def test_small_internal_entity_is_expanded() -> None:
    """A harmless internal entity, as some real feeds declare, is substituted."""
    body = (
        b'<!DOCTYPE rss [<!ENTITY id "tag:example.com,">]><rss version="2.0"><channel>'
        b"<item><guid>&id;2006:/blog/</guid><title>t</title></item></channel></rss>"
    )
    assert parse_feed(body, url=URL).entries[0].item_id == "tag:example.com,2006:/blog/"


def test_json_feed_numeric_id_and_html(fixture_bytes: Read) -> None:
    """JSON Feed: HTML content becomes plain text and numeric ids are kept as strings."""
    first, second = parse_feed(fixture_bytes("jsonfeed11.json"), url=URL).entries
    assert first.text == "JSON item\n\nHello & welcome"
    assert (first.lang, second.item_id, second.text) == ("en", "2", "Numeric id, text only")


def test_rdf_syndication_period(fixture_bytes: Read) -> None:
    """sy:updatePeriod hourly with frequency 2 gives a 30-minute TTL."""
    assert parse_feed(fixture_bytes("rdf10.xml"), url=URL).ttl_s == 1800.0
