"""The bundled sample feeds and the local replay server that `frontwatch run` starts."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any

import aiohttp
import feedparser
import pytest

from services.sample.replay import (
    FEED_SPECS,
    ReplayServer,
    SampleFeed,
    TimelineItem,
    load_template,
    load_timeline,
)

ITEM_KEYS = {"feed", "at_s", "guid", "title", "summary", "link", "lang"}
WALL_T0 = 1_700_000_000.0  # a fixed wall clock makes the item dates predictable


class FakeClock:
    """A monotonic clock that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[ReplayServer]:
    replay = ReplayServer(clock=clock, wall_clock=lambda: WALL_T0)
    await replay.start()
    try:
        yield replay
    finally:
        await replay.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


def feed_url(server: ReplayServer, name: str) -> str:
    return next(feed.url for feed in server.feeds() if feed.name == name)


def expected_titles(name: str, story_s: float) -> list[str]:
    """Titles the feed `name` should show at story time `story_s`, newest first."""
    return [i.title for i in load_timeline() if i.feed == name and i.at_s <= story_s][::-1]


async def fetch(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes]:
    async with http.get(url, headers=headers or {}) as response:
        return response.status, response.headers, await response.read()


def parse(body: bytes, content_type: str) -> Any:
    return feedparser.parse(body, response_headers={"content-type": content_type})


# --------------------------------------------------------------------------- timeline.json


def test_timeline_json_is_well_formed() -> None:
    """timeline.json is a list of complete items for existing feeds, with unique guids, sorted at_s
    within 35 s, the feed's language, and a baseline item at t=0 in every feed."""
    text = resources.files("services.sample").joinpath("timeline.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    assert isinstance(raw, list) and raw
    specs = {spec.name: spec for spec in FEED_SPECS}
    for item in raw:
        assert set(item) == ITEM_KEYS
        assert item["feed"] in specs
        assert item["lang"] == specs[item["feed"]].lang
        assert isinstance(item["at_s"], int) and 0 <= item["at_s"] <= 35
        assert all(isinstance(item[k], str) and item[k].strip() for k in ITEM_KEYS - {"at_s"})
        assert item["link"].startswith("https://")
    guids = [item["guid"] for item in raw]
    assert len(guids) == len(set(guids))
    times = [item["at_s"] for item in raw]
    assert times == sorted(times)
    for name in specs:
        at_zero = [i for i in raw if i["feed"] == name and i["at_s"] == 0]
        later = [i for i in raw if i["feed"] == name and i["at_s"] > 0]
        assert len(at_zero) in (1, 2) and later
    assert [(i.guid, i.at_s) for i in load_timeline()] == [(i["guid"], i["at_s"]) for i in raw]


def test_timeline_tells_the_baghuz_story_in_both_languages() -> None:
    """The timeline carries the town taken, the surrender and the 388 -> 400 toll in English and in
    Arabic, in that order."""
    items = load_timeline()

    def first_at(lang: str, *needles: str) -> int:
        return next(
            i.at_s for i in items if i.lang == lang and all(n in f"{i.title} {i.summary}" for n in needles)
        )

    for lang, clashes, half, surrender in (
        ("en", "fighting", "half of Baghuz", "surrender"),
        ("ar", "اشتباكات", "نصف بلدة", "سلّم"),
    ):
        fighting = first_at(lang, clashes)
        taken = first_at(lang, half)
        surrendered = first_at(lang, "150", surrender)
        toll = first_at(lang, "388", "141")
        toll_rises = first_at(lang, "400")
        assert 0 < fighting < taken < surrendered < toll < toll_rises <= 30


def test_arabic_items_encode_exactly_in_windows_1256() -> None:
    """Every character of the Arabic feed (template and items) exists in windows-1256, so nothing is
    served as a character reference."""
    spec = next(s for s in FEED_SPECS if s.name == "observatory-ar")
    load_template(spec).encode("windows-1256")
    for item in load_timeline():
        if item.feed == spec.name:
            f"{item.title}{item.summary}{item.link}{item.guid}".encode("windows-1256")


# --------------------------------------------------------------------------- the server


async def test_feeds_lists_the_three_bundled_feeds_on_the_bound_port(server: ReplayServer) -> None:
    """feeds() names wire-en, monitor-en and observatory-ar at /feeds/<file> on the free port bound."""
    assert server.port > 0
    assert server.feeds() == [
        SampleFeed("wire-en", f"http://127.0.0.1:{server.port}/feeds/wire-en.rss"),
        SampleFeed("monitor-en", f"http://127.0.0.1:{server.port}/feeds/monitor-en.atom"),
        SampleFeed("observatory-ar", f"http://127.0.0.1:{server.port}/feeds/observatory-ar.rss"),
    ]


async def test_items_appear_over_time_newest_first(
    server: ReplayServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """Each feed shows exactly the items whose at_s has passed, newest first, as the clock advances."""
    for story_s in (0, 5, 10, 12, 15, 20, 24, 28, 33, 60):
        clock.now = 1000.0 + story_s
        for spec in FEED_SPECS:
            status, headers, body = await fetch(http, feed_url(server, spec.name))
            assert status == 200
            titles = [e.title for e in parse(body, headers["Content-Type"]).entries]
            assert titles == expected_titles(spec.name, story_s), (spec.name, story_s)
    clock.now = 1000.0 + 4.9
    _, headers, body = await fetch(http, feed_url(server, "wire-en"))
    assert len(parse(body, headers["Content-Type"]).entries) == len(expected_titles("wire-en", 0))


async def test_speed_factor_compresses_the_story(http: aiohttp.ClientSession) -> None:
    """With speed=10, the items due at story second 20 are visible 2 wall seconds after start."""
    clock = FakeClock()
    async with ReplayServer(speed=10, clock=clock) as server:
        clock.advance(2.0)
        _, headers, body = await fetch(http, feed_url(server, "observatory-ar"))
        titles = [e.title for e in parse(body, headers["Content-Type"]).entries]
        assert titles == expected_titles("observatory-ar", 20)
        assert "388" in titles[0] and not any("400" in t for t in titles)


async def test_real_clock_reveals_items_without_injection(http: aiohttp.ClientSession) -> None:
    """With the default monotonic clock and speed=100, the whole story is out within about a second."""
    async with ReplayServer(speed=100) as server:
        _, headers, body = await fetch(http, feed_url(server, "monitor-en"))
        first = len(parse(body, headers["Content-Type"]).entries)
        await asyncio.sleep(0.4)
        _, headers, body = await fetch(http, feed_url(server, "monitor-en"))
        assert len(parse(body, headers["Content-Type"]).entries) == len(expected_titles("monitor-en", 1e9))
        assert first < len(expected_titles("monitor-en", 1e9))


async def test_unchanged_etag_gets_304_and_a_new_item_changes_it(
    server: ReplayServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """If-None-Match with the current ETag gets an empty 304; once an item appears it gets a 200 with
    a new ETag."""
    url = feed_url(server, "wire-en")
    status, headers, _ = await fetch(http, url)
    etag = headers["ETag"]
    assert status == 200 and etag.startswith('"')
    status, headers304, body = await fetch(http, url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers304["ETag"] == etag
    status, _, _ = await fetch(http, url, {"If-None-Match": f'"other", W/{etag}'})
    assert status == 304
    clock.advance(5)
    status, headers, body = await fetch(http, url, {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert parse(body, headers["Content-Type"]).entries[0].title == expected_titles("wire-en", 5)[0]


async def test_if_modified_since_gets_304_until_an_item_appears(
    server: ReplayServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """If-Modified-Since equal to Last-Modified gets 304 until a newer item appears, which moves
    Last-Modified forward."""
    url = feed_url(server, "monitor-en")
    _, headers, _ = await fetch(http, url)
    last_modified = headers["Last-Modified"]
    status, _, body = await fetch(http, url, {"If-Modified-Since": last_modified})
    assert (status, body) == (304, b"")
    clock.advance(11)
    status, headers, _ = await fetch(http, url, {"If-Modified-Since": last_modified})
    assert status == 200
    assert parsedate_to_datetime(headers["Last-Modified"]) > parsedate_to_datetime(last_modified)


async def test_item_dates_follow_the_timeline_and_are_never_in_the_future(
    clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """Items are dated anchor + at_s whole seconds, so at speed 10 the last one is dated no later than
    when it appears and Last-Modified is its date."""
    async with ReplayServer(speed=10, clock=clock, wall_clock=lambda: WALL_T0) as server:
        clock.advance(3.31)  # story second 33.1: everything is out
        _, headers, body = await fetch(http, feed_url(server, "observatory-ar"))
    parsed = parse(body, headers["Content-Type"])
    stamps = [parsedate_to_datetime(e.published).timestamp() for e in parsed.entries]
    items = [i for i in load_timeline() if i.feed == "observatory-ar"][::-1]
    assert [s - stamps[-1] for s in stamps] == [i.at_s - items[-1].at_s for i in items]
    assert stamps[0] <= WALL_T0 + 3.31
    assert parsedate_to_datetime(headers["Last-Modified"]).timestamp() == stamps[0]


async def test_arabic_feed_is_served_in_windows_1256(
    server: ReplayServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """The Arabic feed's bytes are windows-1256 (declared in the header and the XML declaration) and
    decode to the Arabic text of the timeline."""
    clock.advance(60)
    status, headers, body = await fetch(http, feed_url(server, "observatory-ar"))
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml; charset=windows-1256"
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1256"?>')
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("windows-1256")
    assert "&#" not in text
    arabic = [i for i in load_timeline() if i.feed == "observatory-ar"]
    for item in arabic:
        assert item.title in text and item.summary in text
        assert item.title.encode("windows-1256") in body
    assert "قسد تسيطر على نصف بلدة الباغوز فوقاني" in text


async def test_every_served_document_parses_with_feedparser(
    server: ReplayServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    """Every feed parses cleanly with feedparser as the right format and carries the timeline's titles,
    summaries, links and guids."""
    clock.advance(60)
    versions = {"wire-en": "rss20", "monitor-en": "atom10", "observatory-ar": "rss20"}
    for spec in FEED_SPECS:
        status, headers, body = await fetch(http, feed_url(server, spec.name))
        assert status == 200
        parsed = parse(body, headers["Content-Type"])
        assert not parsed.bozo, (spec.name, parsed.get("bozo_exception"))
        assert parsed.version == versions[spec.name]
        assert parsed.encoding.lower() in {spec.encoding, "cp1256"}
        assert parsed.feed.title and parsed.feed.language == spec.lang
        items: list[TimelineItem] = [i for i in load_timeline() if i.feed == spec.name][::-1]
        assert [e.title for e in parsed.entries] == [i.title for i in items]
        assert [e.summary for e in parsed.entries] == [i.summary for i in items]
        assert [e.link for e in parsed.entries] == [i.link for i in items]
        assert [e.id for e in parsed.entries] == [i.guid for i in items]
        assert all(e.published_parsed for e in parsed.entries)
        assert "ttl" not in parsed.feed


async def test_unknown_feed_is_404(server: ReplayServer, http: aiohttp.ClientSession) -> None:
    """A path that is not a bundled feed answers 404."""
    status, _, _ = await fetch(http, f"http://127.0.0.1:{server.port}/feeds/nope.rss")
    assert status == 404


async def test_stop_closes_the_port(http: aiohttp.ClientSession) -> None:
    """After stop() the server no longer accepts connections, and stop() can be called twice."""
    server = ReplayServer()
    await server.start()
    url = feed_url(server, "wire-en")
    assert (await fetch(http, url))[0] == 200
    await server.stop()
    await server.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await fetch(http, url)


async def test_standalone_module_prints_the_feed_urls_and_serves_them(
    http: aiohttp.ClientSession,
) -> None:
    """`python -m services.sample.replay --port 0` prints the feed URLs, serves them and exits on
    SIGTERM."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.sample.replay",
        "--port",
        "0",
        "--quiet",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        lines = [(await asyncio.wait_for(proc.stdout.readline(), timeout=20)).decode() for _ in range(4)]
        urls = [line.split()[-1] for line in lines[1:]]
        assert [u.rsplit("/", 1)[-1] for u in urls] == [s.file for s in FEED_SPECS]
        status, headers, body = await fetch(http, urls[0])
        assert status == 200 and parse(body, headers["Content-Type"]).entries
    finally:
        if proc.returncode is None:
            proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 0, stderr.decode()
