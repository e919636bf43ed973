"""Composition: which services a process runs, on which store and broker."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TextIO

from aiohttp import web
from pydantic import ValidationError

from services.classifier.main import ClassifierService
from services.notifier.channels import Channel, build_channels
from services.notifier.channels.email import EmailChannel
from services.notifier.main import NotifierService
from services.notifier.unsubscribe import unsubscribe_routes
from services.poller.handler import Poller, PollerOptions
from services.runtime import Runtime, run_until
from shared.config import Settings
from shared.errors import ConfigError
from shared.health import HealthServer
from shared.logging import get_logger

__all__ = ["ROLES", "run_services"]

log = get_logger("app")
ROLES = ("poller", "classifier", "notifier")
Loop = Callable[[asyncio.Event], Coroutine[Any, Any, Any]]


async def _sync_config(rt: Runtime, settings: Settings, roles: Sequence[str]) -> None:
    """Copy the feeds and subscribers of the config file into the store (idempotent)."""
    now = rt.now()
    if "poller" in roles:
        for feed in settings.feeds:
            await rt.store.add_feed(feed.url, now=now, name=feed.name, encoding=feed.encoding)
    if "notifier" in roles:
        for sub in settings.subscribers:
            # Insert only: what a subscriber changed since (through the bot) is theirs to keep.
            await rt.store.ensure_subscription(
                sub.channel, sub.target, now=now, mode=sub.mode, filters={"labels": sub.labels}
            )
        if settings.console_alerts:
            await rt.store.ensure_subscription("console", "stdout", now=now, mode="immediate", filters={})


def _channels(settings: Settings, console: TextIO | None) -> dict[str, Channel]:
    try:
        return build_channels(console=settings.console_alerts, console_stream=console or sys.stdout)
    except ValidationError as exc:
        err = exc.errors()[0]
        prefix = "FRONTWATCH_TELEGRAM_" if exc.title == "TelegramSettings" else "FRONTWATCH_SMTP_"
        name = prefix + "_".join(str(p) for p in err["loc"]).upper()
        raise ConfigError(f"{name}: {err['msg']}") from None


async def _serve_health(rt: Runtime, port: int, routes: Sequence[web.RouteDef]) -> HealthServer:

    async def broker_ok() -> bool:
        return all([await bus.ping() for bus in rt.buses])

    server = HealthServer(port, {"store": rt.store.ping, "broker": broker_ok}, routes=routes)
    await server.start()
    rt.stack.push_async_callback(server.stop)
    log.info("health_listening", port=server.port)
    return server


async def run_services(
    settings: Settings,
    roles: Sequence[str],
    stop: asyncio.Event,
    *,
    embed_broker: bool,
    prefix: str = "",
    console: TextIO | None = None,
    on_ready: Callable[[Runtime], Awaitable[None]] | None = None,
) -> None:
    """Run `roles` in this process until `stop` is set, then shut down in order."""
    prefix = prefix or settings.bus_prefix
    async with Runtime.open(settings, embed_broker=embed_broker, prefix=prefix) as rt:
        if on_ready is not None:
            await on_ready(rt)
        await _sync_config(rt, settings, roles)
        loops: list[Loop] = []
        routes: list[web.RouteDef] = []
        if "classifier" in roles:
            ClassifierService(rt.store, rt.bus())
        if "notifier" in roles:
            channels = _channels(settings, console)
            for channel in channels.values():
                rt.stack.push_async_callback(channel.close)
            notifier = NotifierService(
                rt.store,
                rt.bus(),
                channels,
                window_s=settings.corroboration_window_s,
                update_interval_s=settings.update_interval_s,
            )
            loops.append(notifier.run)
            email = channels.get("email")
            if isinstance(email, EmailChannel):
                routes += unsubscribe_routes(rt.store, email.unsubscribe_secret)
            if embed_broker and "telegram" in channels:
                # One process runs everything, so it also answers the bot's commands (a
                # deployment runs `frontwatch bot` once: Telegram allows one poller per token).
                from services.notifier.bot import load_telegram_settings, run_bot

                loops.append(functools.partial(run_bot, rt.store, load_telegram_settings()))
        if "poller" in roles:
            poller = Poller(
                rt.store,
                rt.bus(),
                PollerOptions(
                    allow_private_urls=settings.allow_private_urls,
                    allowed_networks=tuple(settings.allowed_networks),
                    base_interval_s=settings.poll_interval_s,
                    min_interval_s=min(settings.min_poll_interval_s, settings.poll_interval_s),
                    lease_s=settings.poller_lease_s,
                    parse_workers=settings.parse_workers,
                ),
            )
            loops.append(poller.run)
        await rt.start_buses()
        health = None if settings.http_port is None else await _serve_health(rt, settings.http_port, routes)
        log.info(
            "services_started", roles=list(roles), broker=rt.broker_url.split("@")[-1], store=rt.store.dialect
        )
        loops.append(lambda s: s.wait())  # keeps a consumer-only process alive until stop
        # One grace period covers the loops' in-flight work and then the buses' drain.
        rt.drain_budget_s = await run_until(stop, *loops, grace_s=settings.shutdown_grace_s)
        log.info("services_stopping", roles=list(roles))
        if health is not None:
            health.drain()  # readiness fails first, so no new traffic arrives while we drain
