"""Bytes to text for feed bodies: we decide the charset, not the parser.

Order of evidence: a per-feed override, a byte-order mark, then the HTTP ``charset`` and the
XML declaration. When those two disagree and both decode cleanly, charset-normalizer judges
which decoding reads as real text (an Arabic feed served as windows-1256 under a
``charset=iso-8859-1`` header must come out as Arabic). Without any usable claim we detect.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["charset_from_content_type", "declared_xml_encoding", "decode_feed"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it shares the first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""")
# Labels that browsers (WHATWG) read as windows-1252, a strict superset in the printable range.
_LATIN1_LABELS = {"latin-1", "iso8859-1", "ascii", "us-ascii"}
# Common feed encodings tried first when nothing is declared: short Arabic titles otherwise
# tie with exotic Mac code pages in unrestricted detection.
_PREFERRED = ["utf_8", "cp1256", "cp1252", "iso8859_6", "cp1251", "gb18030", "big5", "shift_jis"]
_DETECT_MAX_CHAOS = 0.2


def _codec_name(label: str | None) -> str | None:
    """Return Python's canonical codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _LATIN1_LABELS else name


def _public_name(codec: str) -> str:
    """Return the conventional web label for a Python codec name (cp1256 -> windows-1256)."""
    if codec.startswith("cp125"):
        return "windows-" + codec[2:]
    return codec


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the codec named by a Content-Type ``charset`` parameter, or None if absent/unknown."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return _codec_name(match.group(1)) if match else None


def declared_xml_encoding(body: bytes) -> str | None:
    """Return the codec named by the XML declaration of an ASCII-compatible body, or None."""
    match = _XML_DECL.match(body[:1024])
    if not match:
        return None
    codec = _codec_name(match.group(1).decode("ascii"))
    # The declaration was readable as ASCII, so the document cannot really be UTF-16/32.
    if codec and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def _sniff_utf16(body: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 XML from the ``<?`` pattern (XML 1.0 appendix F)."""
    if body.startswith(b"\x00\x00\x00<"):
        return "utf-32-be"
    if body.startswith(b"<\x00\x00\x00"):
        return "utf-32-le"
    if body.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if body.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    return None


def _strict(body: bytes, codec: str) -> str | None:
    """Decode strictly, returning None on any undecodable byte."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        if codec == "cp1252":
            # cp1252 leaves five bytes undefined; ISO-8859-1 maps them to C1 controls.
            return body.decode("latin-1")
        return None


def _plausible(text: str) -> bool:
    """A feed (or an HTML page mistaken for one) starts with markup or JSON."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return head in ("<", "{", "")


def _judge(body: bytes, codecs_in_order: list[str]) -> str:
    """Pick the decoding charset-normalizer finds least chaotic; ties keep the given order."""
    try:
        results = charset_normalizer.from_bytes(body, cp_isolation=codecs_in_order)
    except (ValueError, LookupError):
        return codecs_in_order[0]
    chaos = {_codec_name(m.encoding): m.chaos for m in results}
    scored = [c for c in codecs_in_order if c in chaos]
    if not scored:
        return codecs_in_order[0]
    return min(scored, key=lambda c: (round(chaos[c], 2), codecs_in_order.index(c)))


def _detect(body: bytes, *, everything: bool = True) -> str | None:
    """Guess a codec, common feed encodings first, then (if ``everything``) any codec."""
    for isolation in (_PREFERRED, None) if everything else (_PREFERRED,):
        try:
            best = charset_normalizer.from_bytes(body, cp_isolation=isolation).best()
        except (ValueError, LookupError):
            best = None
        if best is not None and best.chaos <= _DETECT_MAX_CHAOS:
            return _codec_name(best.encoding)
    return None


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    """Return the charsets the transport and the document claim, strongest first, deduplicated."""
    claimed = [charset_from_content_type(content_type), declared_xml_encoding(body)]
    if body.lstrip()[:1] in (b"{", b"["):
        claimed.append("utf-8")  # JSON Feed is UTF-8 by RFC 8259
    out: list[str] = []
    for codec in claimed:
        if codec and codec not in out:
            out.append(codec)
    return out


def decode_feed(body: bytes, content_type: str | None, override: str | None) -> tuple[str, str]:
    """Decode a feed body to text.

    Returns ``(text, encoding)`` where ``encoding`` is the label actually used (for example
    ``utf-8`` or ``windows-1256``). Never raises for bad bytes: as a last resort undecodable
    bytes become U+FFFD. An unknown ``override`` label is ignored.
    """
    override_codec = _codec_name(override)
    if override_codec:
        return body.decode(override_codec, errors="replace"), _public_name(override_codec)
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    sniffed = _sniff_utf16(body)
    if sniffed:
        return body.decode(sniffed, errors="replace"), sniffed
    if body.isascii():
        return body.decode("ascii"), "utf-8"

    candidates = _candidates(body, content_type)
    decoded = {c: t for c in candidates if (t := _strict(body, c)) is not None}
    viable = [c for c in candidates if c in decoded and _plausible(decoded[c])]
    if "utf-8" not in viable and (utf8 := _strict(body, "utf-8")) is not None:
        # Non-ASCII bytes that form valid UTF-8 by accident are vanishingly rare, so valid
        # UTF-8 competes even against a header that says otherwise.
        decoded["utf-8"] = utf8
        viable.append("utf-8")
    if len(viable) == 1 and not viable[0].startswith("utf"):
        # A lone single-byte claim decodes anything, so it proves nothing: let the best
        # common encoding compete with it (the claim still wins ties).
        rival = _detect(body, everything=False)
        text = _strict(body, rival) if rival and rival not in viable else None
        if rival and text is not None and _plausible(text):
            decoded[rival] = text
            viable.append(rival)
    if len(viable) == 1:
        return decoded[viable[0]], _public_name(viable[0])
    if viable:
        # Claims disagree (or one permissive single-byte claim stands against valid UTF-8).
        best = _judge(body, viable)
        return decoded[best], _public_name(best)
    detected = _detect(body)
    if detected and (text := _strict(body, detected)) is not None and _plausible(text):
        return text, _public_name(detected)
    fallback = candidates[0] if candidates else "utf-8"
    return body.decode(fallback, errors="replace"), _public_name(fallback)
