"""The `frontwatch` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from services import admin, classify_cli
from services.app import ROLES, run_services
from services.runtime import Runtime, stop_on_signals
from shared.config import Settings, load_settings
from shared.errors import ConfigError
from shared.logging import configure_logging, get_logger

__all__ = ["main"]

log = get_logger("cli")
SAMPLE_POLL_INTERVAL_S = 3.0
SAMPLE_WINDOW_S = 5.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", help="run the whole pipeline (embedded NATS, SQLite, sample feeds)")
    for role in ROLES:
        sub.add_parser(role, help=f"run the {role} service alone")
    sub.add_parser("classify", help="JSON Lines {id,text,lang?} on stdin -> labels, figures on stdout")
    ev = sub.add_parser("eval", help="precision, recall and F1 of the classifier on a labelled file")
    ev.add_argument("file", type=Path)
    ev.add_argument(
        "--year",
        type=int,
        default=None,
        help="the year the texts were published (default: this year); older dates are background",
    )
    fetch = sub.add_parser("fetch", help="preview a feed: one JSON line per item, nothing published")
    fetch.add_argument("url")
    fetch.add_argument(
        "--encoding",
        default=None,
        type=admin.encoding_name,
        help="decode as this charset instead of the detected one",
    )
    sub.add_parser("bot", help="run the Telegram subscription bot (long polling; needs a token)")
    admin.add_parsers(sub)
    return parser


async def start_sample(rt: Runtime, settings: Settings) -> None:
    """Serve the bundled sample feeds locally and register them, once the store is up."""
    from services.sample.replay import ReplayServer

    replay = ReplayServer(port=settings.sample_port, speed=settings.sample_speed)
    try:
        await replay.start()
    except OSError as exc:
        raise ConfigError(
            f"FRONTWATCH_SAMPLE_PORT: cannot listen on {settings.sample_port}: {exc.strerror}"
        ) from None
    rt.stack.push_async_callback(replay.stop)
    for feed in replay.feeds():
        await rt.store.add_feed(feed.url, now=rt.now(), name=feed.name)
    log.info("sample_replay_started", feeds=[f.url for f in replay.feeds()])


async def _run(settings: Settings, roles: Sequence[str], *, embed: bool) -> None:
    stop = asyncio.Event()
    sample = embed and settings.sample and not settings.feeds
    if sample:
        # The sample story lasts half a minute: poll it every few seconds, on loopback.
        settings = settings.model_copy(
            update={
                # Only loopback, where the replay server listens: not every private network.
                "allowed_networks": [*settings.allowed_networks, "127.0.0.1/32"],
                "poll_interval_s": min(settings.poll_interval_s, SAMPLE_POLL_INTERVAL_S),
                "min_poll_interval_s": min(settings.min_poll_interval_s, SAMPLE_POLL_INTERVAL_S),
                # ...and show its alerts within a minute, updates as they come.
                "corroboration_window_s": min(settings.corroboration_window_s, SAMPLE_WINDOW_S),
                "update_interval_s": 0.0,
            }
        )

    async def on_ready(rt: Runtime) -> None:
        if sample:
            await start_sample(rt, settings)

    with stop_on_signals(stop):
        await run_services(settings, roles, stop, embed_broker=embed, on_ready=on_ready)


async def _bot(settings: Settings) -> None:
    from services.notifier.bot import load_telegram_settings, run_bot

    telegram = load_telegram_settings()
    stop = asyncio.Event()
    with stop_on_signals(stop):
        async with Runtime.open(settings, embed_broker=False) as rt:
            await run_bot(rt.store, telegram, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `frontwatch` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"frontwatch: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, settings.log_level)
    try:
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"frontwatch: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command: str = args.command
    if command == "run":
        asyncio.run(_run(settings, ROLES, embed=True))
        return 0
    if command in ROLES:
        asyncio.run(_run(settings, [command], embed=False))
        return 0
    if command == "classify":
        return classify_cli.classify_stream(sys.stdin, sys.stdout, sys.stderr)
    if command == "eval":
        return classify_cli.evaluate_file(args.file, sys.stdout, sys.stderr, args.year)
    if command == "fetch":
        return asyncio.run(admin.fetch_preview(args.url, settings, args.encoding))
    if command == "bot":
        asyncio.run(_bot(settings))
        return 0
    return asyncio.run(admin.dispatch(args, settings))


if __name__ == "__main__":
    sys.exit(main())
