"""Email alerts through an SMTP outage: retried with backoff, then each mail delivered once."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notifier.channels.email import EmailChannel, EmailSettings
from services.notifier.main import NotifierService
from shared.broker import make_bus
from shared.store import Store
from shared.store_schema import outbox
from tests.notifier.conftest import FIXED_NOW, build_dev
from tests.notifier.smtp_server import SmtpServer

READERS = [f"reader{i}@example.org" for i in range(3)]
DEVELOPMENTS = 4
DEV_RE = re.compile(r"\bD(\d{4})\b")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at


async def rows(store: Store) -> list[dict[str, object]]:
    async with store.engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(select(outbox).order_by(outbox.c.id))]


async def until(check: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.mark.timeout(60)
async def test_smtp_outage_retries_with_backoff_then_delivers_each_mail_once(tmp_path: Path) -> None:
    """Mails due while the SMTP server is down wait out the backoff and arrive exactly once when it is back."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'mail.db'}")
    await store.start()
    for reader in READERS:
        await store.add_subscription("email", reader, filters={}, mode="immediate", now=FIXED_NOW)
    server = SmtpServer()  # its port is chosen, nothing listens on it yet
    channel = EmailChannel(
        EmailSettings(
            host="127.0.0.1",
            port=server.port,
            tls="none",
            sender="frontwatch <alerts@frontwatch.test>",
            timeout_s=5,
            unsubscribe_secret="unsub-key",
        )
    )
    clock = Clock(FIXED_NOW)
    service = NotifierService(store, make_bus("nats://127.0.0.1:1"), {"email": channel}, now=clock)
    stop = asyncio.Event()
    runner = asyncio.create_task(service.run(stop))
    try:
        for j in range(DEVELOPMENTS):
            await service.handle(build_dev(development_id=f"mail-{j}", summary=f"Report D{j:04d}."))
        expected = Counter((r, j) for r in READERS for j in range(DEVELOPMENTS))

        # Down: the first mail of each reader is tried and fails; the rest wait behind it, in order. The
        # failure and the push of the mails behind it are two writes: wait for both, not for the first.
        async def tried(times: int, after: datetime) -> bool:
            found = await rows(store)
            return sum(r["attempts"] == times for r in found) == len(READERS) and all(
                r["not_before"] >= after + timedelta(seconds=60)  # type: ignore[operator]
                for r in found
            )

        await until_async(lambda: tried(1, FIXED_NOW))
        first = await rows(store)
        assert {r["status"] for r in first} == {"pending"}
        assert all(r["not_before"] >= FIXED_NOW + timedelta(seconds=60) for r in first)  # type: ignore[operator]
        assert server.mailbox.mails == []

        # Before the backoff ends nothing is tried again.
        clock.at = FIXED_NOW + timedelta(seconds=30)
        await asyncio.sleep(1.5)
        assert [r["attempts"] for r in await rows(store)] == [r["attempts"] for r in first]

        # Still down after the backoff: a second failure, pushed out again.
        clock.at = FIXED_NOW + timedelta(seconds=61)
        await until_async(lambda: tried(2, clock.at))
        second = await rows(store)
        assert all(r["not_before"] >= clock.at + timedelta(seconds=60) for r in second)  # type: ignore[operator]
        assert "SMTP server unreachable" in str(second[0]["last_error"])

        # Back: every mail arrives, once.
        with server:
            clock.at = FIXED_NOW + timedelta(seconds=200)
            await until(lambda: len(server.mailbox.mails) >= len(expected))
            await asyncio.sleep(1.5)  # a repeat would arrive now
            got = Counter(
                (
                    str(m["To"]),
                    int(
                        DEV_RE.search(str(m.get_body(("plain",)).get_content())).group(1)  # type: ignore[union-attr]
                    ),
                )
                for m in server.mailbox.mails
            )
    finally:
        stop.set()
        await runner
    assert got == expected
    assert await store.outbox_counts() == {"sent": len(expected)}
    await channel.close()
    await store.close()


async def until_async(check: Callable[[], object], timeout: float = 15.0) -> None:
    """Wait until the coroutine made by `check` returns true."""
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[misc]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
