"""The page behind every mail's unsubscribe link, served beside /healthz by the notifier.

GET shows a confirmation button and changes nothing, because mail scanners open links; POST
(the button, or a mail client's RFC 8058 one-click request) pauses the subscription for good
(`frontwatch subscribers add` resumes it). Links are
signed with `FRONTWATCH_SMTP_UNSUBSCRIBE_SECRET`; without it the page refuses every link, since
an unsigned one would let anybody unsubscribe anybody.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from email.utils import parseaddr

from aiohttp import web

from shared.logging import get_logger
from shared.store import Store

__all__ = ["UNSUBSCRIBED", "unsubscribe_routes", "unsubscribe_token"]

UNSUBSCRIBED = "unsubscribed by the reader (unsubscribe link)"

log = get_logger("notifier.unsubscribe")

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>frontwatch</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto"><p>{body}</p></body></html>
"""


def unsubscribe_token(secret: str, address: str) -> str:
    """The signature an unsubscribe link carries for `address` (case-insensitive)."""
    return hmac.new(secret.encode(), address.lower().encode(), hashlib.sha256).hexdigest()[:32]


def _page(status: int, body: str) -> web.Response:
    return web.Response(
        status=status,
        text=_PAGE.format(body=body),
        content_type="text/html",
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )


def unsubscribe_routes(store: Store, secret: str | None, path: str = "/unsubscribe") -> list[web.RouteDef]:
    """GET and POST handlers for `path`, which reads `email` and `token` from the query."""

    def checked(request: web.Request) -> str | None:
        address = request.query.get("email", "").strip()
        token = request.query.get("token", "")
        if (
            not secret
            or "@" not in address
            or not hmac.compare_digest(unsubscribe_token(secret, address).encode(), token.encode())
        ):
            return None
        return address

    async def confirm(request: web.Request) -> web.Response:
        address = checked(request)
        if address is None:
            return _page(
                400,
                "This unsubscribe link is not valid. Ask the sender of the alerts to remove your address.",
            )
        return _page(
            200,
            f"Stop frontwatch alerts to <b>{html.escape(address)}</b>?</p>"
            f'<form method="post" action="{html.escape(str(request.rel_url), quote=True)}">'
            '<button type="submit">Unsubscribe</button></form><p>',
        )

    async def remove(request: web.Request) -> web.Response:
        address = checked(request)
        if address is None:
            return _page(400, "This unsubscribe link is not valid.")
        wanted = address.lower()
        paused = 0
        # Paused, not deleted: the config sync at start-up re-creates missing subscribers but
        # leaves existing rows alone, so a reader listed in the config stays unsubscribed.
        for sub in await store.list_subscriptions(active_only=True):
            if sub["channel"] == "email" and parseaddr(sub["target"])[1].lower() == wanted:
                await store.pause_subscription(sub["id"], UNSUBSCRIBED)
                paused += 1
        log.info("email_unsubscribed", subscriptions=paused)  # the address stays out of logs
        return _page(200, f"<b>{html.escape(address)}</b> will get no more frontwatch alerts.")

    return [web.get(path, confirm), web.post(path, remove)]
