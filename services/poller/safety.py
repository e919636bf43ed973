"""SSRF guard: only http(s), and no private, loopback or link-local targets unless allowed.

Names are checked where aiohttp resolves them (``GuardedResolver``), so DNS rebinding and
redirects to internal names are caught at connect time; aiohttp never resolves IP literals, so
``check_url`` vets those for every URL and redirect hop before a request is sent.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from services.poller._errors import FetchError

__all__ = ["AddressPolicy", "BlockedAddressError", "GuardedResolver", "check_url"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class AddressPolicy:
    """Which peer addresses may be contacted.

    ``allow_private`` opens everything (FRONTWATCH_ALLOW_PRIVATE_URLS); ``allowed_networks``
    opens chosen ranges only (tests open 127.0.0.1/32 and still see 127.0.0.2 refused).
    """

    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()

    def permits(self, ip: IPAddress) -> bool:
        """Return True if ``ip`` may be contacted under this policy."""
        if self.allow_private:
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback in disguise
        if any(ip in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks):
            return True
        # is_global excludes private, loopback, link-local, CGNAT, reserved and unspecified.
        return ip.is_global and not ip.is_multicast


class BlockedAddressError(OSError):
    """Raised inside the resolver; aiohttp wraps it, fetch maps it to ``private_address``."""


def check_url(url: str, *, allow_private: bool, allowed_networks: Iterable[str] = ()) -> None:
    """Check a URL before a request is sent.

    Returns None when the scheme is http/https and the host is a name (vetted later by the
    resolver) or a permitted IP literal. Raises FetchError ``bad_scheme`` for other schemes or a
    URL without host, and ``private_address`` for a non-public IP literal.
    """
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        raise FetchError("bad_scheme", f"The URL {url!r} cannot be parsed.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError("bad_scheme", f"Only http and https URLs are fetched, not {url!r}.")
    host = parsed.host.strip("[]")
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return  # a name: the resolver decides at connect time
    policy = AddressPolicy(allow_private, tuple(allowed_networks))
    if not policy.permits(ip):
        raise FetchError("private_address", f"The address {ip} is private or reserved; refused.")


class GuardedResolver(AbstractResolver):
    """Resolver that drops non-permitted addresses and fails if none is left."""

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the permitted addresses of ``host``; raise BlockedAddressError if none."""
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if self._policy.permits(ipaddress.ip_address(r["host"]))]
        if not allowed:
            addresses = ", ".join(sorted({r["host"] for r in results}))
            raise BlockedAddressError(f"{host} resolves only to non-public addresses ({addresses})")
        return allowed

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"GuardedResolver({self._policy!r})"

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - delegate extras
        return getattr(self._inner, name)
