"""DOCTYPE screening: refuse entity bombs and external entities before any XML parser runs.

Parsers never see a DOCTYPE: small internal entities (``<!ENTITY id "tag:x,">``, as real feeds
use) are substituted here textually and the DOCTYPE is removed, so no parser ever expands or
fetches an entity. Anything that could nest, grow or reach outside is refused.
"""

from __future__ import annotations

import re

from services.poller._errors import FeedParseError

__all__ = ["prolog_end", "screen_doctype"]

_MAX_ENTITY_VALUE = 1024
_MAX_EXPANSION = 1_000_000  # characters added by substitution, summed over all references
_PROLOG_ITEM = re.compile(r"""\s*(?:<\?.*?\?>|<!--.*?-->)""", re.DOTALL)
_DOCTYPE = re.compile(r"""<!DOCTYPE[^\[>]*(?:\[((?:[^\]"']|"[^"]*"|'[^']*')*)\])?\s*>""", re.IGNORECASE)
_ENTITY = re.compile(
    r"""<!ENTITY\s+(%\s+)?([^\s"'%&;<>]+)\s+(?:"([^"]*)"|'([^']*)'|((?:SYSTEM|PUBLIC)\b[^>]*))\s*>"""
)
_REFERENCE = re.compile(r"[&%](?!#)")


def prolog_end(text: str) -> int:
    """Return the offset where the DOCTYPE may start: after the XML declaration and comments."""
    pos = 0
    while match := _PROLOG_ITEM.match(text, pos):
        if match.end() == pos:
            break
        pos = match.end()
    return len(text) - len(text[pos:].lstrip())


def _entities(subset: str) -> dict[str, str]:
    """Return the internal general entities of a DOCTYPE subset; raise for unsafe declarations."""
    found: dict[str, str] = {}
    for match in _ENTITY.finditer(subset):
        is_parameter, name, dq, sq, external = match.groups()
        value = dq if dq is not None else sq
        if is_parameter:
            if external:
                continue  # a DTD module such as XHTML lat1: ignored, never fetched
            raise FeedParseError(
                "entity_expansion", "The feed declares parameter entities; refusing to expand."
            )
        if external:
            raise FeedParseError(
                "external_entity", f"The feed declares the external entity {name!r}; refused."
            )
        assert value is not None
        if _REFERENCE.search(value) or len(value) > _MAX_ENTITY_VALUE:
            raise FeedParseError(
                "entity_expansion",
                f"The feed declares the nested or oversized entity {name!r}; refused.",
            )
        found[name] = value
    leftover = _ENTITY.sub("", subset)
    if "<!ENTITY" in leftover:
        raise FeedParseError(
            "entity_expansion", "The feed declares entities in a form we cannot vet; refused."
        )
    return found


def screen_doctype(text: str) -> str:
    """Return ``text`` without its DOCTYPE, internal entities substituted.

    Raises FeedParseError ``entity_expansion`` for nested, parameter, oversized or over-used
    entities (billion laughs, quadratic blow-up) and ``external_entity`` for SYSTEM/PUBLIC
    general entities. Documents without a DOCTYPE come back unchanged.
    """
    start = prolog_end(text)
    if text[start : start + 9].upper() != "<!DOCTYPE":
        return text
    doctype = _DOCTYPE.match(text, start)
    if doctype is None:
        if "<!ENTITY" in text[start : start + 65536]:
            raise FeedParseError(
                "entity_expansion", "The feed's DOCTYPE is unterminated and declares entities."
            )
        return text
    body = text[doctype.end() :]
    entities = _entities(doctype.group(1) or "")
    if entities:
        refs = {name: body.count(f"&{name};") for name in entities}
        if sum(refs[n] * len(v) for n, v in entities.items()) > _MAX_EXPANSION:
            raise FeedParseError("entity_expansion", "The feed's entities would expand past 1 MB; refused.")
        for name, value in entities.items():
            if refs[name]:
                body = body.replace(f"&{name};", value)
    return text[:start] + body
