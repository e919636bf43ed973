"""Poller exceptions, in their own module so fetch, safety and parse can share them."""

from __future__ import annotations

__all__ = ["FeedParseError", "FetchError"]


class FeedParseError(Exception):
    """A body that cannot be read as a feed.

    ``kind`` is one of ``empty``, ``not_a_feed``, ``malformed``, ``entity_expansion``,
    ``external_entity``; the message is one sentence a human can act on.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class FetchError(Exception):
    """A fetch that produced no usable body.

    ``kind`` is one of ``timeout``, ``too_large``, ``redirect_loop``, ``too_many_redirects``,
    ``dns``, ``connect``, ``private_address``, ``bad_scheme``, ``gone`` (410),
    ``rate_limited`` (429), ``unavailable`` (503), ``http_error``. ``status`` is the HTTP status
    when one was received and ``retry_after_s`` the server's Retry-After, in seconds.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after_s = retry_after_s
