"""The unsubscribe link in every mail leads to a page that really unsubscribes (and only then)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from services.app import run_services
from services.notifier.channels.email import EmailChannel, EmailSettings
from services.notifier.unsubscribe import unsubscribe_routes
from shared.config import Settings
from shared.embedded_nats import free_port
from shared.health import HealthServer
from shared.store import Store

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)
READER = "Reader.One@example.org"
OTHER = "other@example.org"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}  # RFC 8058: what a mail client POSTs


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'unsub.db'}")
    await store.start()
    for target in (READER, OTHER):
        await store.add_subscription("email", target, filters={}, mode="immediate", now=NOW)
    yield store
    await store.close()


async def _serve(store: Store, secret: str) -> tuple[HealthServer, EmailChannel]:
    server = HealthServer(0, {}, host="127.0.0.1", routes=unsubscribe_routes(store, secret))
    await server.start()
    channel = EmailChannel(
        EmailSettings(
            host="127.0.0.1",
            unsubscribe_secret=SecretStr(secret),
            unsubscribe_url_template=f"http://127.0.0.1:{server.port}/unsubscribe?email={{target}}&token={{token}}",
        )
    )
    return server, channel


async def _targets(store: Store) -> list[str]:
    """The targets that still get alerts."""
    return [s["target"] for s in await store.list_subscriptions(active_only=True)]


async def test_link_asks_first_and_one_click_post_unsubscribes(store: Store) -> None:
    """Opening the link changes nothing (mail scanners open links); the POST removes only that reader."""
    server, channel = await _serve(store, "signing-key")
    url = channel.unsubscribe_url(READER)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as page:
                assert page.status == 200
                assert 'method="post"' in await page.text() and READER in await page.text()
            assert await _targets(store) == [READER, OTHER]
            async with http.post(url, data=ONE_CLICK) as done:
                assert done.status == 200 and "no more" in await done.text()
            async with http.post(url, data=ONE_CLICK) as again:  # a second click is harmless
                assert again.status == 200
    finally:
        await server.stop()
        await channel.close()
    assert await _targets(store) == [OTHER]
    # Restarting with the reader still in the config file does not subscribe them again.
    await store.ensure_subscription("email", READER, filters={}, mode="immediate", now=NOW)
    assert await _targets(store) == [OTHER]


async def test_forged_or_unsigned_links_are_refused(store: Store) -> None:
    """A token for another address, a tampered or missing token, or a page without the signing
    key: nothing is removed."""
    server, channel = await _serve(store, "signing-key")
    base = f"http://127.0.0.1:{server.port}/unsubscribe"
    forged = channel.unsubscribe_url(OTHER).replace("other%40example.org", "Reader.One%40example.org")
    unsigned_server = HealthServer(0, {}, host="127.0.0.1", routes=unsubscribe_routes(store, None))
    await unsigned_server.start()
    unsigned = channel.unsubscribe_url(READER).replace(str(server.port), str(unsigned_server.port))
    try:
        async with aiohttp.ClientSession() as http:
            for url in (
                forged,
                channel.unsubscribe_url(READER)[:-1] + "0",
                f"{base}?email={READER}",
                unsigned,
            ):
                async with http.post(url, data=ONE_CLICK) as refused:
                    assert refused.status == 400, url
                    assert "not valid" in await refused.text()
    finally:
        for s in (server, unsigned_server):
            await s.stop()
        await channel.close()
    assert await _targets(store) == [READER, OTHER]


@pytest.mark.timeout(60)
async def test_notifier_serves_the_page_on_its_http_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`frontwatch notifier` with email configured answers the links its mails carry."""
    port = free_port()
    monkeypatch.setenv("FRONTWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FRONTWATCH_SMTP_UNSUBSCRIBE_SECRET", "deployment-key")
    monkeypatch.setenv(
        "FRONTWATCH_SMTP_UNSUBSCRIBE_URL_TEMPLATE",
        f"http://127.0.0.1:{port}/unsubscribe?email={{target}}&token={{token}}",
    )
    settings = Settings(data_dir=tmp_path, http_port=port, log_format="json")
    store = Store(settings.store_dsn)
    await store.start()
    await store.add_subscription("email", READER, filters={}, mode="immediate", now=NOW)
    url = EmailChannel(EmailSettings()).unsubscribe_url(READER)
    stop = asyncio.Event()
    task = asyncio.create_task(run_services(settings, ["notifier"], stop, embed_broker=True))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.post(url, data=ONE_CLICK) as done:
                        assert done.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    assert not task.done(), task.result()
                    await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert READER not in await _targets(store)
    await store.close()
