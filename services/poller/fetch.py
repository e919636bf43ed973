"""HTTP stage: one conditional GET of a feed, redirects followed by hand, body capped.

Redirects are followed here (not by aiohttp) so that every hop is vetted by ``check_url``,
loops are named, and a chain made only of permanent redirects can update the stored URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver
from yarl import URL

from services.poller._errors import FetchError
from services.poller._http import parse_max_age, parse_retry_after
from services.poller.safety import AddressPolicy, BlockedAddressError, GuardedResolver, check_url

__all__ = ["FetchError", "FetchLimits", "FetchResult", "fetch_feed", "make_session"]

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024
# yarl caches host-name conversions (IDNA, validation) for 256 hosts; a poller talks to thousands,
# and missing that cache cost ~4 % of its CPU. 16k names cost about 2 MB.
_HOST_CACHE = 16384


@dataclass(frozen=True)
class FetchLimits:
    """Per-fetch limits. ``total_timeout_s`` covers every redirect hop and the whole body."""

    connect_timeout_s: float = 10
    total_timeout_s: float = 30
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    """A usable response: 200 with a (decompressed) body, or 304 with an empty one.

    ``permanent_url`` is the final URL when every redirect hop was 301/308, else None.
    """

    status: int
    url: str
    permanent_url: str | None
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    retry_after_s: float | None
    max_age_s: float | None


def make_session(
    *,
    allow_private: bool,
    limit: int = 100,
    limit_per_host: int = 4,
    user_agent: str = "frontwatch/0.1 (+https://github.com/frontwatch)",
    allowed_networks: Iterable[str] = (),
    resolver: AbstractResolver | None = None,
) -> aiohttp.ClientSession:
    """Return the shared ClientSession; must be created inside a running event loop.

    Its resolver refuses names that resolve only to non-public addresses unless
    ``allow_private`` (or the address is inside ``allowed_networks``). Pass the same policy to
    ``fetch_feed``, which checks IP literals. ``resolver`` replaces the system resolver behind
    that guard (tests and benchmarks name many hosts on loopback). The caller closes the session.
    """
    if yarl.cache_info()["idna_decode"].maxsize != _HOST_CACHE:  # re-configuring empties them
        yarl.cache_configure(
            idna_encode_size=_HOST_CACHE, idna_decode_size=_HOST_CACHE, encode_host_size=_HOST_CACHE
        )
    policy = AddressPolicy(allow_private, tuple(allowed_networks))
    connector = aiohttp.TCPConnector(
        limit=limit, limit_per_host=limit_per_host, resolver=GuardedResolver(policy, resolver)
    )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": user_agent, "Accept": _ACCEPT},
        auto_decompress=True,
        trust_env=False,  # a proxy would bypass the resolver-level address check
    )


def _status_error(resp: aiohttp.ClientResponse, retry_after: float | None) -> FetchError:
    """Map a non-success status to the FetchError the scheduler acts on."""
    status = resp.status
    if status == 410:
        return FetchError("gone", "The feed is gone (HTTP 410).", status=status)
    if status == 429:
        return FetchError(
            "rate_limited",
            "The server rate-limits us (HTTP 429).",
            status=status,
            retry_after_s=retry_after,
        )
    if status == 503:
        return FetchError(
            "unavailable",
            "The server is unavailable (HTTP 503).",
            status=status,
            retry_after_s=retry_after,
        )
    return FetchError(
        "http_error", f"The server answered HTTP {status}.", status=status, retry_after_s=retry_after
    )


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """Read the decompressed body, raising ``too_large`` as soon as it passes ``max_bytes``."""
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise FetchError("too_large", f"The feed declares {declared} bytes, over {max_bytes}.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"The feed body exceeds {max_bytes} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _next_hop(resp: aiohttp.ClientResponse, url: str) -> str:
    """Return the absolute redirect target, or raise ``http_error`` without a Location."""
    location = resp.headers.get("Location")
    if not location:
        raise FetchError("http_error", f"HTTP {resp.status} without a Location.", status=resp.status)
    return str(URL(url).join(URL(location, encoded=True)))


async def _follow(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    limits: FetchLimits,
    policy: AddressPolicy,
) -> FetchResult:
    """Perform the request chain; see fetch_feed for the contract."""
    visited = [url]
    permanent = True
    timeout = aiohttp.ClientTimeout(
        total=None, connect=limits.connect_timeout_s, sock_connect=limits.connect_timeout_s
    )
    while True:
        check_url(url, allow_private=policy.allow_private, allowed_networks=policy.allowed_networks)
        async with session.get(url, headers=headers, allow_redirects=False, timeout=timeout) as resp:
            now = datetime.now(UTC)
            retry_after = parse_retry_after(resp.headers.get("Retry-After"), now)
            if resp.status in _REDIRECTS:
                target = _next_hop(resp, url)
                permanent = permanent and resp.status in _PERMANENT
                if target in visited:
                    raise FetchError("redirect_loop", f"Redirect loop back to {target}.")
                if len(visited) > limits.max_redirects:
                    raise FetchError("too_many_redirects", f"More than {limits.max_redirects} redirects.")
                visited.append(target)
                url = target
                continue
            if resp.status != 304 and not 200 <= resp.status < 300:
                raise _status_error(resp, retry_after)
            body = b"" if resp.status == 304 else await _read_capped(resp, limits.max_bytes)
            return FetchResult(
                status=304 if resp.status == 304 else 200,
                url=url,
                permanent_url=url if permanent and len(visited) > 1 else None,
                body=body,
                content_type=resp.headers.get("Content-Type"),
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
                retry_after_s=retry_after,
                max_age_s=parse_max_age(resp.headers.get("Cache-Control")),
            )


async def fetch_feed(
    session: aiohttp.ClientSession,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits = FetchLimits(),  # frozen, so sharing the default is safe
    allow_private: bool = False,
    allowed_networks: Iterable[str] = (),
) -> FetchResult:
    """Fetch a feed with a conditional GET.

    Returns a FetchResult with status 200 (body decompressed, at most ``limits.max_bytes``) or
    304. Raises FetchError of kind ``bad_scheme``, ``private_address``, ``dns``, ``connect``,
    ``timeout``, ``too_large``, ``redirect_loop``, ``too_many_redirects``, ``gone``,
    ``rate_limited``, ``unavailable`` or ``http_error``.
    """
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    policy = AddressPolicy(allow_private, tuple(allowed_networks))
    try:
        async with asyncio.timeout(limits.total_timeout_s):
            return await _follow(session, url, headers, limits, policy)
    except TimeoutError:
        raise FetchError("timeout", f"No complete answer within {limits.total_timeout_s} s.") from None
    except aiohttp.ClientConnectorDNSError as exc:
        if isinstance(exc.os_error, BlockedAddressError):
            raise FetchError("private_address", f"{exc.os_error}; refused.") from None
        raise FetchError("dns", f"The host name could not be resolved: {exc.host}.") from None
    except aiohttp.ClientConnectorError as exc:
        raise FetchError("connect", f"Could not connect to {exc.host}:{exc.port}.") from None
    except aiohttp.InvalidURL:
        raise FetchError("bad_scheme", f"The URL {url!r} is invalid.") from None
    except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
        raise FetchError("connect", f"The connection broke mid-response: {exc}.") from None
    except aiohttp.ClientResponseError as exc:
        raise FetchError("http_error", f"Bad HTTP response: {exc.message}.", status=exc.status) from None
