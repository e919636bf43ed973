"""feedparser's own test corpus: no crash, no hang, clear errors, and the expected entry titles."""

from __future__ import annotations

import time

import pytest

from services.poller.normalize import html_to_text
from services.poller.parse import FeedParseError, parse_feed
from tests.poller._corpus import CORPUS, corpus_files, load_case

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="/work/shared corpus absent")

# Outcomes the corpus is meant to provoke, by file: the kind we report and why it is right.
# Each is ill-formed (feedparser sets bozo) and carries no title and no entry.
EXPECTED_ERRORS = {
    "illformed/rss_empty_document.xml": "not_a_feed",  # only a comment, no element at all
    "illformed/aaa_illformed.xml": "malformed",  # "<rss></rss" and nothing else
    "illformed/undeclared_namespace.xml": "malformed",  # only an undeclared itunes: element
    "entities/query_variable_feed.xml": "malformed",  # only a <link>, unclosed root
    "entities/attr_amp.xml": "malformed",  # only a <link>, unclosed root
}


def test_whole_corpus_parses_without_crash_or_hang() -> None:
    """Every corpus file parses or fails with a FeedParseError, all within a few seconds."""
    files = corpus_files()
    assert len(files) > 2000
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for path in files:
        case = load_case(path)
        try:
            parse_feed(case.body, url="http://example.com/feed", content_type=case.content_type)
        except FeedParseError as exc:
            failures[str(path.relative_to(CORPUS))] = exc.kind
    assert time.perf_counter() - started < 20
    assert failures == EXPECTED_ERRORS


def test_corpus_titles_match_feedparser_expectations() -> None:
    """First entry titles equal feedparser's expected title, as given or as plain text."""
    checked, wrong = 0, []
    for path in corpus_files():
        case = load_case(path)
        if case.expected_title is None:
            continue
        checked += 1
        feed = parse_feed(case.body, url="http://example.com/feed", content_type=case.content_type)
        got = feed.entries[0].title if feed.entries else ""
        # Our titles are plain text: feedparser's expectation may still carry (sanitised) markup;
        # an entry with nothing but stripped markup is dropped, which matches an empty title.
        if got not in (case.expected_title, html_to_text(case.expected_title)):
            wrong.append((path.name, case.expected_title, got))
    assert checked > 60
    assert wrong == []
