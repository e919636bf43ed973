"""`frontwatch notifier` killed and restarted in the middle of a burst: nothing lost, few repeats.

The notifier runs as a real process against an embedded NATS, a SQLite store and the fake Bot API.
A SIGKILL after Telegram accepted a message but before the outbox recorded it repeats that message
on restart (Telegram has no idempotency key); the notifier keeps at most one such send in flight
per channel, so a SIGKILL repeats at most one alert. A SIGTERM repeats none.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared import subjects
from shared.broker import make_bus
from shared.embedded_nats import EmbeddedNats
from shared.store import Store
from tests.notifier.conftest import FIXED_NOW, build_dev
from tests.notifier.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:abc"
DEVELOPMENTS = 200
CHATS = [7000 + i for i in range(30)] + [-1002000000000 - i for i in range(10)]
DEV_RE = re.compile(r"\bD(\d{4})\b")


def routes(j: int) -> list[int]:
    """The two (distinct) chat numbers development `j` goes to."""
    return [j % len(CHATS), (j * 7 + 3) % len(CHATS)]


def keyword(i: int) -> str:
    return f"sector-{i:02d}-x"


class Notifier:
    """One `frontwatch notifier` process; its JSON log goes to a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        started = self.log.read_bytes().count(b"services_started") if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "services.cli",
                "notifier",
                cwd=ROOT,
                env=self.env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=out,
            )
        deadline = time.monotonic() + 30
        while self.log.read_bytes().count(b"services_started") == started:
            assert self.proc.returncode is None, self.log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the notifier did not start"
            await asyncio.sleep(0.05)

    async def signal(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), 30)


@pytest.fixture
async def nats(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    """A private nats-server with JetStream."""
    async with EmbeddedNats(tmp_path / "broker") as server:
        yield server


async def wait_for(api: FakeBotApi, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(api.sent) < count:
        assert time.monotonic() < deadline, f"only {len(api.sent)} of {count} messages arrived"
        await asyncio.sleep(0.02)


@pytest.mark.timeout(240)
async def test_sigkill_and_sigterm_mid_burst_lose_nothing_and_sigkill_repeats_at_most_one(
    tmp_path: Path, nats: EmbeddedNats
) -> None:
    """Two SIGKILLs and a SIGTERM during 400 sends: every alert arrives, ≤1 repeat per SIGKILL, 0 per SIGTERM."""
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'frontwatch.db'}"
    store = Store(store_url)
    await store.start()
    for i, chat in enumerate(CHATS):
        await store.add_subscription(
            "telegram", str(chat), filters={"keywords": [keyword(i)]}, mode="immediate", now=FIXED_NOW
        )
    expected = {(CHATS[i], j) for j in range(DEVELOPMENTS) for i in routes(j)}
    async with FakeBotApi(token=TOKEN) as api:
        env = {
            **os.environ,
            "FRONTWATCH_BROKER_URL": nats.url,
            "FRONTWATCH_STORE_URL": store_url,
            "FRONTWATCH_DATA_DIR": str(tmp_path),
            "FRONTWATCH_TELEGRAM_TOKEN": TOKEN,
            "FRONTWATCH_TELEGRAM_API_URL": api.base_url,
            "FRONTWATCH_CORROBORATION_WINDOW_S": "0",
            "FRONTWATCH_CONSOLE_ALERTS": "false",
            "FRONTWATCH_LOG_FORMAT": "json",
        }
        log = tmp_path / "notifier.log"
        notifier = Notifier(env, log)
        await notifier.start()
        bus = make_bus(nats.url)
        await bus.start()
        try:
            for j in range(DEVELOPMENTS):
                words = " ".join(keyword(i) for i in routes(j))
                dev = build_dev(
                    development_id=f"burst-{j:04d}",
                    summary=f"Report D{j:04d}: {words}",
                    first_seen=FIXED_NOW,
                    detected_at=FIXED_NOW,
                )
                await bus.publish(dev, subjects.DEVELOPMENTS, msg_id=f"{dev.development_id}:1")
        finally:
            await bus.stop()
        cuts: list[tuple[str, int]] = []  # (signal, messages received when the process was gone)
        for sig, after in ((signal.SIGKILL, 80), (signal.SIGKILL, 100), (signal.SIGTERM, 100)):
            await wait_for(api, (cuts[-1][1] if cuts else 0) + after, timeout=90)
            await asyncio.sleep(random.uniform(0.0, 0.5))  # anywhere in the send cycle
            rc = await notifier.signal(sig)
            assert rc == (0 if sig == signal.SIGTERM else -signal.SIGKILL)
            await asyncio.sleep(0.3)  # requests it wrote before dying are answered first
            cuts.append((sig.name, len(api.sent)))
            await notifier.start()
        deadline = time.monotonic() + 90
        while not expected <= {
            (m.chat_id, int(DEV_RE.search(m.visible).group(1)))  # type: ignore[union-attr]
            for m in api.sent
        }:
            assert time.monotonic() < deadline, "alerts were lost"
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything repeated late would arrive now
        assert await notifier.signal(signal.SIGTERM) == 0
        arrivals: dict[tuple[int | str, int], list[int]] = defaultdict(list)
        for n, m in enumerate(api.sent):
            arrivals[(m.chat_id, int(DEV_RE.search(m.visible).group(1)))].append(n)  # type: ignore[union-attr]
        flood_429s = api.flood_429s
    await store.close()
    assert set(arrivals) == expected  # nothing lost, nothing unexpected
    cuts.append(("none", len(arrivals) * 10))  # the last run, stopped once everything arrived
    per_cut = [0] * len(cuts)
    for times in arrivals.values():
        if len(times) > 1:
            # The first copy was sent by the process that the next cut ended without recording it.
            cut = min(k for k, (_, at) in enumerate(cuts) if times[0] < at)
            per_cut[cut] += len(times) - 1
    print(
        f"repeats per cut: {list(zip([c[0] for c in cuts], per_cut, strict=True))}, "
        f"messages {sum(len(t) for t in arrivals.values())}, wasted 429s {flood_429s}"
    )
    for (name, _), count in zip(cuts, per_cut, strict=True):
        assert count <= (1 if name == "SIGKILL" else 0), (name, count)
