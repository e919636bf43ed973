"""Exceptions shared by all services, in their own module so imports never loop."""

__all__ = ["ConfigError", "PermanentError", "RetryableError"]


class ConfigError(Exception):
    """A setting is invalid; the message names the setting and says what is wrong."""


class RetryableError(Exception):
    """A failure that may succeed later (network, 429, 5xx)."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PermanentError(Exception):
    """A failure that will not succeed by retrying (403, 400, unknown chat)."""
