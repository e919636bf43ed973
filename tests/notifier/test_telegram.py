"""TelegramChannel against the fake Bot API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable

import pytest

from services.notifier.channels.base import ChannelAuthError, Delivery
from services.notifier.channels.telegram import TelegramChannel
from shared.errors import PermanentError, RetryableError
from tests.notifier.conftest import MakeDev
from tests.notifier.fake_bot_api import (
    BLOCKED,
    CHAT_NOT_FOUND,
    SERVER_ERROR,
    FakeBotApi,
    Reply,
    flood,
)

MakeTelegram = Callable[..., TelegramChannel]


async def test_send_escapes_and_links(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A title with <script> and & arrives as visible text, and sources arrive as links."""
    channel = make_telegram()
    ref = await channel.send(Delivery("42", make_dev(summary="<script>x</script> & co")))
    [message] = fake_bot_api.messages(42)
    assert ref == f"42:{message.message_id}"
    assert "<script>x</script> & co" in message.visible
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in message.text
    assert '<a href="https://example.org/a1">Observatory report</a>' in message.text


async def test_long_alert_is_split_into_valid_parts(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """An Arabic alert over 4,096 characters goes out as several parts the server accepts."""
    changes = [f"ارتفعت حصيلة القتلى <{i}> & أكثر في الباغوز" for i in range(200)]
    dev = make_dev(status="update", revision=2, lang="ar", changes=changes)
    channel = make_telegram()
    ref = await channel.send(Delivery("-1001", dev))
    messages = fake_bot_api.messages(-1001)
    assert len(messages) >= 2
    assert ref == f"-1001:{messages[0].message_id}"
    assert all(m.reply_to == messages[0].message_id for m in messages[1:])
    assert "<199> & أكثر" in messages[-1].visible + messages[-2].visible


async def test_immaterial_update_edits_previous_message(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """An update that is not material edits the earlier message in place and keeps its ref."""
    channel = make_telegram(private_interval_s=0.05)
    fake_bot_api.private_interval_s = 0.05
    ref = await channel.send(Delivery("7", make_dev()))
    update = make_dev(status="update", revision=2, changes=["sources: 2 → 3"])
    assert await channel.send(Delivery("7", update, previous_ref=ref, material=False)) == ref
    [message] = fake_bot_api.messages(7)
    assert message.edits == 1 and "sources: 2 → 3" in message.visible


async def test_material_update_replies_to_previous_message(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A material update is a new message replying to the earlier one."""
    channel = make_telegram(private_interval_s=0.05)
    fake_bot_api.private_interval_s = 0.05
    ref = await channel.send(Delivery("7", make_dev()))
    update = make_dev(status="update", revision=2, changes=["killed 388 → 400"])
    new_ref = await channel.send(Delivery("7", update, previous_ref=ref, material=True))
    first, second = fake_bot_api.messages(7)
    assert new_ref == f"7:{second.message_id}" != ref
    assert second.reply_to == first.message_id and first.edits == 0


async def test_edit_of_vanished_message_sends_new_one(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """If the earlier message cannot be found, the update is sent as a new message."""
    channel = make_telegram()
    ref = await channel.send(Delivery("8", make_dev(), previous_ref="8:999", material=False))
    [message] = fake_bot_api.messages(8)
    assert ref == f"8:{message.message_id}"


async def test_flood_429_delays_only_that_chat(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A 429 with retry_after=2 delays its chat ~2 s while another chat is served at once."""
    channel = make_telegram()
    fake_bot_api.script(100, flood(2))
    start = time.monotonic()
    flooded = asyncio.create_task(channel.send(Delivery("100", make_dev())))
    await asyncio.sleep(0.05)
    await channel.send(Delivery("200", make_dev()))
    other_done = time.monotonic() - start
    await flooded
    flooded_done = time.monotonic() - start
    assert other_done < 0.5, other_done
    assert 2.0 <= flooded_done < 3.0, flooded_done
    assert channel.stats.flood_429 == 1 and len(fake_bot_api.messages(100)) == 1


async def test_absurd_retry_after_is_retryable_and_fast(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A retry_after over max_retry_after_s raises RetryableError at once, also for the next send."""
    channel = make_telegram(max_retry_after_s=600)
    fake_bot_api.script(100, flood(3600))
    start = time.monotonic()
    for _ in range(2):
        with pytest.raises(RetryableError) as caught:
            await channel.send(Delivery("100", make_dev()))
        assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 3500
    assert time.monotonic() - start < 0.5
    assert fake_bot_api.scripted_replies == 1  # the second send never reached the server


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (BLOCKED, PermanentError),
        (CHAT_NOT_FOUND, PermanentError),
        (SERVER_ERROR, RetryableError),
        (Reply(500, "Internal Server Error"), RetryableError),
    ],
    ids=["403-blocked", "400-chat-not-found", "502", "500"],
)
async def test_error_statuses_map_to_retry_decision(
    fake_bot_api: FakeBotApi,
    make_telegram: MakeTelegram,
    make_dev: MakeDev,
    reply: Reply,
    error: type[Exception],
) -> None:
    """403 and chat-not-found are permanent; 5xx is retryable with a backoff delay."""
    fake_bot_api.script(5, reply)
    with pytest.raises(error) as caught:
        await make_telegram().send(Delivery("5", make_dev()))
    assert reply.description.split(":")[0] in str(caught.value)
    if isinstance(caught.value, RetryableError):
        assert caught.value.retry_after_s and caught.value.retry_after_s > 0


async def test_5xx_backoff_grows_per_chat(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """Consecutive 5xx on one chat double the suggested retry delay."""
    fake_bot_api.always(5, SERVER_ERROR)
    channel = make_telegram(private_interval_s=0.01)
    delays = []
    for _ in range(3):
        with pytest.raises(RetryableError) as caught:
            await channel.send(Delivery("5", make_dev()))
        delays.append(caught.value.retry_after_s)
    assert delays == [2.0, 4.0, 8.0]


async def test_slow_server_times_out_as_retryable(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A server slower than the request timeout gives a RetryableError, not a hang."""
    fake_bot_api.script(9, Reply(delay_s=2.0))
    with pytest.raises(RetryableError, match="TimedOut"):
        await make_telegram(request_timeout_s=0.3).send(Delivery("9", make_dev()))


async def test_unreachable_server_is_retryable(make_dev: MakeDev) -> None:
    """A closed port (connection refused) gives a RetryableError."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    channel = TelegramChannel("1:closed-port-token", base_url=f"http://127.0.0.1:{port}/bot")
    try:
        with pytest.raises(RetryableError, match="unreachable"):
            await channel.send(Delivery("1", make_dev()))
    finally:
        await channel.close()


async def test_refused_token_is_channel_auth_error(make_telegram: MakeTelegram, make_dev: MakeDev) -> None:
    """A token the server rejects raises ChannelAuthError (a PermanentError)."""
    with pytest.raises(ChannelAuthError):
        await make_telegram(token="999:wrong-token-value").send(Delivery("1", make_dev()))


async def test_private_chat_limit_paces_without_429(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """Four messages to one private chat take about 3 s and cause zero 429s."""
    channel = make_telegram()
    start = time.monotonic()
    await asyncio.gather(*(channel.send(Delivery("11", make_dev())) for _ in range(4)))
    elapsed = time.monotonic() - start
    assert 3.0 <= elapsed < 4.0, elapsed
    assert fake_bot_api.flood_429s == 0 and len(fake_bot_api.messages(11)) == 4


async def test_group_burst_of_twenty_without_429(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """Twenty messages to one group go out at once (20/min) with zero 429s."""
    channel = make_telegram()
    start = time.monotonic()
    await asyncio.gather(*(channel.send(Delivery("-100123", make_dev())) for _ in range(20)))
    assert time.monotonic() - start < 1.5
    assert fake_bot_api.flood_429s == 0 and len(fake_bot_api.messages(-100123)) == 20


async def test_global_limit_across_many_chats(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """Sixty messages to sixty chats stay under 30/s with zero 429s and take about 1–2 s."""
    channel = make_telegram()
    start = time.monotonic()
    await asyncio.gather(*(channel.send(Delivery(str(1000 + i), make_dev())) for i in range(60)))
    elapsed = time.monotonic() - start
    assert fake_bot_api.flood_429s == 0
    assert fake_bot_api.peak_rate(1.0) <= 30
    assert elapsed >= 1.0 and elapsed < 3.0, elapsed
    print(f"60 messages in {elapsed:.2f}s = {60 / elapsed:.1f}/s, limit 30/s, 0 x 429")


async def test_uncooperative_client_is_flooded_by_fake(fake_bot_api: FakeBotApi) -> None:
    """The fake really enforces limits: a raw second message within 1 s to a chat gets 429."""
    import aiohttp

    url = f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        for expected in (200, 429):
            async with session.post(url, json={"chat_id": 3, "text": "hi"}) as response:
                body = await response.json()
                assert response.status == expected
        assert body["parameters"]["retry_after"] >= 1
    assert fake_bot_api.flood_429s == 1


async def test_migrated_group_names_new_chat(
    fake_bot_api: FakeBotApi, make_telegram: MakeTelegram, make_dev: MakeDev
) -> None:
    """A group upgraded to a supergroup is permanent, and the error names the new chat id."""
    upgraded = "Bad Request: group chat was upgraded to a supergroup chat"
    fake_bot_api.script(-77, Reply(400, upgraded, migrate_to_chat_id=-1001234))
    with pytest.raises(PermanentError, match=r"upgraded.*migrate_to_chat_id=-1001234"):
        await make_telegram().send(Delivery("-77", make_dev()))
