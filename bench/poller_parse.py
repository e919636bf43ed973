"""feedparser vs fastfeedparser: speed, title correctness on feedparser's corpus, charset handling.

Run: .venv/bin/python bench/poller_parse.py  (needs /work/shared for the corpus part)
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import fastfeedparser
import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from services.poller._backends import parse_with_fastfeedparser, parse_with_feedparser
from services.poller.normalize import html_to_text
from services.poller.parse import _as_utf8
from tests.poller._corpus import corpus_files, load_case

SEED = Path("/work/shared/seeds/baghouz-2019-ar.txt")
FIXTURES = Path(__file__).resolve().parents[1] / "tests/poller/fixtures"


def _synthetic(items: int) -> bytes:
    text = SEED.read_text("utf-8") if SEED.exists() else "lorem ipsum " * 300
    body = "".join(
        f"<item><title>خبر {i}</title><link>https://n.example/{i}</link><guid>g{i}</guid>"
        f"<pubDate>Wed, 06 Mar 2019 10:{i % 60:02d}:00 +0300</pubDate>"
        f"<description><![CDATA[<p>{text[(i * 37) % 500:][:1500]}</p>]]></description></item>"
        for i in range(items)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
    return f"{head}{body}</channel></rss>".encode()
    return f"{head}{body}</channel></rss>".encode()


def _time_ms(fn: Callable[[bytes], object], data: bytes, rounds: int = 30) -> float:
    fn(data)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn(data)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Print the comparison tables."""
    warnings.simplefilter("ignore")
    print("| feed | size KB | feedparser ms | fastfeedparser ms |\n|---|---|---|---|")
    for name, data in [("rss20 ar 10 items", _synthetic(10)), ("rss20 ar 50 items", _synthetic(50)),
                       ("rss20 ar 200 items", _synthetic(200)),
                       ("atom10 fixture", (FIXTURES / "atom10_en.xml").read_bytes())]:
        fp = _time_ms(parse_with_feedparser, data)
        ffp = _time_ms(parse_with_fastfeedparser, data)
        print(f"| {name} | {len(data) / 1024:.0f} | {fp:.2f} | {ffp:.2f} |")

    files = corpus_files()
    if not files:
        print("corpus absent")
        return
    for label, backend in [("feedparser", parse_with_feedparser),
                           ("fastfeedparser", parse_with_fastfeedparser)]:
        checked = wrong = refused = 0
        started = time.perf_counter()
        for path in files:
            case = load_case(path)
            text = case.body.decode("utf-8", "replace")
            try:
                feed = backend(_as_utf8(text))
            except ValueError:
                refused += 1
                continue
            if case.expected_title is None:
                continue
            checked += 1
            got = feed.entries[0].title if feed.entries else ""
            plain = html_to_text(got)
            if plain not in (case.expected_title, html_to_text(case.expected_title)):
                wrong += 1
        elapsed = time.perf_counter() - started
        print(f"{label}: {len(files)} files in {elapsed:.2f} s, refused {refused}, "
              f"titles wrong {wrong}/{checked}")

    # Charset: each library on raw bytes, served with a header contradicting the document.
    body = (FIXTURES / "rss20_ar_windows1256_nodecl.xml").read_bytes()
    header = {"content-type": "text/xml; charset=windows-1256"}
    fp_title = feedparser.parse(io.BytesIO(body), response_headers=header).feed.get("title")
    try:
        ffp_title = fastfeedparser.parse(body).feed.get("title")
    except ValueError as exc:
        ffp_title = f"error: {exc}"
    print(f"windows-1256 body, charset only in the HTTP header: feedparser={fp_title!r} "
          f"fastfeedparser={ffp_title!r} (expected 'أخبار سوريا')")


if __name__ == "__main__":
    main()
