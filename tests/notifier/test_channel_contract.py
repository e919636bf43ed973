"""The shared channel contract, run against Telegram (fake Bot API), email (aiosmtpd), console."""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import ClassVar

import pytest

from services.notifier.channels.base import ChannelAuthError
from services.notifier.channels.console import ConsoleChannel
from services.notifier.channels.email import EmailChannel
from services.notifier.channels.telegram import TelegramChannel
from shared.errors import PermanentError, RetryableError
from tests.notifier.channel_contract import ChannelContract, Provoke
from tests.notifier.fake_bot_api import FakeBotApi, Reply, flood
from tests.notifier.smtp_server import SmtpServer, free_port
from tests.notifier.test_email import settings

SMTP_PASSWORD = "smtp-Pa55word-never-logged"


class TestTelegramContract(ChannelContract):
    """Bot API statuses, as the fake server answers them."""

    STATUS_TABLE: ClassVar[dict[int, type[Exception]]] = {
        400: PermanentError,
        401: ChannelAuthError,
        403: PermanentError,
        404: ChannelAuthError,
        429: RetryableError,
        500: RetryableError,
        502: RetryableError,
        503: RetryableError,
    }

    @pytest.fixture
    def new_target(self) -> Callable[[], str]:
        """Fresh group chats, so per-chat pacing never slows the table down."""
        ids = itertools.count(-1001)
        return lambda: str(next(ids))

    @pytest.fixture
    def secret(self, fake_bot_api: FakeBotApi) -> str:
        """The bot token."""
        return fake_bot_api.token

    @pytest.fixture
    def provoke(self, fake_bot_api: FakeBotApi) -> Provoke:
        """Script the fake to answer `code` once for the chat (429 with an absurd wait)."""

        def provoke(target: str, code: int) -> None:
            reply = flood(3600) if code == 429 else Reply(code, f"Error {code}: scripted")
            fake_bot_api.script(int(target), reply)

        return provoke

    @pytest.fixture
    async def channel(self, fake_bot_api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
        """A channel pointed at the fake server."""
        channel = TelegramChannel(fake_bot_api.token, base_url=fake_bot_api.base_url)
        yield channel
        await channel.close()

    @pytest.fixture
    async def dead_channel(self, fake_bot_api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
        """A channel with the same token pointed at a closed port."""
        url = f"http://127.0.0.1:{free_port()}/bot"
        channel = TelegramChannel(fake_bot_api.token, base_url=url)
        yield channel
        await channel.close()


class TestEmailContract(ChannelContract):
    """SMTP reply codes to RCPT (and 535 for a refused login), from a real aiosmtpd."""

    STATUS_TABLE: ClassVar[dict[int, type[Exception]]] = {
        421: RetryableError,
        450: RetryableError,
        451: RetryableError,
        452: RetryableError,
        535: ChannelAuthError,
        550: PermanentError,
        553: PermanentError,
        554: PermanentError,
    }

    @pytest.fixture
    def smtp(self) -> Iterator[SmtpServer]:
        """A server that wants a login."""
        with SmtpServer(login=("alerts", SMTP_PASSWORD)) as server:
            yield server

    @pytest.fixture
    def new_target(self) -> Callable[[], str]:
        """Fresh addresses."""
        ids = itertools.count(1)
        return lambda: f"reader{next(ids)}@example.org"

    @pytest.fixture
    def secret(self) -> str:
        """The SMTP password."""
        return SMTP_PASSWORD

    @pytest.fixture
    def provoke(self, smtp: SmtpServer) -> Provoke:
        """Make the server refuse the next recipient with `code`."""

        def provoke(target: str, code: int) -> None:
            smtp.mailbox.refuse_rcpt = f"{code} scripted refusal"

        return provoke

    @pytest.fixture
    def channel(self, smtp: SmtpServer) -> EmailChannel:
        """A channel logging in to the server."""
        return EmailChannel(settings(smtp, username="alerts", password=SMTP_PASSWORD))

    @pytest.fixture
    def dead_channel(self) -> EmailChannel:
        """A channel with the same password pointed at a closed port."""
        return EmailChannel(settings(None, username="alerts", password=SMTP_PASSWORD))


class TestConsoleContract(ChannelContract):
    """The console never fails and holds no secret."""

    @pytest.fixture
    def new_target(self) -> Callable[[], str]:
        """The console has one target."""
        return lambda: "console"

    @pytest.fixture
    def secret(self) -> None:
        """No secret."""
        return None

    @pytest.fixture
    def provoke(self) -> Provoke:
        """Nothing to provoke."""
        return lambda target, code: None

    @pytest.fixture
    def channel(self) -> ConsoleChannel:
        """A console writing to a buffer."""
        return ConsoleChannel(io.StringIO())

    @pytest.fixture
    def dead_channel(self) -> None:
        """No server."""
        return None
