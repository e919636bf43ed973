"""End to end: sample feeds → poller → broker → classifier → broker → notifier → console, on real servers."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from services.app import ROLES, run_services
from services.runtime import Runtime
from services.sample.replay import ReplayServer
from shared.config import Settings
from shared.embedded_nats import free_port
from shared.messages import Development
from shared.store import Store
from tests.conftest import require_server

SPEED = 6.0  # the 33-second sample story in under 6 seconds
STORY_TIMEOUT_S = 40.0


class Pipeline:
    """The three services in one process over a real broker, fed by the sample replay server."""

    def __init__(self, settings: Settings, prefix: str, replay_port: int) -> None:
        self.settings = settings
        self.prefix = prefix
        self.replay_port = replay_port
        self.console = io.StringIO()
        self.store: Store | None = None

    async def run(self, until: Callable[[Store], Any]) -> list[Development]:
        """Run until `until(store)` is true (or time out), stop cleanly, return sent developments."""
        stop = asyncio.Event()
        sent: list[Development] = []

        async def on_ready(rt: Runtime) -> None:
            replay = ReplayServer(port=self.replay_port, speed=SPEED)
            await replay.start()
            rt.stack.push_async_callback(replay.stop)
            for feed in replay.feeds():
                await rt.store.add_feed(feed.url, now=rt.now(), name=feed.name)
            self.store = rt.store

        task = asyncio.create_task(
            run_services(
                self.settings,
                ROLES,
                stop,
                embed_broker=self.settings.broker_url is None,
                prefix=self.prefix,
                console=self.console,
                on_ready=on_ready,
            )
        )
        try:
            async with asyncio.timeout(STORY_TIMEOUT_S):
                while self.store is None or not await until(self.store):
                    if task.done():
                        task.result()
                    await asyncio.sleep(0.2)
            sent = await sent_developments(self.store)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
        return sent


async def sent_developments(store: Store) -> list[Development]:
    return [Development.model_validate(p) for p in await store.sent_payloads()]


def story_told(devs: list[Development]) -> bool:
    labels = {label for d in devs for label in d.labels}
    updated = any(d.status == "update" and any(f.count == 400 for f in d.figures) for d in devs)
    return {"territorial_change", "surrender", "casualty_update"} <= labels and updated


@pytest.fixture(params=["embedded-nats", "rabbitmq", "redis", "postgres"])
async def settings(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings for one broker/store combination: embedded NATS + SQLite by default."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "allow_private_urls": True,
        "poll_interval_s": 0.3,
        "min_poll_interval_s": 0.3,
        "log_format": "json",
        "corroboration_window_s": 0.5,
        "update_interval_s": 0.0,
    }
    if request.param in ("rabbitmq", "redis"):
        values["broker_url"] = require_server(request.param)
    if request.param == "postgres":
        import uuid

        from sqlalchemy import text

        url = require_server("postgres")
        schema = f"e2e_{uuid.uuid4().hex[:10]}"
        values |= {"store_url": url, "store_schema": schema}
        yield Settings(**values)
        store = Store(url)
        async with store.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await store.close()
        return
    yield Settings(**values)


@pytest.mark.integration
async def test_sample_story_alerts_each_label_once_and_updates_the_toll(
    settings: Settings,
    unique_prefix: str,
) -> None:
    """The sample timeline yields alerts for all three labels and an update when 388 becomes 400; a restart
    on the same data directory alerts nothing again."""
    port = free_port()
    first = Pipeline(settings, unique_prefix, port)

    story_ends = asyncio.get_running_loop().time() + 40 / SPEED

    async def told(store: Store) -> bool:
        ended = asyncio.get_running_loop().time() > story_ends
        return ended and story_told(await sent_developments(store))

    devs = await first.run(told)
    assert story_told(devs)
    console = first.console.getvalue()
    assert "400" in console and "Baghuz" in console
    # Negatives in the story (a commander's vow, a call to surrender) never alert.
    assert not any("call" in d.summary.lower() and "surrender" in d.labels for d in devs)
    # No development alerted twice at the same revision.
    keys = [(d.development_id, d.revision) for d in devs]
    assert len(keys) == len(set(keys))

    second = Pipeline(settings, unique_prefix, port)

    replay_ends = asyncio.get_running_loop().time() + 40 / SPEED

    async def story_replayed(store: Store) -> bool:
        return asyncio.get_running_loop().time() > replay_ends

    again = await second.run(story_replayed)
    assert [(d.development_id, d.revision) for d in again] == keys
    assert second.console.getvalue() == ""
