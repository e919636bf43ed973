"""Telegram channel: python-telegram-bot as a plain HTTP client, our limiter in charge.

Limits (Bot API FAQ): about 1 message/s per private chat, 20/min per group or channel, 30/s
overall. A 429 blocks only its chat for `retry_after`; waits longer than `max_retry_after_s`
become a RetryableError so the caller can fall back to a digest instead of freezing a worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from services.notifier.channels._limits import SlidingWindowLimiter
from services.notifier.channels._redact import forget_secret, redact, register_secret
from services.notifier.channels._telegram_http import (
    RecordingRequest,
    chat_id_of,
    last_answer,
    previous_message_id,
)
from services.notifier.channels.base import Delivery, check_status
from services.notifier.render import render_digest_html, render_html, split_message
from shared.errors import PermanentError, RetryableError
from shared.messages import Development

__all__ = ["TelegramChannel", "TelegramSettings", "TelegramStats"]

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
MAX_FLOOD_ATTEMPTS = 3  # 429s answered on one message before giving up with RetryableError
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
REQUEST_TIMEOUT_S = 10.0
CONNECTION_POOL_SIZE = 64
CHAT_STATES_PRUNE_AT = 10_000
_EDIT_NOOP = "message is not modified"
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_EDIT_GONE = ("message to edit not found", "message can't be edited")


class TelegramSettings(BaseSettings):
    """`FRONTWATCH_TELEGRAM_*`; the token also from `FRONTWATCH_TELEGRAM_TOKEN_FILE`."""

    model_config = SettingsConfigDict(env_prefix="FRONTWATCH_TELEGRAM_", extra="ignore")

    token: SecretStr | None = None
    token_file: Path | None = Field(default=None, description="File holding the token (k8s).")
    api_url: str | None = Field(default=None, description="Bot API base URL, ending in /bot.")
    global_rate_per_s: float = Field(default=30, gt=0)
    private_interval_s: float = Field(default=1.0, gt=0)
    group_per_min: float = Field(default=20, gt=0)
    max_retry_after_s: float = Field(default=600, gt=0)
    request_timeout_s: float = Field(default=REQUEST_TIMEOUT_S, gt=0)

    def secret(self) -> SecretStr | None:
        """The token from `token`, else from `token_file`; None when neither is set."""
        if self.token is None and self.token_file is not None:
            return SecretStr(self.token_file.read_text(encoding="utf-8").strip())
        return self.token


@dataclass
class TelegramStats:
    """Counters for metrics and benchmarks."""

    sent: int = 0
    edited: int = 0
    flood_429: int = 0
    failed: int = 0


@dataclass
class _Chat:
    limiter: SlidingWindowLimiter
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    blocked_until: float = 0.0
    failures: int = 0


class TelegramChannel:
    """Sends alerts through the Bot API; refs are "chat_id:message_id" of the first part."""

    name = "telegram"

    def __init__(
        self,
        token: SecretStr | str,
        *,
        base_url: str | None = None,
        global_rate_per_s: float = 30,
        private_interval_s: float = 1.0,
        group_per_min: float = 20,
        max_retry_after_s: float = 600,
        request_timeout_s: float = REQUEST_TIMEOUT_S,
    ) -> None:
        self._token = token if isinstance(token, SecretStr) else SecretStr(token)
        secret = self._token.get_secret_value()
        if not secret:
            raise ValueError("the Telegram bot token is empty")
        register_secret(secret)
        self._private_interval_s = private_interval_s
        self._group_per_min = max(1, int(group_per_min))
        self._max_retry_after_s = max_retry_after_s
        self._global = SlidingWindowLimiter(max(1, int(global_rate_per_s)), 1.0)
        self._chats: dict[int | str, _Chat] = {}
        self.stats = TelegramStats()
        # Plain `Bot`, not `ExtBot`: no PTB rate limiter and no retries; HTTPXRequest never retries.
        self._request = RecordingRequest(
            connection_pool_size=CONNECTION_POOL_SIZE,
            read_timeout=request_timeout_s,
            write_timeout=request_timeout_s,
            connect_timeout=request_timeout_s,
            pool_timeout=request_timeout_s,
        )
        self._bot = Bot(
            secret,
            base_url=base_url or DEFAULT_BASE_URL,
            request=self._request,
            get_updates_request=self._request,
        )
        self._closed = False

    @classmethod
    def from_settings(cls, settings: TelegramSettings) -> TelegramChannel:
        """Build the channel from settings; raises ValueError when no token is configured."""
        token = settings.secret()
        if token is None:
            raise ValueError("FRONTWATCH_TELEGRAM_TOKEN (or _TOKEN_FILE) is not set")
        return cls(
            token,
            base_url=settings.api_url,
            global_rate_per_s=settings.global_rate_per_s,
            private_interval_s=settings.private_interval_s,
            group_per_min=settings.group_per_min,
            max_retry_after_s=settings.max_retry_after_s,
            request_timeout_s=settings.request_timeout_s,
        )

    def __repr__(self) -> str:
        return f"TelegramChannel(chats={len(self._chats)}, stats={self.stats})"

    def _chat(self, chat_id: int | str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= CHAT_STATES_PRUNE_AT:
                self._prune()
            is_private = isinstance(chat_id, int) and chat_id > 0
            limiter = (
                SlidingWindowLimiter(1, self._private_interval_s)
                if is_private
                else SlidingWindowLimiter(self._group_per_min, 60.0)
            )
            chat = self._chats[chat_id] = _Chat(limiter)
        return chat

    def _prune(self) -> None:
        now = time.monotonic()
        for key, chat in list(self._chats.items()):
            if chat.limiter.idle and not chat.lock.locked() and chat.blocked_until <= now:
                del self._chats[key]

    async def send(self, delivery: Delivery) -> str:
        """Send (or edit, or reply with) the alert for `delivery` and return "chat_id:message_id".

        With `previous_ref`: a material change replies to the earlier message, an immaterial
        one edits it in place. Sends to one chat are serialised in order; other chats proceed.
        Raises RetryableError (429 beyond `max_retry_after_s`, 5xx, network) or PermanentError
        (403 blocked, 400 chat not found; ChannelAuthError for a refused token).
        """
        if self._closed:
            raise RetryableError("the Telegram channel is closed")
        chat_id = chat_id_of(delivery.target)
        parts = split_message(render_html(delivery.dev))
        if not parts:
            raise PermanentError("the alert renders to an empty message")
        chat = self._chat(chat_id)
        async with chat.lock:
            previous = previous_message_id(delivery.previous_ref, chat_id)
            first: int | None = None
            reply_to = previous
            if previous is not None and not delivery.material:
                first = await self._edit(chat, chat_id, previous, parts[0])
                # Edited: the rest follows as replies. Gone: everything is sent anew.
                parts, reply_to = (parts[1:], first) if first is not None else (parts, None)
            for part in parts:
                message_id = await self._send_one(chat, chat_id, part, reply_to)
                first = message_id if first is None else first
                reply_to = reply_to or message_id
        return f"{chat_id}:{first}"

    async def send_digest(self, target: str, devs: Sequence[Development]) -> str:
        """Send one digest (split at the size limit) and return the ref of its first part."""
        chat_id = chat_id_of(target)
        chat = self._chat(chat_id)
        first: int | None = None
        async with chat.lock:
            for part in split_message(render_digest_html(devs)):
                message_id = await self._send_one(chat, chat_id, part, first)
                first = first or message_id
        return f"{chat_id}:{first}"

    async def _send_one(self, chat: _Chat, chat_id: int | str, text: str, reply: int | None) -> int:
        reply_parameters = (
            ReplyParameters(message_id=reply, allow_sending_without_reply=True) if reply else None
        )
        message = await self._call(
            chat,
            lambda: self._bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_parameters=reply_parameters,
                link_preview_options=_NO_PREVIEW,
            ),
        )
        self.stats.sent += 1
        return int(message.message_id)

    async def _edit(self, chat: _Chat, chat_id: int | str, message_id: int, text: str) -> int | None:
        """Edit in place; return the message id, or None when the message is gone (send anew)."""
        try:
            await self._call(
                chat,
                lambda: self._bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                ),
            )
        except PermanentError as exc:
            reason = str(exc).lower()
            if _EDIT_NOOP in reason:
                return message_id
            if any(gone in reason for gone in _EDIT_GONE):
                return None
            raise
        self.stats.edited += 1
        return message_id

    async def _wait_unblocked(self, chat: _Chat) -> None:
        wait_s = chat.blocked_until - time.monotonic()
        if wait_s > self._max_retry_after_s:
            raise RetryableError("Telegram flood control on this chat", retry_after_s=wait_s)
        if wait_s > 0:
            await asyncio.sleep(wait_s)

    async def _call(self, chat: _Chat, request: Any) -> Any:
        """Run one Bot API call under the chat's and the global limits, mapping failures."""
        for _ in range(MAX_FLOOD_ATTEMPTS):
            await self._wait_unblocked(chat)
            last_answer.set(None)
            async with chat.limiter, self._global:
                try:
                    result = await request()
                except TelegramError as exc:
                    failure: TelegramError | None = exc
                else:
                    failure = None
            if failure is None:
                chat.failures = 0
                return result
            answer = last_answer.get()
            if answer is not None and answer[0] == 429:
                self.stats.flood_429 += 1
                retry_after_s = float(answer[1] or 1.0)
                chat.blocked_until = max(chat.blocked_until, time.monotonic() + retry_after_s)
                continue  # waits in _wait_unblocked, or raises if the wait is absurd
            self._raise_mapped(chat, failure, answer)
        raise RetryableError(
            "Telegram flood control persists", retry_after_s=chat.blocked_until - time.monotonic()
        )

    def _raise_mapped(
        self, chat: _Chat, exc: TelegramError, answer: tuple[int, float | None, str] | None
    ) -> NoReturn:
        self.stats.failed += 1
        code, retry_after_s, description = answer or (0, None, "")
        if code == 0 or code >= 500:
            chat.failures += 1
            backoff_s = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (chat.failures - 1))
            retry_after_s = retry_after_s or backoff_s
        # `from None` throughout: PTB's exception chain may carry request URLs with the token.
        if code == 0:  # no HTTP answer at all: connection refused, timeout, reset
            detail = redact(f"{type(exc).__name__}: {exc}")
            raise RetryableError(f"Telegram unreachable: {detail}", retry_after_s) from None
        try:  # the Bot API answers 404 to a malformed token: same as 401
            check_status(401 if code == 404 else code, retry_after_s, redact(description or str(exc)))
        except (RetryableError, PermanentError) as mapped:
            raise mapped from None
        raise PermanentError(f"unexpected Telegram answer {code}") from None

    async def close(self) -> None:
        """Close the HTTP client and stop redacting the token. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._request.shutdown()
        forget_secret(self._token.get_secret_value())
