"""Delivery channels, one module each, registered in `build_channels` (one line per channel)."""

from __future__ import annotations

from typing import TextIO

from services.notifier.channels.base import Channel, ChannelAuthError, Delivery, check_status
from services.notifier.channels.console import ConsoleChannel
from services.notifier.channels.email import EmailChannel, EmailSettings
from services.notifier.channels.telegram import TelegramChannel, TelegramSettings

__all__ = [
    "Channel",
    "ChannelAuthError",
    "ConsoleChannel",
    "Delivery",
    "EmailChannel",
    "EmailSettings",
    "TelegramChannel",
    "TelegramSettings",
    "build_channels",
    "check_status",
]


def build_channels(
    *,
    telegram: TelegramSettings | None = None,
    email: EmailSettings | None = None,
    console: bool = True,
    console_stream: TextIO | None = None,
) -> dict[str, Channel]:
    """Return the configured channels by name ("console", "telegram", "email").

    Settings left as None are read from the environment (`FRONTWATCH_TELEGRAM_*`,
    `FRONTWATCH_SMTP_*`). Telegram is included when a token is set, email when a host is set.
    Raises pydantic.ValidationError for invalid settings.
    """
    telegram = telegram if telegram is not None else TelegramSettings()
    email = email if email is not None else EmailSettings()
    channels: dict[str, Channel] = {}
    if console:
        channels["console"] = ConsoleChannel(console_stream)
    if telegram.secret() is not None:
        channels["telegram"] = TelegramChannel.from_settings(telegram)
    if email.host:
        channels["email"] = EmailChannel(email)
    return channels
