"""fetch_feed against real aiohttp servers on 127.0.0.1: statuses, redirects, limits, SSRF."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from services.poller.fetch import FetchError, FetchLimits, FetchResult, fetch_feed, make_session
from services.poller.parse import FeedParseError, parse_feed

FEED = (
    b'<rss version="2.0"><channel><title>T</title><item><guid>1</guid><title>A</title></item></channel></rss>'
)
FAST = FetchLimits(connect_timeout_s=1, total_timeout_s=0.5, max_bytes=4096, max_redirects=5)
Serve = Callable[..., Awaitable[str]]


async def _feed(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == '"v1"':
        return web.Response(status=304, headers={"ETag": '"v1"'})
    return web.Response(
        body=FEED,
        content_type="application/rss+xml",
        headers={
            "ETag": '"v1"',
            "Last-Modified": "Wed, 06 Mar 2019 10:00:00 GMT",
            "Cache-Control": "public, max-age=600",
        },
    )


def _redirect(status: int, to: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": to})

    return handler


def _status(status: int, **headers: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers=headers, text="no")

    return handler


async def _gzipped(request: web.Request) -> web.Response:
    return web.Response(
        body=gzip.compress(FEED), headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"}
    )


async def _big_declared(request: web.Request) -> web.Response:
    return web.Response(body=b"<rss>" + b" " * 10_000 + b"</rss>", content_type="text/xml")


async def _big_streamed(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/xml"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for _ in range(10):
        await resp.write(b" " * 1000)
    await resp.write_eof()
    return resp


async def _gzip_bomb(request: web.Request) -> web.Response:
    return web.Response(body=gzip.compress(b" " * 1_000_000), headers={"Content-Encoding": "gzip"})


async def _stall(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/xml", "Content-Length": "1000"})
    await resp.prepare(request)
    await resp.write(b"<rss>")
    await asyncio.sleep(3)  # cancelled at cleanup; the client gives up after 0.5 s
    return resp


async def _arabic(request: web.Request) -> web.Response:
    body = '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>أخبار</title></channel></rss>'
    return web.Response(body=body.encode("cp1256"), headers={"Content-Type": "text/xml; charset=iso-8859-1"})


async def _empty(request: web.Request) -> web.Response:
    return web.Response(body=b"", content_type="application/rss+xml")


async def _html(request: web.Request) -> web.Response:
    return web.Response(text="<!DOCTYPE html><html><body>Log in</body></html>", content_type="text/html")


ROUTES: dict[str, Any] = {
    "/feed": _feed,
    "/gzip": _gzipped,
    "/big": _big_declared,
    "/big-stream": _big_streamed,
    "/bomb": _gzip_bomb,
    "/stall": _stall,
    "/arabic": _arabic,
    "/empty": _empty,
    "/html": _html,
    "/p301": _redirect(301, "/p308"),
    "/p308": _redirect(308, "/feed"),
    "/t302": _redirect(302, "/p301"),
    "/loop-a": _redirect(302, "/loop-b"),
    "/loop-b": _redirect(301, "/loop-a"),
    "/file": _redirect(302, "file:///etc/passwd"),
    "/nolocation": _status(301),
    "/gone": _status(410),
    "/429": _status(429, **{"Retry-After": "120"}),
    "/503": _status(503, **{"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
    "/500": _status(500),
    **{f"/hop{i}": _redirect(302, f"/hop{i + 1}") for i in range(10)},
}


@pytest.fixture
async def base(serve: Serve) -> str:
    """A feed server on 127.0.0.1 with every route of ROUTES."""
    return await serve(ROUTES)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A shared session that may reach loopback (as tests must)."""
    async with make_session(allow_private=True) as s:
        yield s


async def _get(session: aiohttp.ClientSession, url: str, **kw: Any) -> FetchResult:
    return await fetch_feed(session, url, limits=kw.pop("limits", FAST), allow_private=True, **kw)


async def test_ok_then_not_modified(session: aiohttp.ClientSession, base: str) -> None:
    """A 200 carries validators and max-age; replaying the ETag yields a 304 with no body."""
    first = await _get(session, base + "/feed")
    assert (first.status, first.body, first.etag, first.max_age_s) == (200, FEED, '"v1"', 600.0)
    assert first.last_modified == "Wed, 06 Mar 2019 10:00:00 GMT"
    again = await _get(session, base + "/feed", etag=first.etag)
    assert (again.status, again.body) == (304, b"")


async def test_gzip_is_decompressed(session: aiohttp.ClientSession, base: str) -> None:
    """A gzip-encoded body arrives decompressed."""
    assert (await _get(session, base + "/gzip")).body == FEED


@pytest.mark.parametrize(
    ("path", "permanent"),
    [
        pytest.param("/p301", True, id="301-then-308"),
        pytest.param("/p308", True, id="308"),
        pytest.param("/t302", False, id="302-then-permanent"),
    ],
)
async def test_redirects(session: aiohttp.ClientSession, base: str, path: str, permanent: bool) -> None:
    """Redirects are followed; the URL is reported permanent only if every hop was 301/308."""
    result = await _get(session, base + path)
    assert result.url == base + "/feed"
    assert result.permanent_url == (base + "/feed" if permanent else None)


@pytest.mark.parametrize(
    ("path", "kind", "status", "retry_after"),
    [
        pytest.param("/loop-a", "redirect_loop", None, None, id="loop"),
        pytest.param("/hop0", "too_many_redirects", None, None, id="too-many"),
        pytest.param("/file", "bad_scheme", None, None, id="redirect-to-file"),
        pytest.param("/nolocation", "http_error", 301, None, id="no-location"),
        pytest.param("/gone", "gone", 410, None, id="410"),
        pytest.param("/429", "rate_limited", 429, 120.0, id="429-retry-after"),
        pytest.param("/500", "http_error", 500, None, id="500"),
        pytest.param("/big", "too_large", None, None, id="too-large-declared"),
        pytest.param("/big-stream", "too_large", None, None, id="too-large-chunked"),
        pytest.param("/bomb", "too_large", None, None, id="gzip-bomb"),
        pytest.param("/stall", "timeout", None, None, id="stall-mid-body"),
    ],
)
async def test_fetch_errors(
    session: aiohttp.ClientSession,
    base: str,
    path: str,
    kind: str,
    status: int | None,
    retry_after: float | None,
) -> None:
    """Each failure mode raises FetchError with its kind, status and Retry-After."""
    with pytest.raises(FetchError) as info:
        await _get(session, base + path)
    assert (info.value.kind, info.value.status, info.value.retry_after_s) == (kind, status, retry_after)


async def test_503_retry_after_http_date(session: aiohttp.ClientSession, base: str) -> None:
    """A Retry-After HTTP-date becomes a positive number of seconds."""
    with pytest.raises(FetchError) as info:
        await _get(session, base + "/503")
    assert info.value.kind == "unavailable"
    assert info.value.retry_after_s is not None and info.value.retry_after_s > 86400


async def test_arabic_with_lying_header_end_to_end(session: aiohttp.ClientSession, base: str) -> None:
    """A windows-1256 feed served as iso-8859-1 is fetched and parsed as Arabic."""
    result = await _get(session, base + "/arabic")
    feed = parse_feed(result.body, url=result.url, content_type=result.content_type)
    assert feed.title == "أخبار"


@pytest.mark.parametrize(
    ("path", "kind"),
    [pytest.param("/empty", "empty", id="empty-200"), pytest.param("/html", "not_a_feed", id="html")],
)
async def test_unusable_bodies(session: aiohttp.ClientSession, base: str, path: str, kind: str) -> None:
    """An empty 200 or an HTML page is fetched fine and then refused by the parser."""
    result = await _get(session, base + path)
    with pytest.raises(FeedParseError) as info:
        parse_feed(result.body, url=result.url, content_type=result.content_type)
    assert info.value.kind == kind


async def test_connection_refused(session: aiohttp.ClientSession, serve: Serve) -> None:
    """A closed port gives a connect error."""
    async with make_session(allow_private=True) as s:
        with pytest.raises(FetchError) as info:
            await fetch_feed(s, "http://127.0.0.1:9/", limits=FAST, allow_private=True)
    assert info.value.kind == "connect"
