"""Bot API plumbing: the HTTP layer that records each answer for our error mapping, chat ids."""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from shared.errors import PermanentError

__all__ = [
    "FloodWait",
    "RecordingRequest",
    "chat_id_of",
    "last_answer",
    "previous_message_id",
]

# (status, retry_after_s, description) of the last Bot API answer in this task.
last_answer: ContextVar[tuple[int, float | None, str] | None] = ContextVar(
    "telegram_last_answer", default=None
)


class FloodWait(TelegramError):
    """A 429, raised here so PTB never builds its `RetryAfter` (deprecated `int` attribute)."""


class RecordingRequest(HTTPXRequest):
    """Records each answer's status so errors are mapped by `check_status`, not by class name."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        retry_after: float | None = None
        description = ""
        if code >= 300:
            try:
                body = json.loads(payload)
                description = str(body.get("description") or "")
                parameters = body.get("parameters") or {}
                wait = parameters.get("retry_after")
                retry_after = float(wait) if isinstance(wait, int | float) else None
                if parameters.get("migrate_to_chat_id"):  # the caller can move the subscription
                    description += f" (migrate_to_chat_id={parameters['migrate_to_chat_id']})"
            except (ValueError, AttributeError):
                pass
        last_answer.set((code, retry_after, description))
        if code == 429:
            raise FloodWait(description or "Too Many Requests")
        return code, payload


def chat_id_of(target: str) -> int | str:
    """Return the chat id of a target ("42", "-100123", "@channel"); PermanentError if invalid."""
    target = target.strip()
    if target.lstrip("-").isdigit():
        return int(target)
    if target.startswith("@") and len(target) > 1:
        return target
    raise PermanentError(f"not a Telegram chat id: {target!r}")


def previous_message_id(ref: str | None, chat_id: int | str) -> int | None:
    """Return the message id in a "chat_id:message_id" ref if it belongs to `chat_id`."""
    if not ref:
        return None
    chat, _, message = ref.rpartition(":")
    if chat != str(chat_id) or not message.isdigit():
        return None  # a ref from another chat or channel cannot be edited here
    return int(message)
