"""A local fake of the Telegram Bot API (aiohttp.web) that speaks the real protocol.

It enforces the documented flood limits on receive time (per private chat 1/s, per group or
channel 20/min, 30/s overall), answering 429 with `parameters.retry_after` and counting every
429 it had to send. It validates the HTML the way Telegram does (allowed tags, balanced nesting,
known entities, 4,096 UTF-16 units after parsing), and can be scripted per chat to answer 429,
403, 400, 5xx or to answer slowly. Used by tests and by the lead's end-to-end tests and benchmarks.

For bots it also serves updates by long polling: `push_update({...})` queues an update for
`getUpdates`; `answerCallbackQuery`, `editMessageReplyMarkup`, `getChatMember` (scripted with
`set_member`), `setMyCommands` and `deleteWebhook` answer like the Bot API and are recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

__all__ = ["BLOCKED", "CHAT_NOT_FOUND", "SERVER_ERROR", "FakeBotApi", "Reply", "Sent", "flood"]

TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijkl"
MAX_TEXT_UNITS = 4096
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "blockquote",
}
_TOKEN_RE = re.compile(r"<[^<>]*>|&[^;&<\s]{1,10};|[<&]|[^<&]+")
_TAG_RE = re.compile(r"<(/?)([a-z][a-z0-9-]*)(\s[^<>]*)?>\Z")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);\Z")


@dataclass(frozen=True)
class Reply:
    """A scripted answer: an error status (with description, retry_after) and/or a delay."""

    status: int = 200
    description: str = ""
    retry_after: int | None = None
    delay_s: float = 0.0
    migrate_to_chat_id: int | None = None


def flood(retry_after: int) -> Reply:
    """A 429 Too Many Requests with `parameters.retry_after`."""
    return Reply(429, f"Too Many Requests: retry after {retry_after}", retry_after)


BLOCKED = Reply(403, "Forbidden: bot was blocked by the user")
CHAT_NOT_FOUND = Reply(400, "Bad Request: chat not found")
SERVER_ERROR = Reply(502, "Bad Gateway")


@dataclass
class Sent:
    """A message as the fake holds it (edits update `text` and count in `edits`)."""

    chat_id: int | str
    message_id: int
    text: str
    reply_to: int | None
    received_at: float
    visible: str = ""
    edits: int = 0
    reply_markup: dict[str, Any] | None = None


def parse_telegram_html(text: str) -> str:
    """Return the visible text of Telegram HTML, or raise ValueError like the Bot API's 400."""
    stack: list[str] = []
    out: list[str] = []
    for tok in _TOKEN_RE.findall(text):
        if tok.startswith("<") and len(tok) > 1:
            match = _TAG_RE.match(tok)
            if match is None or match.group(2) not in ALLOWED_TAGS:
                raise ValueError(f"can't parse entities: unsupported start tag {tok!r}")
            if match.group(1):
                if not stack or stack.pop() != match.group(2):
                    raise ValueError(f"can't parse entities: unexpected end tag {tok!r}")
            else:
                stack.append(match.group(2))
        elif tok.startswith("&") and len(tok) > 1:
            if not _ENTITY_RE.match(tok):
                raise ValueError(f"can't parse entities: unsupported entity {tok!r}")
            out.append(html.unescape(tok))
        elif tok in ("<", "&"):
            raise ValueError(f"can't parse entities: unescaped {tok!r}")
        else:
            out.append(tok)
    if stack:
        raise ValueError(f"can't parse entities: unclosed tag <{stack[-1]}>")
    return "".join(out)


@dataclass
class FakeBotApi:
    """The server. `async with FakeBotApi() as api:` then `TelegramChannel(api.token,
    base_url=api.base_url)`. Inspect `sent`, `accepted_at`, `flood_429s`, `scripted_replies`."""

    token: str = TOKEN
    private_interval_s: float = 1.0
    group_per_min: int = 20
    global_per_s: int = 30
    enforce_limits: bool = True
    sent: list[Sent] = field(default_factory=list)
    accepted_at: list[tuple[float, int | str]] = field(default_factory=list)
    flood_429s: int = 0  # 429s caused by exceeding a limit: requests the client wasted
    flood_429s_by_chat: dict[int | str, int] = field(default_factory=lambda: defaultdict(int))
    scripted_replies: int = 0
    requests: int = 0
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    my_commands: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._scripts: dict[int | str, deque[Reply]] = defaultdict(deque)
        self._always: dict[int | str, Reply] = {}
        self._by_chat: dict[int | str, deque[float]] = defaultdict(deque)
        self._global: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._new_update = asyncio.Event()
        self._members: dict[tuple[int | str, int], str] = {}

    @property
    def base_url(self) -> str:
        """The value for `telegram.Bot(base_url=...)`: the token is appended by the client."""
        return f"http://127.0.0.1:{self.port}/bot"

    def script(self, chat_id: int | str, *replies: Reply) -> None:
        """Answer the next requests for `chat_id` with `replies`, in order, then normally."""
        self._scripts[chat_id].extend(replies)

    def always(self, chat_id: int | str, reply: Reply | None) -> None:
        """Answer every request for `chat_id` with `reply` (None to stop)."""
        if reply is None:
            self._always.pop(chat_id, None)
        else:
            self._always[chat_id] = reply

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for `getUpdates` (an `update_id` is assigned if missing); return its id."""
        update = dict(update)
        update.setdefault("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, int(update["update_id"])) + 1
        self._updates.append(update)
        self._new_update.set()
        return int(update["update_id"])

    def set_member(self, chat_id: int | str, user_id: int, status: str) -> None:
        """Script `getChatMember`: "creator", "administrator", "member", "left" (default "member")."""
        self._members[(chat_id, user_id)] = status

    def messages(self, chat_id: int | str) -> list[Sent]:
        """Messages currently in `chat_id`, oldest first."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def peak_rate(self, window_s: float = 1.0) -> int:
        """The most accepted sends/edits in any window of `window_s` (measured on receive time)."""
        times = sorted(t for t, _ in self.accepted_at)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - window_s:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._new_update.set()  # long polls waiting for updates return now
        if self._runner is not None:
            await self._runner.cleanup()

    # --- protocol -------------------------------------------------------------------------

    @staticmethod
    def _answer(
        status: int, description: str, retry_after: int | None = None, migrate_to: int | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        if migrate_to is not None:
            body["parameters"] = {"migrate_to_chat_id": migrate_to}
        return web.json_response(body, status=status)

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        params: dict[str, Any] = dict(await request.post())
        for key in ("reply_parameters", "link_preview_options", "reply_markup"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        chat = str(params.get("chat_id", ""))
        if chat.lstrip("-").isdigit():
            params["chat_id"] = int(chat)
        return params

    def _flood_wait(self, chat_id: int | str, now: float) -> int | None:
        """Seconds to wait if accepting a message now would break a limit, else None."""
        if not self.enforce_limits:
            return None
        while self._global and self._global[0] <= now - 1.0:
            self._global.popleft()
        if len(self._global) >= self.global_per_s:
            return 1
        recent = self._by_chat[chat_id]
        private = isinstance(chat_id, int) and chat_id > 0
        window, limit = (self.private_interval_s, 1) if private else (60.0, self.group_per_min)
        while recent and recent[0] <= now - window:
            recent.popleft()
        if len(recent) >= limit:
            return max(1, int(recent[0] + window - now + 0.999))
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if request.match_info["token"] != self.token:
            return self._answer(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getMe":
            me = {
                "id": int(self.token.split(":")[0]),
                "is_bot": True,
                "first_name": "Fake",
                "username": "fake_frontwatch_bot",
            }
            return web.json_response({"ok": True, "result": me})
        if method in _BOT_METHODS:
            return await getattr(self, _BOT_METHODS[method])(params)
        if method not in ("sendMessage", "editMessageText"):
            return self._answer(404, "Not Found: method not found")
        chat_id = params.get("chat_id", "")
        scripted = self._scripts[chat_id].popleft() if self._scripts[chat_id] else None
        scripted = scripted or self._always.get(chat_id)
        if scripted is not None:
            self.scripted_replies += 1
            if scripted.delay_s:
                await asyncio.sleep(scripted.delay_s)
            if scripted.status != 200:
                return self._answer(
                    scripted.status,
                    scripted.description,
                    scripted.retry_after,
                    scripted.migrate_to_chat_id,
                )
        now = time.monotonic()
        wait = self._flood_wait(chat_id, now)
        if wait is not None:
            self.flood_429s += 1
            self.flood_429s_by_chat[chat_id] += 1
            return self._answer(429, f"Too Many Requests: retry after {wait}", wait)
        text = str(params.get("text", ""))
        try:
            visible = parse_telegram_html(text) if params.get("parse_mode") == "HTML" else text
        except ValueError as exc:
            return self._answer(400, f"Bad Request: {exc}")
        if not visible.strip():
            return self._answer(400, "Bad Request: message text is empty")
        if len(visible.encode("utf-16-le")) // 2 > MAX_TEXT_UNITS:
            return self._answer(400, "Bad Request: message is too long")
        if method == "editMessageText":
            return self._edit(params, chat_id, text, visible, now)
        reply = (params.get("reply_parameters") or {}).get("message_id")
        message = Sent(
            chat_id, len(self.sent) + 1, text, reply, now, visible, reply_markup=params.get("reply_markup")
        )
        self._accept(message.chat_id, now)
        self.sent.append(message)
        return web.json_response({"ok": True, "result": self._message_json(message)})

    def _edit(
        self, params: dict[str, Any], chat_id: int | str, text: str, visible: str, now: float
    ) -> web.Response:
        message_id = int(params.get("message_id", 0))
        found = [m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id]
        if not found:
            return self._answer(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")  # an edit without a keyboard removes it, as in Telegram
        if found[0].text == text and found[0].reply_markup == markup:
            return self._answer(
                400,
                "Bad Request: message is not modified: specified new "
                "message content and reply markup are exactly the same",
            )
        self._accept(chat_id, now)
        found[0].text, found[0].visible, found[0].reply_markup = text, visible, markup
        found[0].edits += 1
        return web.json_response({"ok": True, "result": self._message_json(found[0])})

    def _accept(self, chat_id: int | str, now: float) -> None:
        self._global.append(now)
        self._by_chat[chat_id].append(now)
        self.accepted_at.append((now, chat_id))

    def _message_json(self, message: Sent) -> dict[str, Any]:
        chat_id = message.chat_id
        kind = "private" if isinstance(chat_id, int) and chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id if isinstance(chat_id, int) else -100, "type": kind}
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat,
            "text": message.visible,
            "from": {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "Fake"},
        }
        if message.edits:
            result["edit_date"] = int(time.time())
        if message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    # --- bot methods: updates, callback answers, keyboards, chat members --------------------

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed ones go
        if not self._updates:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), float(params.get("timeout") or 0))
        limit = int(params.get("limit") or 100)
        return self._ok([u for u in self._updates if u["update_id"] >= offset][:limit])

    async def _answer_callback_query(self, params: dict[str, Any]) -> web.Response:
        self.callback_answers.append(params)
        return self._ok(True)

    async def _set_my_commands(self, params: dict[str, Any]) -> web.Response:
        commands = params.get("commands")
        params["commands"] = json.loads(commands) if isinstance(commands, str) else commands
        self.my_commands.append(params)
        return self._ok(True)

    async def _delete_webhook(self, params: dict[str, Any]) -> web.Response:
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return self._ok(True)

    async def _edit_reply_markup(self, params: dict[str, Any]) -> web.Response:
        message_id = int(params.get("message_id", 0))
        found = [m for m in self.sent if m.chat_id == params.get("chat_id") and m.message_id == message_id]
        if not found:
            return self._answer(400, "Bad Request: message to edit not found")
        if found[0].reply_markup == params.get("reply_markup"):
            return self._answer(
                400,
                "Bad Request: message is not modified: specified new "
                "message content and reply markup are exactly the same",
            )
        found[0].reply_markup = params.get("reply_markup")
        found[0].edits += 1
        return self._ok(self._message_json(found[0]))

    async def _get_chat_member(self, params: dict[str, Any]) -> web.Response:
        user_id = int(params.get("user_id", 0))
        status = self._members.get((params.get("chat_id", ""), user_id), "member")
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "User"},
        }
        if status in ("creator", "administrator"):
            member["is_anonymous"] = False
        if status == "administrator":
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False)
        return self._ok(member)


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
_BOT_METHODS = {
    "getUpdates": "_get_updates",
    "answerCallbackQuery": "_answer_callback_query",
    "setMyCommands": "_set_my_commands",
    "deleteWebhook": "_delete_webhook",
    "editMessageReplyMarkup": "_edit_reply_markup",
    "getChatMember": "_get_chat_member",
}
