"""SSRF guard: schemes, literal addresses, resolver-level refusal, redirects to internal hosts."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from services.poller.fetch import FetchError, FetchLimits, fetch_feed, make_session
from services.poller.safety import AddressPolicy, BlockedAddressError, GuardedResolver, check_url

FAST = FetchLimits(connect_timeout_s=1, total_timeout_s=2)


async def _rss(request: web.Request) -> web.Response:
    return web.Response(text="<rss/>")


Serve = Callable[..., Awaitable[str]]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("file:///etc/passwd", "bad_scheme", id="file"),
        pytest.param("ftp://example.com/feed", "bad_scheme", id="ftp"),
        pytest.param("http:///nohost", "bad_scheme", id="no-host"),
        pytest.param("http://127.0.0.1/", "private_address", id="loopback"),
        pytest.param("http://10.1.2.3/", "private_address", id="private"),
        pytest.param("http://169.254.169.254/latest/", "private_address", id="metadata"),
        pytest.param("http://[::1]/", "private_address", id="ipv6-loopback"),
        pytest.param("http://[::ffff:127.0.0.1]/", "private_address", id="mapped"),
        pytest.param("http://100.64.0.1/", "private_address", id="cgnat"),
        pytest.param("http://0.0.0.0/", "private_address", id="unspecified"),
    ],
)
def test_check_url_refuses(url: str, kind: str) -> None:
    """Non-http schemes and non-public IP literals are refused with their kind."""
    with pytest.raises(FetchError) as info:
        check_url(url, allow_private=False)
    assert info.value.kind == kind


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://93.184.215.14/", id="public-ip"),
        pytest.param("http://feeds.example.com/rss", id="name"),
    ],
)
def test_check_url_allows(url: str) -> None:
    """Public literals pass, and names are left to the resolver."""
    check_url(url, allow_private=False)


def test_allow_private_opens_everything() -> None:
    """FRONTWATCH_ALLOW_PRIVATE_URLS (allow_private) permits internal literals."""
    check_url("http://10.0.0.1/", allow_private=True)


class _Fixed(AbstractResolver):
    """A resolver answering a fixed address, like a rebinding DNS server on its second answer."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=self.address, port=port, family=family, proto=0, flags=0)]

    async def close(self) -> None:
        return None


async def test_resolver_refuses_names_pointing_inside() -> None:
    """A name resolving to a private address is refused at connect time (DNS rebinding)."""
    guarded = GuardedResolver(AddressPolicy(), _Fixed("192.168.1.10"))
    with pytest.raises(BlockedAddressError):
        await guarded.resolve("rebind.example", 80)


async def test_resolver_passes_public_addresses() -> None:
    """A name resolving to a public address is passed through."""
    guarded = GuardedResolver(AddressPolicy(), _Fixed("93.184.215.14"))
    assert (await guarded.resolve("example.com", 80))[0]["host"] == "93.184.215.14"


async def test_localhost_name_refused_by_default(serve: Serve) -> None:
    """Fetching a loopback server by name fails as private_address when not allowed."""
    base = await serve({"/": _rss})
    port = base.rsplit(":", 1)[1]
    async with make_session(allow_private=False) as session:
        with pytest.raises(FetchError) as info:
            await fetch_feed(session, f"http://localhost:{port}/", limits=FAST)
    assert info.value.kind == "private_address"


async def test_redirect_to_internal_address_refused(serve: Serve) -> None:
    """A permitted server redirecting to another internal address is stopped at that hop."""
    inner = await serve({"/": _rss}, host="127.0.0.2")

    async def bounce(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": inner + "/"})

    outer = await serve({"/": bounce})
    nets = ("127.0.0.1/32",)
    async with make_session(allow_private=False, allowed_networks=nets) as session:
        with pytest.raises(FetchError) as info:
            await fetch_feed(session, outer + "/", limits=FAST, allowed_networks=nets)
    assert info.value.kind == "private_address"
