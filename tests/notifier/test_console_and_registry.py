"""Console channel, the channel registry, the limiter and log redaction."""

from __future__ import annotations

import asyncio
import io
import logging
import time

import pytest
from pydantic import SecretStr

from services.notifier.channels import build_channels
from services.notifier.channels._limits import SlidingWindowLimiter
from services.notifier.channels.base import Delivery, check_status
from services.notifier.channels.email import EmailSettings
from services.notifier.channels.telegram import TelegramChannel, TelegramSettings
from shared.errors import PermanentError, RetryableError
from tests.notifier.conftest import MakeDev

TOKEN = "424242:registry-token-value"


async def test_console_prints_one_block_per_alert(make_dev: MakeDev) -> None:
    """Each alert is one delimited plain-text block naming the ref it updates."""
    from services.notifier.channels.console import ConsoleChannel

    out = io.StringIO()
    console = ConsoleChannel(out)
    first = await console.send(Delivery("console", make_dev()))
    await console.send(Delivery("console", make_dev(status="update"), previous_ref=first))
    text = out.getvalue()
    assert first == "console:1" and text.count("Casualty update") == 2
    assert "(updates console:1)" in text and "<b>" not in text


async def test_build_channels_from_settings() -> None:
    """Telegram is built when a token is set, email when a host is set; console by default."""
    channels = build_channels(
        telegram=TelegramSettings(token=SecretStr(TOKEN)),
        email=EmailSettings(host="127.0.0.1", unsubscribe_secret=SecretStr("k")),
        console_stream=io.StringIO(),
    )
    try:
        assert sorted(channels) == ["console", "email", "telegram"]
        assert TOKEN not in repr(channels)
    finally:
        for channel in channels.values():
            await channel.close()


def test_build_channels_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing configured only the console channel exists."""
    for name in ("FRONTWATCH_TELEGRAM_TOKEN", "FRONTWATCH_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert list(build_channels(email=EmailSettings(unsubscribe_secret=SecretStr("k")))) == ["console"]


@pytest.mark.parametrize(
    ("code", "error"),
    [(200, None), (204, None), (400, PermanentError), (403, PermanentError),
     (429, RetryableError), (500, RetryableError), (503, RetryableError)],
)  # fmt: skip
def test_check_status_table(code: int, error: type[Exception] | None) -> None:
    """2xx passes, 429 and 5xx are retryable, other 4xx permanent."""
    if error is None:
        check_status(code)
    else:
        with pytest.raises(error):
            check_status(code, retry_after_s=3)


async def test_limiter_counts_in_flight_until_answer() -> None:
    """With limit 1, the next request starts one period after the previous answer, not its start."""
    limiter = SlidingWindowLimiter(1, 0.2)
    start = time.monotonic()
    async with limiter:
        await asyncio.sleep(0.1)  # a slow answer
    async with limiter:
        elapsed = time.monotonic() - start
    assert 0.3 <= elapsed < 0.6, elapsed


async def test_token_redacted_from_client_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    """PTB logs its API URL (with the token) at DEBUG on construction; the record is redacted."""
    caplog.set_level(logging.DEBUG)
    channel = TelegramChannel(TOKEN, base_url="http://127.0.0.1:9/bot")
    await channel.close()
    messages = [r.getMessage() for r in caplog.records]
    assert any("Set Bot API URL" in m and "***" in m for m in messages), messages
    assert not any(TOKEN in m for m in messages)
