"""The channel contract: one `Delivery` in, one message ref out, failures as two exception kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from shared.errors import PermanentError, RetryableError
from shared.messages import Development

__all__ = [
    "Channel",
    "ChannelAuthError",
    "Delivery",
    "check_smtp_code",
    "check_status",
]

SMTP_AUTH_CODES = frozenset({530, 534, 535, 538})


@dataclass(frozen=True)
class Delivery:
    """One development for one target (a Telegram chat id, an email address, "console").

    `previous_ref` is the ref `send` returned for the earlier revision, if any: the channel edits
    it (`material=False`) or replies to it (`material=True`).
    """

    target: str
    dev: Development
    previous_ref: str | None = None
    material: bool = True


class ChannelAuthError(PermanentError):
    """The channel's own credentials were refused (bot token, SMTP login): every target fails.

    A `PermanentError`, so a caller that only knows the base contract still stops retrying; a
    caller that catches this one should alert the operator rather than pause one subscription.
    """


@runtime_checkable
class Channel(Protocol):
    """A way of delivering alerts. Implementations hold their secrets; nothing they raise or log
    contains one."""

    name: str

    async def send(self, delivery: Delivery) -> str:
        """Deliver one alert and return a ref to store for later edits and replies.

        Raises RetryableError (try again later, `retry_after_s` when known) or PermanentError
        (this target will not accept it; pause the subscription).
        """
        ...

    async def close(self) -> None:
        """Release connections. Idempotent."""
        ...


def check_status(code: int, retry_after_s: float | None = None, detail: str = "") -> None:
    """Map an HTTP-style status to the retry decision: the one place that decides it.

    Returns for 2xx. Raises RetryableError for 429 and 5xx (carrying `retry_after_s`),
    ChannelAuthError for 401, PermanentError for any other status.
    """
    if 200 <= code <= 299:
        return
    message = f"status {code}" + (f": {detail}" if detail else "")
    if code == 429 or 500 <= code <= 599:
        raise RetryableError(message, retry_after_s)
    if code == 401:
        raise ChannelAuthError(message)
    raise PermanentError(message)


def check_smtp_code(code: int, detail: str = "") -> None:
    """Map an SMTP reply code to the retry decision, as `check_status` does for HTTP.

    Returns below 400. Raises RetryableError for 4xx (transient), ChannelAuthError for the
    authentication codes (530, 534, 535, 538), PermanentError for any other 5xx.
    """
    message = f"SMTP {code}" + (f": {detail}" if detail else "")
    if 400 <= code <= 499:
        raise RetryableError(message)
    if code in SMTP_AUTH_CODES:
        raise ChannelAuthError(message)
    if code >= 500:
        raise PermanentError(message)
