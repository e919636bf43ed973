"""The bot's own texts in English and Arabic (Telegram HTML), and a right-to-left-safe formatter.

Templates are trusted HTML; every parameter is escaped. In Arabic each line starts with a
RIGHT-TO-LEFT MARK (so a line opening with a number, a command or a Latin name still reads
right to left) and each parameter is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE,
so "Baghuz", "killed ≥ 10" or "22:00–07:00" keep their own order inside Arabic sentences.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from services.notifier.bot_filters import KILLED_PRESETS, LABELS, MODES, QUIET_PRESETS, SOURCE_LANGS
from services.notifier.render import vocabulary

__all__ = ["COMMANDS", "FSI", "PDI", "RLM", "button", "describe", "keyboard", "lang_of", "text"]

RLM, FSI, PDI = "\u200f", "\u2068", "\u2069"

_EN: dict[str, str] = {
    "welcome": "<b>Frontwatch</b> sends alerts when a town changes hands, fighters surrender or a "
    "casualty toll rises.\nChoose your language, then /subscribe. /help lists commands.",
    "help": "<b>Commands</b>\n"
    "/subscribe — all alerts, then tap labels to narrow them\n"
    "/subscribe <code>surrender Baghuz place:Hajin lang:ar killed&gt;=10</code> — add labels, "
    "words, places, source languages, thresholds\n"
    "/subscribe <code>re:hajin|susah</code> — a pattern (RE2 syntax)\n"
    "/unsubscribe — stop everything; /unsubscribe <code>Baghuz</code> — remove one item\n"
    "/list — your filters\n/mute <code>2h</code> (30m, 1d, off) — pause alerts\n"
    "/quiet <code>22:00-07:00 Asia/Damascus</code> (or off) — no alerts at night\n"
    "/settings — labels, languages, delivery, thresholds, quiet hours\n"
    "In groups and channels only admins change settings.",
    "subscribed_new": "Subscribed. You get every development until you narrow it down.",
    "subscribe_pick": "Tap labels to choose what you get (none selected means all):",
    "updated": "Subscription updated.",
    "unsubscribed": "Unsubscribed. /subscribe to start again.",
    "not_subscribed": "This chat has no subscription yet. Use /subscribe.",
    "muted": "Muted until {until} UTC.",
    "unmuted": "Alerts resumed.",
    "mute_usage": "Use /mute with a duration: <code>30m</code>, <code>2h</code>, <code>1d</code>, or "
    "<code>off</code>.",
    "quiet_set": "Quiet hours: {start}–{end} ({tz}).",
    "quiet_off": "Quiet hours off.",
    "settings": "<b>Settings</b> — tap to change.",
    "admins_only": "Sorry, only the admins of this chat can change its alerts.",
    "lang_set": "Language: English.",
    "saved": "Saved.",
    "closed": "Done.",
    "err_button": "That button is out of date; send /settings again.",
    "err_pattern": "That pattern is not valid: {detail}. Patterns use RE2 syntax "
    "(no backreferences or lookarounds).",
    "err_word_length": "Words and places must have 1 to {max} characters.",
    "err_too_many": "At most {max} keywords or places per subscription.",
    "err_lang": "Unknown language “{value}”. Choose from: {choices}.",
    "err_mode": "Unknown delivery “{value}”. Choose from: {choices}.",
    "err_duration": "“{value}” is not a duration. Use 30m, 2h, 1d (at most 30 days).",
    "err_quiet": "“{value}” is not a time range. Use e.g. <code>22:00-07:00</code>.",
    "err_timezone": "Unknown time zone “{value}”. Use e.g. <code>Asia/Damascus</code>.",
    "f_labels": "Labels",
    "f_keywords": "Keywords",
    "f_places": "Places",
    "f_langs": "Source languages",
    "f_min": "Thresholds",
    "f_bands": "Toll bands (10/50/100…)",
    "f_mode": "Delivery",
    "f_quiet": "Quiet hours",
    "f_muted": "Muted until",
    "f_paused": "Paused by delivery errors",
    "all": "all",
    "none": "none",
    "on": "on",
    "off": "off",
    "immediate": "immediate",
    "hourly": "hourly digest",
    "daily": "daily digest",
    "lang_en": "English",
    "lang_ar": "Arabic",
    "b_done": "Done",
    "b_bands": "Bands",
    "b_quiet_off": "No quiet hours",
    "b_min_off": "Any toll",
}

_AR: dict[str, str] = {
    "welcome": "<b>فرونت واتش</b> يرسل تنبيهات عندما تتغيّر السيطرة على بلدة أو يستسلم مقاتلون أو "
    "ترتفع حصيلة الضحايا.\nاختر اللغة ثم أرسل /subscribe. الأوامر في /help.",
    "help": "<b>الأوامر</b>\n"
    "/subscribe — كل التنبيهات، ثم اختر التصنيفات لتضييقها\n"
    "/subscribe <code>surrender Baghuz place:Hajin lang:ar killed&gt;=10</code> — إضافة "
    "تصنيفات وكلمات وأماكن ولغات مصادر وحدود دنيا\n"
    "/subscribe <code>re:hajin|susah</code> — نمط بصيغة RE2\n"
    "/unsubscribe — إيقاف كل شيء؛ /unsubscribe <code>Baghuz</code> — حذف عنصر واحد\n"
    "/list — مرشحاتك\n/mute <code>2h</code> (30m، 1d، off) — إيقاف التنبيهات مؤقتًا\n"
    "/quiet <code>22:00-07:00 Asia/Damascus</code> (أو off) — لا تنبيهات ليلًا\n"
    "/settings — التصنيفات واللغات وطريقة الإرسال والحدود وساعات الهدوء\n"
    "في المجموعات والقنوات يغيّر الإعدادات المشرفون فقط.",
    "subscribed_new": "تم الاشتراك. ستصلك كل التطورات إلى أن تضيّق الاختيار.",
    "subscribe_pick": "اختر التصنيفات التي تريدها (عدم اختيار أي تصنيف يعني الكل):",
    "updated": "تم تحديث الاشتراك.",
    "unsubscribed": "تم إلغاء الاشتراك. أرسل /subscribe للبدء من جديد.",
    "not_subscribed": "لا اشتراك في هذه المحادثة بعد. أرسل /subscribe.",
    "muted": "التنبيهات متوقفة حتى {until} بتوقيت UTC.",
    "unmuted": "استُؤنفت التنبيهات.",
    "mute_usage": "أرسل /mute مع مدة: <code>30m</code> أو <code>2h</code> أو <code>1d</code> أو "
    "<code>off</code>.",
    "quiet_set": "ساعات الهدوء: {start}–{end} ({tz}).",
    "quiet_off": "أُلغيت ساعات الهدوء.",
    "settings": "<b>الإعدادات</b> — اضغط للتغيير.",
    "admins_only": "عذرًا، يغيّر تنبيهات هذه المحادثة مشرفوها فقط.",
    "lang_set": "اللغة: العربية.",
    "saved": "تم الحفظ.",
    "closed": "تم.",
    "err_button": "هذا الزر قديم؛ أرسل /settings من جديد.",
    "err_pattern": "النمط غير صالح: {detail}. تستخدم الأنماط صيغة RE2 (بلا إحالات خلفية أو نظر أمامي).",
    "err_word_length": "يجب أن تكون الكلمات والأماكن من 1 إلى {max} حرفًا.",
    "err_too_many": "الحد الأقصى {max} كلمة أو مكانًا لكل اشتراك.",
    "err_lang": "لغة غير معروفة «{value}». اختر من: {choices}.",
    "err_mode": "طريقة إرسال غير معروفة «{value}». اختر من: {choices}.",
    "err_duration": "«{value}» ليست مدة. استخدم 30m أو 2h أو 1d (30 يومًا على الأكثر).",
    "err_quiet": "«{value}» ليست فترة زمنية. مثال: <code>22:00-07:00</code>.",
    "err_timezone": "منطقة زمنية غير معروفة «{value}». مثال: <code>Asia/Damascus</code>.",
    "f_labels": "التصنيفات",
    "f_keywords": "الكلمات",
    "f_places": "الأماكن",
    "f_langs": "لغات المصادر",
    "f_min": "الحدود الدنيا",
    "f_bands": "عتبات الحصيلة (10/50/100…)",
    "f_mode": "طريقة الإرسال",
    "f_quiet": "ساعات الهدوء",
    "f_muted": "متوقفة حتى",
    "f_paused": "متوقفة بسبب أخطاء الإرسال",
    "all": "الكل",
    "none": "لا شيء",
    "on": "مفعّل",
    "off": "معطّل",
    "immediate": "فوري",
    "hourly": "ملخص كل ساعة",
    "daily": "ملخص يومي",
    "lang_en": "الإنجليزية",
    "lang_ar": "العربية",
    "b_done": "تم",
    "b_bands": "العتبات",
    "b_quiet_off": "بلا ساعات هدوء",
    "b_min_off": "أي حصيلة",
}

_TEXTS = {"en": _EN, "ar": _AR}

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("start", "Welcome and language"),
        ("help", "How to use the bot"),
        ("subscribe", "Subscribe or add filters"),
        ("unsubscribe", "Stop alerts or remove a filter"),
        ("list", "Show this chat's filters"),
        ("mute", "Pause alerts: /mute 2h"),
        ("quiet", "Quiet hours: /quiet 22:00-07:00"),
        ("settings", "Change settings"),
    ],
    "ar": [
        ("start", "الترحيب واللغة"),
        ("help", "طريقة الاستخدام"),
        ("subscribe", "الاشتراك أو إضافة مرشحات"),
        ("unsubscribe", "إيقاف التنبيهات أو حذف مرشح"),
        ("list", "عرض مرشحات هذه المحادثة"),
        ("mute", "إيقاف مؤقت: /mute 2h"),
        ("quiet", "ساعات الهدوء: /quiet 22:00-07:00"),
        ("settings", "تغيير الإعدادات"),
    ],
}


def lang_of(code: str | None) -> str:
    """ "ar" for Arabic (any region), else "en"."""
    return "ar" if (code or "").lower().startswith("ar") else "en"


def _param(value: Any, lang: str) -> str:
    escaped = html.escape(str(value), quote=False)
    return f"{FSI}{escaped}{PDI}" if lang == "ar" else escaped


def _rtl(body: str) -> str:
    return "\n".join(RLM + line if line else line for line in body.split("\n"))


def text(lang: str, key: str, **params: Any) -> str:
    """The Telegram HTML for `key` in `lang`, parameters escaped (and isolated in Arabic)."""
    lang = lang_of(lang)
    body = _TEXTS[lang].get(key, _EN[key]).format(**{k: _param(v, lang) for k, v in params.items()})
    return _rtl(body) if lang == "ar" else body


def button(lang: str, key: str) -> str:
    """A plain-text label for an inline button (not HTML)."""
    return _TEXTS[lang_of(lang)].get(key, _EN[key])


def _line(lang: str, key: str, value: str) -> str:
    return f"<b>{_TEXTS[lang][key]}:</b> {value}"


def describe(
    lang: str, filters: Mapping[str, Any], mode: str, *, paused: bool = False, now: datetime | None = None
) -> str:
    """The /list answer: one line per filter, user text escaped, Arabic right-to-left safe."""
    lang = lang_of(lang)
    words, t = vocabulary(lang), _TEXTS[lang]

    def join(values: Any) -> str:
        return "، ".join(values) if lang == "ar" else ", ".join(values)

    def items(values: Any) -> str:
        return join(_param(v, lang) for v in values) if values else t["all"]

    def esc(value: Any) -> str:  # trusted vocabulary, but filters may come from a config file
        return html.escape(str(value), quote=False)

    minimum = filters.get("min") or {}
    quiet = filters.get("quiet_hours") or {}
    lines = [
        _line(lang, "f_labels", join(esc(words.get(x, x)) for x in filters.get("labels") or []) or t["all"]),
        _line(lang, "f_keywords", items(filters.get("keywords")) if filters.get("keywords") else t["none"]),
        _line(lang, "f_places", items(filters.get("places")) if filters.get("places") else t["none"]),
        _line(
            lang, "f_langs", join(esc(t.get(f"lang_{x}", x)) for x in filters.get("langs") or []) or t["all"]
        ),
        _line(
            lang,
            "f_min",
            join(_param(f"{words.get(k, k)} ≥ {n}", lang) for k, n in minimum.items()) or t["none"],
        ),
        _line(lang, "f_bands", t["on"] if filters.get("bands") else t["off"]),
        _line(lang, "f_mode", esc(t.get(mode, mode))),
        _line(
            lang,
            "f_quiet",
            _param(f"{quiet.get('start')}–{quiet.get('end')} ({quiet.get('tz', 'UTC')})", lang)
            if quiet
            else t["off"],
        ),
    ]
    muted = filters.get("muted_until")
    if muted and (now is None or datetime.fromisoformat(muted) > now):
        lines.append(_line(lang, "f_muted", _param(muted[:16].replace("T", " ") + " UTC", lang)))
    if paused:
        lines.append(f"<b>{t['f_paused']}</b>")
    body = "\n".join(lines)
    return _rtl(body) if lang == "ar" else body


def _mark(on: bool) -> str:
    return "✅ " if on else ""


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def keyboard(screen: str, lang: str, f: Mapping[str, Any], mode: str = "") -> InlineKeyboardMarkup:
    """The inline keyboard of a screen: "w" welcome, "l" labels (/subscribe), "s" settings."""
    words, p = vocabulary(lang), f"fw:{screen}:"
    ui = [
        (_mark(screen == "s" and lang == x) + n, f"{p}ui:{x}") for x, n in (("en", "English"), ("ar", "عربي"))
    ]
    if screen == "w":
        return _keyboard([ui])
    labels = [[(_mark(x in f.get("labels", [])) + words[x], f"{p}lbl:{x}")] for x in LABELS]
    done = [(button(lang, "b_done"), f"{p}done:")]
    if screen == "l":
        return _keyboard([*labels, done])
    killed = (f.get("min") or {}).get("killed", 0)
    qh = f.get("quiet_hours") or {}
    current_qh = f"{qh.get('start', '')[:2]}-{qh.get('end', '')[:2]}" if qh else "off"
    return _keyboard(
        [
            *labels,
            [
                (_mark(x in f.get("langs", [])) + button(lang, f"lang_{x}"), f"{p}lng:{x}")
                for x in SOURCE_LANGS
            ],
            [(_mark(mode == m) + button(lang, m), f"{p}mode:{m}") for m in MODES],
            [
                (
                    _mark(killed == n) + (f"{words['killed']} ≥ {n}" if n else button(lang, "b_min_off")),
                    f"{p}min:{n}",
                )
                for n in (0, *KILLED_PRESETS)
            ],
            [
                (_mark(bool(f.get("bands"))) + button(lang, "b_bands"), f"{p}bands:"),
                (_mark(current_qh == "off") + button(lang, "b_quiet_off"), f"{p}qh:off"),
            ],
            [(_mark(current_qh == k) + f"{a}–{b}", f"{p}qh:{k}") for k, (a, b) in QUIET_PRESETS.items()],
            ui,
            done,
        ]
    )
