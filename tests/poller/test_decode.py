"""Charset decisions: override, BOM, header, XML declaration, judgement and detection."""

from __future__ import annotations

import codecs

import pytest

from services.poller.decode import charset_from_content_type, decode_feed

ARABIC = "سقوط الباغوز فوقاني بيد قوات سوريا الديمقراطية"
DOC = '<?xml version="1.0" encoding="{enc}"?><rss><channel><title>{title}</title></channel></rss>'


def _doc(title: str, declared: str, actual: str) -> bytes:
    return DOC.format(enc=declared, title=title).encode(actual)


@pytest.mark.parametrize(
    ("body", "content_type", "expected_encoding"),
    [
        pytest.param(_doc(ARABIC, "windows-1256", "cp1256"), None, "windows-1256", id="decl-only"),
        pytest.param(
            _doc(ARABIC, "windows-1256", "cp1256"),
            "text/xml; charset=iso-8859-1",
            "windows-1256",
            id="header-latin1-contradicts-decl",
        ),
        pytest.param(
            _doc(ARABIC, "windows-1256", "cp1256"),
            "text/xml; charset=utf-8",
            "windows-1256",
            id="header-utf8-lies",
        ),
        pytest.param(
            _doc(ARABIC, "utf-8", "cp1256").split(b"?>", 1)[1],
            "text/xml; charset=iso-8859-1",
            "windows-1256",
            id="no-decl-header-latin1",
        ),
        pytest.param(
            _doc(ARABIC, "utf-8", "cp1256").split(b"?>", 1)[1],
            None,
            "windows-1256",
            id="nothing-declared-detected",
        ),
        pytest.param(
            _doc(ARABIC, "utf-8", "utf-8"),
            "text/xml; charset=windows-1256",
            "utf-8",
            id="header-1256-but-utf8",
        ),
        pytest.param(_doc(ARABIC, "iso-8859-6", "utf-8"), None, "utf-8", id="decl-wrong-utf8"),
        pytest.param(
            codecs.BOM_UTF8 + _doc(ARABIC, "windows-1256", "utf-8"),
            "text/xml; charset=windows-1256",
            "utf-8",
            id="bom-wins",
        ),
        pytest.param(_doc(ARABIC, "utf-16", "utf-16-le"), None, "utf-16-le", id="utf16-no-bom"),
    ],
)
def test_arabic_comes_out_as_arabic(body: bytes, content_type: str | None, expected_encoding: str) -> None:
    """Arabic text decodes correctly whatever the header, declaration or BOM claim."""
    text, encoding = decode_feed(body, content_type, None)
    assert ARABIC in text
    assert encoding == expected_encoding


@pytest.mark.parametrize(
    ("declared", "content_type"),
    [
        pytest.param("iso-8859-1", None, id="decl"),
        pytest.param("iso-8859-1", "text/xml; charset=windows-1256", id="header-says-arabic"),
        pytest.param("utf-8", "text/xml; charset=windows-1252", id="decl-says-utf8"),
    ],
)
def test_latin_text_stays_latin(declared: str, content_type: str | None) -> None:
    """Western text in windows-1252 is not mistaken for Arabic."""
    title = "Café déjà vu – “naïve” résumé"
    text, _ = decode_feed(_doc(title, declared, "cp1252"), content_type, None)
    assert title in text


def test_override_wins() -> None:
    """A per-feed override is used even against a BOM-less body that claims otherwise."""
    text, encoding = decode_feed(_doc(ARABIC, "utf-8", "cp1256"), "text/xml; charset=utf-8", "cp1256")
    assert ARABIC in text
    assert encoding == "windows-1256"


def test_undecodable_bytes_never_raise() -> None:
    """Garbage bytes still yield text (with replacement characters if need be)."""
    text, _ = decode_feed(b"<rss>\xff\xfe\x00\x81\x8d</rss>", "text/xml; charset=utf-8", None)
    assert text.startswith("<rss>")


@pytest.mark.parametrize(
    ("header", "codec"),
    [
        pytest.param("text/xml; charset=UTF-8", "utf-8", id="plain"),
        pytest.param('text/xml;charset= "us-ascii"', "cp1252", id="quoted-ascii-widened"),
        pytest.param("text/xml;charset = windows-1256", "cp1256", id="spaces"),
        pytest.param("text/xml; charset:iso-8859-1", None, id="colon-invalid"),
        pytest.param("text/xml; charset=klingon", None, id="unknown"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_charset_from_content_type(header: str | None, codec: str | None) -> None:
    """Content-Type charset parameters are read leniently and unknown labels ignored."""
    assert charset_from_content_type(header) == codec
