"""The Telegram bot where chats manage their subscription (python-telegram-bot, long polling).

A chat's subscription is the store row (channel "telegram", target str(chat_id)); everything
about it lives in its `filters` JSON (see `bot_filters`) and its `mode`. Private chats change
their own; in groups and channels only admins may (getChatMember: creator or administrator;
a channel post comes from an admin by construction). Commands in channels arrive as
`channel_post` updates. Replies are HTML with every piece of user text escaped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from telegram import BotCommand, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from services.notifier import bot_filters as bf
from services.notifier.bot_texts import COMMANDS, button, describe, keyboard, lang_of, text
from services.notifier.channels._redact import forget_secret, redact, register_secret
from services.notifier.channels.telegram import DEFAULT_BASE_URL, TelegramSettings
from shared.errors import ConfigError
from shared.logging import get_logger
from shared.store import Store

__all__ = ["SubscriptionBot", "build_application", "load_telegram_settings", "run_bot"]

log = get_logger("bot")
CHANNEL = "telegram"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY]
ADMINS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
CHANGES = {"subscribe", "unsubscribe", "mute", "quiet"}  # commands only admins may use in groups
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_NO_TOKEN = "FRONTWATCH_TELEGRAM_TOKEN (or _TOKEN_FILE) is not set"
Ctx = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def utcnow() -> datetime:
    return datetime.now(UTC)


Command = Callable[[Update, Ctx, bf.Turn], Awaitable[None]]


class SubscriptionBot:
    """Handlers for the commands and buttons; state is the store plus PTB's in-memory chat_data."""

    def __init__(self, store: Store, *, now: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.now = now

    async def load(self, chat_id: int) -> bf.Subscription | None:
        row = await self.store.get_subscription(CHANNEL, str(chat_id))
        if row is None:
            return None
        return bf.Subscription(dict(row["filters"] or {}), row["mode"], bool(row["paused"]))

    async def save(self, chat_id: int, sub: bf.Subscription) -> None:
        await self.store.add_subscription(
            CHANNEL, str(chat_id), filters=sub.filters, mode=sub.mode, now=self.now()
        )

    @staticmethod
    def lang(update: Update, context: Ctx, sub: bf.Subscription | None) -> str:
        chosen = (sub.filters.get("ui_lang") if sub else None) or (context.chat_data or {}).get("ui_lang")
        user = update.effective_user
        return lang_of(chosen or (user.language_code if user else None))

    @staticmethod
    async def allowed(update: Update, context: Ctx) -> bool:
        """Private chats and admins of groups/channels may change a chat's subscription."""
        chat, message, user = update.effective_chat, update.effective_message, update.effective_user
        if chat is None:
            return False
        if chat.type == ChatType.PRIVATE or update.channel_post is not None:
            return True
        if update.callback_query is None and message is not None and message.sender_chat is not None:
            return message.sender_chat.id == chat.id  # an anonymous admin posting as the group
        if user is None:
            return False
        member = await context.bot.get_chat_member(chat.id, user.id)
        return member.status in ADMINS

    @staticmethod
    async def reply(update: Update, body: str, markup: InlineKeyboardMarkup | None = None) -> None:
        if (message := update.effective_message) is not None:
            await message.reply_text(
                body, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=_NO_PREVIEW
            )

    def command(self, handler: Command, *, change: bool) -> Handler:
        """Wrap a handler: load the chat's state, refuse non-admin changes, answer FilterErrors."""

        async def run(update: Update, context: Ctx) -> None:
            if (chat := update.effective_chat) is None:
                return
            sub = await self.load(chat.id)
            lang = self.lang(update, context, sub)
            message = update.effective_message
            args = bf.tokenize((message.text or "") if message else "")[1:]  # after the command
            try:
                if change and not await self.allowed(update, context):
                    raise bf.FilterError("admins_only")
                await handler(update, context, bf.Turn(chat.id, lang, sub, args))
            except bf.FilterError as exc:
                await self.reply(update, text(lang, exc.key, **exc.params))

        return run

    async def cmd_start(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        await self.reply(update, text(turn.lang, "welcome"), keyboard("w", turn.lang, {}))

    async def cmd_help(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        await self.reply(update, text(turn.lang, "help"))

    async def cmd_list(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        sub = turn.need_sub()
        await self.reply(
            update, describe(turn.lang, sub.filters, sub.mode, paused=sub.paused, now=self.now())
        )

    async def cmd_settings(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        sub = turn.need_sub()
        await self.reply(update, text(turn.lang, "settings"), keyboard("s", turn.lang, sub.filters, sub.mode))

    async def cmd_subscribe(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        sub = turn.sub or bf.Subscription({"ui_lang": turn.lang})
        parsed = bf.parse_args(turn.args)
        sub.filters, sub.mode = bf.merge(sub.filters, parsed), parsed.mode or sub.mode
        await self.save(turn.chat_id, sub)
        if turn.args:
            await self._updated(update, turn.lang, sub)
        else:
            head = "" if turn.sub else text(turn.lang, "subscribed_new") + "\n"
            await self.reply(
                update, head + text(turn.lang, "subscribe_pick"), keyboard("l", turn.lang, sub.filters)
            )

    async def cmd_unsubscribe(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        sub = turn.need_sub()
        if turn.args:
            sub.filters = bf.apply_removals(sub.filters, bf.parse_args(turn.args))
            await self.save(turn.chat_id, sub)
            await self._updated(update, turn.lang, sub)
            return
        await self.store.remove_subscription(CHANNEL, str(turn.chat_id))
        if context.chat_data is not None:
            context.chat_data["ui_lang"] = turn.lang
        await self.reply(update, text(turn.lang, "unsubscribed"))

    async def _updated(self, update: Update, lang: str, sub: bf.Subscription) -> None:
        await self.reply(update, text(lang, "updated") + "\n\n" + describe(lang, sub.filters, sub.mode))

    async def _set(self, turn: bf.Turn, key: str, value: Any) -> None:
        sub = turn.need_sub()
        sub.filters = {k: v for k, v in sub.filters.items() if k != key}
        if value is not None:
            sub.filters[key] = value
        await self.save(turn.chat_id, sub)

    async def cmd_mute(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        turn.need_sub()
        if not turn.args:
            raise bf.FilterError("mute_usage")
        off = turn.args[0].casefold() in ("off", "0", "إيقاف")
        until = None if off else bf.mute_until(self.now(), bf.parse_duration("".join(turn.args)))
        await self._set(turn, "muted_until", until)
        await self.reply(
            update,
            text(turn.lang, "muted", until=until[:16].replace("T", " "))
            if until
            else text(turn.lang, "unmuted"),
        )

    async def cmd_quiet(self, update: Update, context: Ctx, turn: bf.Turn) -> None:
        tz = (turn.need_sub().filters.get("quiet_hours") or {}).get("tz", "UTC")
        quiet = bf.parse_quiet(turn.args, tz)
        await self._set(turn, "quiet_hours", quiet)
        await self.reply(
            update, text(turn.lang, "quiet_set", **quiet) if quiet else text(turn.lang, "quiet_off")
        )

    async def on_button(self, update: Update, context: Ctx) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        screen, action, value = [*(query.data or "").split(":", 3), "", "", ""][1:4]
        sub = await self.load(chat.id)
        lang = self.lang(update, context, sub)
        if action == "done":
            await self._edit(query, None)
            await query.answer(button(lang, "closed"))
            return
        try:
            if not await self.allowed(update, context):
                raise bf.FilterError("admins_only")
            if sub is None and action != "ui":
                raise bf.FilterError("not_subscribed")
            filters, mode = bf.apply_button(
                sub.filters if sub else {}, sub.mode if sub else "", action, value
            )
        except bf.FilterError as exc:
            await query.answer(button(lang, exc.key), show_alert=True)
            return
        if action == "ui" and context.chat_data is not None:
            context.chat_data["ui_lang"] = value
        if sub is not None:
            sub.filters, sub.mode = filters, mode
            await self.save(chat.id, sub)
        new_lang = lang_of(filters.get("ui_lang", lang))
        markup = keyboard(screen, new_lang, filters, mode)
        if new_lang != lang:
            key = {"w": "welcome", "s": "settings"}.get(screen, "subscribe_pick")
            await query.edit_message_text(text(new_lang, key), parse_mode=ParseMode.HTML, reply_markup=markup)
        else:
            await self._edit(query, markup)
        await query.answer(button(new_lang, "lang_set" if action == "ui" else "saved"))

    @staticmethod
    async def _edit(query: Any, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await query.edit_message_reply_markup(reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def on_error(self, update: object, context: Ctx) -> None:
        err = context.error
        log.error(
            "bot_update_failed",
            error=type(err).__name__,
            detail=redact(str(err))[:300],
            update_id=getattr(update, "update_id", None),
        )


def build_application(
    store: Store, token: str, *, base_url: str | None = None, now: Callable[[], datetime] = utcnow
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application with the bot's handlers; `base_url` (ending in /bot) points it elsewhere."""
    bot = SubscriptionBot(store, now=now)
    app = Application.builder().token(token).base_url(base_url or DEFAULT_BASE_URL).build()
    commands = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST  # not edits
    for name in ("start", "help", "list", "settings", "subscribe", "unsubscribe", "mute", "quiet"):
        handler = bot.command(getattr(bot, f"cmd_{name}"), change=name in CHANGES)
        app.add_handler(CommandHandler(name, handler, filters=commands))
    app.add_handler(CallbackQueryHandler(bot.on_button, pattern=r"^fw:"))
    app.add_error_handler(bot.on_error)
    return app


def load_telegram_settings() -> TelegramSettings:
    """`FRONTWATCH_TELEGRAM_*` settings, with a ConfigError naming the bad variable."""
    try:
        settings = TelegramSettings()
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"FRONTWATCH_TELEGRAM_{str(err['loc'][0]).upper()}: {err['msg']}") from None
    if settings.secret() is None:
        raise ConfigError(_NO_TOKEN)
    return settings


async def run_bot(
    store: Store,
    settings: TelegramSettings,
    stop: asyncio.Event,
    *,
    now: Callable[[], datetime] = utcnow,
    poll_timeout_s: int = 30,
) -> None:
    """Long-poll updates and answer them until `stop` is set; then stop polling in order."""
    token = settings.secret()
    if token is None or not token.get_secret_value():
        raise ConfigError(_NO_TOKEN)
    secret = token.get_secret_value()
    register_secret(secret)
    app = build_application(store, secret, base_url=settings.api_url, now=now)
    try:
        async with app:
            for lang, commands in COMMANDS.items():  # the command menu, English by default
                await app.bot.set_my_commands(
                    [BotCommand(c, d) for c, d in commands], language_code=None if lang == "en" else lang
                )
            assert app.updater is not None
            await app.updater.start_polling(timeout=poll_timeout_s, allowed_updates=ALLOWED_UPDATES)
            await app.start()
            log.info("bot_started", username=app.bot.username)
            try:
                await stop.wait()
            finally:
                await app.updater.stop()
                await app.stop()
                log.info("bot_stopped")
    finally:
        forget_secret(secret)
