"""The Telegram subscription bot: a real python-telegram-bot Application long-polling the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.notifier.bot import run_bot
from services.notifier.bot_texts import RLM
from services.notifier.channels.telegram import TelegramSettings
from services.notifier.rules import matches
from shared.store import Store
from tests.notifier.conftest import MakeDev
from tests.notifier.fake_bot_api import FakeBotApi, Sent

NOW = datetime(2019, 3, 3, 12, 0, tzinfo=UTC)
USER, ADMIN = 501, 502
PRIVATE, GROUP, CHANNEL = 501, -4001, -1001234
_ids = itertools.count(1000)


def _chat(chat_id: int) -> dict[str, Any]:
    kind = "private" if chat_id > 0 else "channel" if chat_id == CHANNEL else "supergroup"
    chat: dict[str, Any] = {"id": chat_id, "type": kind}
    if chat_id < 0:
        chat["title"] = "Frontwatch test"
    return chat


def _user(user_id: int, lang: str = "en") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Tester", "language_code": lang}


@dataclass
class Harness:
    """Drives the bot like Telegram does: updates in through getUpdates, answers out."""

    api: FakeBotApi
    store: Store
    clock: list[datetime] = field(default_factory=lambda: [NOW])

    async def until(self, condition: Callable[[], Any], what: str) -> None:
        deadline = time.monotonic() + 5
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def send(self, text: str, chat: int = PRIVATE, user: int = USER, lang: str = "en") -> Sent:
        """Send a command message (a channel post in the channel) and return the bot's reply."""
        before = len(self.api.messages(chat))
        command = text.split(maxsplit=1)[0]
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": _chat(chat),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
        if chat == CHANNEL:
            message["sender_chat"] = _chat(chat)
            self.api.push_update({"channel_post": message})
        else:
            message["from"] = _user(user, lang)
            self.api.push_update({"message": message})
        await self.until(lambda: len(self.api.messages(chat)) > before, f"a reply to {text!r}")
        return self.api.messages(chat)[-1]

    async def press(self, message: Sent, label: str, user: int = USER) -> dict[str, Any]:
        """Press the inline button whose text contains `label`; return the callback answer."""
        buttons = [b for row in (message.reply_markup or {})["inline_keyboard"] for b in row]
        data = next(b["callback_data"] for b in buttons if label in b["text"])
        query_id = str(next(_ids))
        bot_message = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": _chat(int(message.chat_id)),
            "text": message.visible,
            "from": {"id": 123456789, "is_bot": True, "first_name": "Fake"},
        }
        self.api.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": _user(user),
                    "chat_instance": "ci",
                    "data": data,
                    "message": bot_message,
                }
            }
        )
        await self.until(
            lambda: any(a.get("callback_query_id") == query_id for a in self.api.callback_answers),
            f"an answer to {label!r}",
        )
        return next(a for a in self.api.callback_answers if a.get("callback_query_id") == query_id)

    async def subscription(self, chat: int = PRIVATE) -> dict[str, Any] | None:
        rows = await self.store.list_subscriptions()
        return next((r for r in rows if r["channel"] == "telegram" and r["target"] == str(chat)), None)


def button_texts(message: Sent) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {})["inline_keyboard"] for b in row]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot running on a fresh SQLite store against the fake Bot API (limits off: one tester)."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.start()
    async with FakeBotApi(enforce_limits=False) as api:
        harness = Harness(api, store)
        stop = asyncio.Event()
        settings = TelegramSettings(token=api.token, api_url=api.base_url)
        task = asyncio.create_task(
            run_bot(store, settings, stop, now=lambda: harness.clock[0], poll_timeout_s=5)
        )
        await harness.until(lambda: len(api.my_commands) == 2 or task.done(), "the bot to start")
        await asyncio.sleep(0.05)
        yield harness
        stop.set()
        await asyncio.wait_for(task, 10)
    await store.close()


async def test_start_creates_nothing_until_subscribe(bot: Harness) -> None:
    """/start greets with a language keyboard and stores nothing; /subscribe then creates the subscription."""
    welcome = await bot.send("/start")
    assert "Frontwatch" in welcome.visible
    assert button_texts(welcome) == ["English", "عربي"]
    assert await bot.subscription() is None
    await bot.send("/subscribe")
    sub = await bot.subscription()
    assert sub is not None and sub["mode"] == "immediate" and sub["filters"] == {"ui_lang": "en"}


async def test_command_menu_is_published_in_english_and_arabic(bot: Harness) -> None:
    """The bot sets its command menu once by default (English) and once for Arabic clients."""
    by_lang = {c.get("language_code"): [x["command"] for x in c["commands"]] for c in bot.api.my_commands}
    assert set(by_lang) == {None, "ar"} and "subscribe" in by_lang[None] == by_lang["ar"]


async def test_subscribe_keyboard_toggles_labels(bot: Harness) -> None:
    """/subscribe without arguments shows the label keyboard; each press toggles a label in the store."""
    menu = await bot.send("/subscribe")
    assert any("Surrender" in t for t in button_texts(menu))
    answer = await bot.press(menu, "Surrender")
    assert answer["text"] == "Saved."
    assert (await bot.subscription())["filters"]["labels"] == ["surrender"]
    assert "✅ Surrender" in button_texts(menu)  # the keyboard was edited in place
    await bot.press(menu, "Casualty update")
    await bot.press(menu, "Surrender")
    assert (await bot.subscription())["filters"]["labels"] == ["casualty_update"]
    await bot.press(menu, "Done")
    assert menu.reply_markup is None


async def test_subscribe_keyword_then_matches_filters(bot: Harness, make_dev: MakeDev) -> None:
    """/subscribe Baghuz stores the keyword, and `matches` then passes only developments mentioning it."""
    reply = await bot.send("/subscribe Baghuz")
    assert "Baghuz" in reply.visible
    filters = (await bot.subscription())["filters"]
    assert filters["keywords"] == ["Baghuz"]
    assert matches(filters, make_dev(summary="SDF entered BAGHUZ camp.", places=[]))
    assert not matches(filters, make_dev(summary="Fighting near Hajin.", places=["Hajin"]))


async def test_mute_sets_muted_until(bot: Harness) -> None:
    """/mute 2h stores muted_until = now + 2 h in ISO UTC; /mute off clears it."""
    await bot.send("/subscribe")
    reply = await bot.send("/mute 2h")
    until = (await bot.subscription())["filters"]["muted_until"]
    assert datetime.fromisoformat(until) == NOW + timedelta(hours=2)
    assert "2019-03-03 14:00" in reply.visible
    await bot.send("/mute off")
    assert "muted_until" not in (await bot.subscription())["filters"]
    bad = await bot.send("/mute forever")
    assert "not a duration" in bad.visible


async def test_non_admin_in_group_cannot_change_settings(bot: Harness) -> None:
    """In a group, a plain member's /subscribe and button presses are refused and the store is unchanged."""
    bot.api.set_member(GROUP, ADMIN, "administrator")
    menu = await bot.send("/subscribe", chat=GROUP, user=ADMIN)
    before = await bot.subscription(GROUP)
    refusal = await bot.send("/subscribe surrender", chat=GROUP, user=USER)
    assert "only the admins" in refusal.visible
    answer = await bot.press(menu, "Surrender", user=USER)
    assert answer["show_alert"] in (True, "true", "True") and "admins" in answer["text"]
    refused = await bot.send("/unsubscribe", chat=GROUP, user=USER)
    assert "only the admins" in refused.visible
    assert await bot.subscription(GROUP) == before


async def test_admin_in_group_can_change_settings(bot: Harness) -> None:
    """A group's creator or administrator changes its subscription by command and by button."""
    bot.api.set_member(GROUP, ADMIN, "creator")
    await bot.send("/subscribe surrender", chat=GROUP, user=ADMIN)
    assert (await bot.subscription(GROUP))["filters"]["labels"] == ["surrender"]
    settings = await bot.send("/settings", chat=GROUP, user=USER)  # anyone may look
    await bot.press(settings, "hourly", user=ADMIN)
    await bot.press(settings, "22:00", user=ADMIN)
    await bot.press(settings, "≥ 50", user=ADMIN)
    sub = await bot.subscription(GROUP)
    assert sub["mode"] == "hourly"
    assert sub["filters"]["quiet_hours"] == {"start": "22:00", "end": "07:00", "tz": "UTC"}
    assert sub["filters"]["min"] == {"killed": 50}


async def test_channel_post_subscribe_by_the_channel(bot: Harness) -> None:
    """A /subscribe posted in a channel (a channel_post update) subscribes that channel."""
    reply = await bot.send("/subscribe surrender lang:ar", chat=CHANNEL)
    assert reply.chat_id == CHANNEL and "updated" in reply.visible
    sub = await bot.subscription(CHANNEL)
    assert sub["filters"]["labels"] == ["surrender"] and sub["filters"]["langs"] == ["ar"]


async def test_arabic_ui_after_choosing_arabic(bot: Harness) -> None:
    """Choosing عربي turns the bot's texts Arabic, right-to-left marked, with Latin input isolated."""
    welcome = await bot.send("/start")
    await bot.press(welcome, "عربي")
    assert "فرونت واتش" in welcome.visible and welcome.visible.startswith(RLM)
    help_text = await bot.send("/help")
    assert "الأوامر" in help_text.visible
    await bot.send("/subscribe")
    assert (await bot.subscription())["filters"]["ui_lang"] == "ar"
    listing = await bot.send("/subscribe Baghuz killed>=10")
    assert "الكلمات" in listing.visible and "\u2068Baghuz\u2069" in listing.visible
    assert all(line.startswith(RLM) for line in listing.visible.splitlines() if line)


async def test_arabic_client_gets_arabic_by_default(bot: Harness) -> None:
    """A user whose Telegram client is in Arabic gets Arabic texts before choosing anything."""
    reply = await bot.send("/help", lang="ar")
    assert "الأوامر" in reply.visible


async def test_catastrophic_pattern_runs_in_linear_time(bot: Harness, make_dev: MakeDev) -> None:
    """`re:(a+)+$` is stored as an RE2 pattern and matching a hostile 100k-character text stays fast."""
    await bot.send("/subscribe re:(a+)+$")
    filters = (await bot.subscription())["filters"]
    assert filters["keywords"] == ["re:(a+)+$"]
    hostile = make_dev(summary="a" * 100_000 + "!", places=[])
    started = time.perf_counter()
    assert not matches(filters, hostile)
    assert time.perf_counter() - started < 0.5


async def test_invalid_pattern_is_refused_with_a_clear_error(bot: Harness) -> None:
    """A pattern RE2 cannot run (a backreference) is refused with the reason and nothing is stored."""
    await bot.send("/subscribe")
    reply = await bot.send(r"/subscribe re:(a)\1")
    assert "not valid" in reply.visible and "RE2" in reply.visible
    assert "keywords" not in (await bot.subscription())["filters"]


async def test_user_html_is_escaped_in_replies(bot: Harness) -> None:
    """Raw HTML in a keyword comes back as text (the fake Bot API rejects unescaped tags)."""
    reply = await bot.send('/subscribe "<script>alert(1)</script>" <b>&amp;')
    assert "<script>alert(1)</script>" in reply.visible and "<b>&amp;" in reply.visible
    listing = await bot.send("/list")
    assert "<script>alert(1)</script>" in listing.visible


async def test_unsubscribe_item_then_everything(bot: Harness) -> None:
    """/unsubscribe Baghuz drops one keyword; /unsubscribe alone deletes the subscription."""
    await bot.send("/subscribe Baghuz Hajin surrender")
    await bot.send("/unsubscribe baghuz")
    filters = (await bot.subscription())["filters"]
    assert filters["keywords"] == ["Hajin"] and filters["labels"] == ["surrender"]
    await bot.send("/unsubscribe")
    assert await bot.subscription() is None
    reply = await bot.send("/list")
    assert "no subscription" in reply.visible


async def test_quiet_hours_command_with_time_zone(bot: Harness) -> None:
    """/quiet 22:00-07:00 Asia/Damascus stores the quiet_hours the notifier enforces."""
    await bot.send("/subscribe")
    await bot.send("/quiet 22:00-07:00 Asia/Damascus")
    quiet = (await bot.subscription())["filters"]["quiet_hours"]
    assert quiet == {"start": "22:00", "end": "07:00", "tz": "Asia/Damascus"}
    bad = await bot.send("/quiet 22:00-07:00 Mars/Olympus")
    assert "Unknown time zone" in bad.visible
