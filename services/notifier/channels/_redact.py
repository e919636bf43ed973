"""Keep secrets out of logs and exception text.

Third-party clients log URLs that embed the bot token (httpx logs every request URL at INFO,
python-telegram-bot logs its API URL at DEBUG). A filter on those loggers rewrites any record
that contains a registered secret before a handler ever sees it.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["REDACTED", "forget_secret", "redact", "register_secret"]

REDACTED = "***"
# Loggers known to print request URLs or the API base URL. Filters run only on the logger that
# creates the record, so each one is listed, not just the parents.
LEAKY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram.Bot",
    "telegram.BaseRequest",
    "telegram.HTTPXRequest",
    "aiosmtplib",
    "aiosmtplib.smtp",
)

_lock = threading.Lock()
_secrets: dict[str, int] = {}


def redact(text: str) -> str:
    """Return `text` with every registered secret replaced by REDACTED."""
    for secret in list(_secrets):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = _RedactingFilter()


def register_secret(secret: str) -> None:
    """Start redacting `secret` (reference-counted) and make sure the log filters are installed."""
    if len(secret) < 4:  # redacting one or two characters would shred every log line
        return
    with _lock:
        _secrets[secret] = _secrets.get(secret, 0) + 1
        for name in LEAKY_LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)


def forget_secret(secret: str) -> None:
    """Stop redacting `secret` once every channel that registered it has forgotten it."""
    with _lock:
        left = _secrets.get(secret, 0) - 1
        if left > 0:
            _secrets[secret] = left
        else:
            _secrets.pop(secret, None)
