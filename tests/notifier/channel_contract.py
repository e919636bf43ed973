"""The contract every channel honours, run once per channel through a subclass.

A subclass sets `STATUS_TABLE` (server answer code → the exception `send` must raise) and
provides the fixtures `channel`, `dead_channel`, `new_target` (a fresh target per call),
`provoke` (make the server answer `code` for a target) and `secret` (what must never leak).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import ClassVar

import pytest
import structlog

from services.notifier.channels.base import Channel, Delivery
from shared.errors import PermanentError, RetryableError
from tests.notifier.conftest import MakeDev

__all__ = ["ChannelContract", "Provoke"]

Provoke = Callable[[str, int], None]


def _exception_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(exc.args)


class ChannelContract:
    """Inherited tests: refs, the retry mapping by status, unreachable servers, no leaks."""

    STATUS_TABLE: ClassVar[dict[int, type[Exception]]] = {}

    async def test_send_returns_a_ref(
        self, channel: Channel, new_target: Callable[[], str], make_dev: MakeDev
    ) -> None:
        """A successful send returns a non-empty ref to store for later edits or replies."""
        ref = await channel.send(Delivery(new_target(), make_dev()))
        assert isinstance(ref, str) and ref
        assert isinstance(channel, Channel) and channel.name

    async def test_status_table_maps_to_retry_decision(
        self,
        channel: Channel,
        new_target: Callable[[], str],
        provoke: Provoke,
        make_dev: MakeDev,
    ) -> None:
        """Each server answer in STATUS_TABLE raises exactly the exception the table names."""
        for code, expected in self.STATUS_TABLE.items():
            target = new_target()
            provoke(target, code)
            with pytest.raises((RetryableError, PermanentError)) as caught:
                await channel.send(Delivery(target, make_dev()))
            assert type(caught.value) is expected, (code, caught.value)

    async def test_unreachable_server_is_retryable(
        self, dead_channel: Channel | None, new_target: Callable[[], str], make_dev: MakeDev
    ) -> None:
        """A server that refuses connections gives RetryableError (the caller keeps the alert)."""
        if dead_channel is None:
            pytest.skip("this channel has no server")
        with pytest.raises(RetryableError):
            await dead_channel.send(Delivery(new_target(), make_dev()))

    async def test_secret_never_leaks(
        self,
        channel: Channel,
        dead_channel: Channel | None,
        new_target: Callable[[], str],
        provoke: Provoke,
        secret: str | None,
        make_dev: MakeDev,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """The secret appears in no exception, traceback, repr or log record, at DEBUG level."""
        if not secret:
            pytest.skip("this channel holds no secret")
        caplog.set_level(logging.DEBUG)
        seen: list[str] = [repr(channel), repr(dead_channel)]
        attempts: list[tuple[Channel, int | None]] = [(channel, None)]
        attempts += [(channel, code) for code in self.STATUS_TABLE]
        if dead_channel is not None:
            attempts.append((dead_channel, None))
        with structlog.testing.capture_logs() as events:
            for used, code in attempts:
                target = new_target()
                if code is not None:
                    provoke(target, code)
                try:
                    seen.append(await used.send(Delivery(target, make_dev())))
                except Exception as exc:
                    seen.append(_exception_text(exc))
        seen += [r.getMessage() + repr(r.args) + (r.exc_text or "") for r in caplog.records]
        seen += [repr(event) for event in events]
        assert len(caplog.records) > 0 or not self.STATUS_TABLE  # the clients did log
        leaks = [text for text in seen if secret in text]
        assert not leaks, leaks[:3]
