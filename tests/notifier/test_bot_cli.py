"""`frontwatch bot`: the subcommand that runs the subscription bot on the configured store."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from services.cli import main
from shared.store import Store
from tests.notifier.fake_bot_api import FakeBotApi

ROOT = Path(__file__).parents[2]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """An environment without FRONTWATCH_* settings, a private data dir; logging restored after."""
    for name in list(os.environ):
        if name.startswith("FRONTWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FRONTWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTWATCH_LOG_FORMAT", "json")
    handlers, config = logging.getLogger().handlers[:], structlog.get_config()
    yield dict(os.environ)
    logging.getLogger().handlers[:] = handlers
    structlog.configure(**config)


def test_bot_without_token_is_a_configuration_error(
    clean_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`frontwatch bot` with no FRONTWATCH_TELEGRAM_TOKEN exits 2 naming the variable."""
    assert main(["bot"]) == 2
    assert "FRONTWATCH_TELEGRAM_TOKEN" in capsys.readouterr().err


async def test_bot_subcommand_answers_and_stops_on_sigterm(clean_env: dict[str, str], tmp_path: Path) -> None:
    """The `bot` process long-polls the Bot API, stores a /subscribe, and exits 0 on SIGTERM."""
    async with FakeBotApi(enforce_limits=False) as api:
        env = {
            **clean_env,
            "FRONTWATCH_TELEGRAM_TOKEN": api.token,
            "FRONTWATCH_TELEGRAM_API_URL": api.base_url,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.cli",
            "bot",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            api.push_update(
                {
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "text": "/subscribe surrender",
                        "chat": {"id": 77, "type": "private"},
                        "from": {"id": 77, "is_bot": False, "first_name": "T"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": 10}],
                    }
                }
            )
            for _ in range(400):  # 20 s for the interpreter to start and answer
                if api.messages(77) or proc.returncode is not None:
                    break
                await asyncio.sleep(0.05)
            assert api.messages(77), "the bot never answered"
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 15)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert api.token not in err.decode()
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'frontwatch.db'}")
    await store.start()
    try:
        rows = await store.list_subscriptions()
    finally:
        await store.close()
    assert [(r["target"], r["filters"]["labels"]) for r in rows] == [("77", ["surrender"])]
