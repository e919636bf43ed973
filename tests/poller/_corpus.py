"""Reads feedparser's test corpus: each file's intended HTTP headers and expected entry title."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(os.environ.get("FRONTWATCH_SHARED", "/work/shared")) / "data/peer-feeds/feedparser"

_HEADER = re.compile(rb"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
_TITLE = re.compile(
    r"""entries\[0\]\['title'\]\s*==\s*(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))\s*(?:$|and\b|or\b|\))"""
)
_EXPECT = re.compile(rb"^\s*Expect:\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CorpusCase:
    """One corpus file: its bytes, its Content-Type header (if any) and feedparser's title."""

    path: Path
    body: bytes
    content_type: str | None
    expected_title: str | None


def load_case(path: Path) -> CorpusCase:
    """Read a corpus file and the serving hints from its leading comment."""
    body = path.read_bytes()
    head = body[:4096]
    content_type = None
    for name, value in _HEADER.findall(head):
        if name.lower() == b"content-type":
            content_type = value.decode("latin-1")
    expected = None
    for line in _EXPECT.findall(head):
        match = _TITLE.search(line.decode("utf-8", "replace"))
        if match:
            try:
                expected = ast.literal_eval(match.group(1))
            except (ValueError, SyntaxError):
                expected = None
    return CorpusCase(path, body, content_type, expected)


def corpus_files() -> list[Path]:
    """Return every XML and JSON file of the corpus, sorted; [] when /work/shared is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".xml", ".json"))
