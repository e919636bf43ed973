"""Operator commands: `frontwatch feeds ...`, `frontwatch subscribers ...`, `frontwatch fetch URL`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET

from services.poller.fetch import FetchError, fetch_feed, make_session
from services.poller.parse import FeedParseError, parse_feed
from services.poller.safety import check_url
from shared.config import Settings
from shared.errors import ConfigError
from shared.store import Store

__all__ = ["add_parsers", "dispatch", "fetch_preview"]


def add_parsers(sub: Any) -> None:
    """Add the `feeds` and `subscribers` command groups."""
    feeds = sub.add_parser("feeds", help="manage the feeds to poll").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    add = feeds.add_parser("add", help="add a feed")
    add.add_argument("url")
    add.add_argument("--name", default="")
    add.add_argument("--encoding", default=None, help="override the detected charset")
    feeds.add_parser("remove", help="remove a feed").add_argument("url")
    feeds.add_parser("list", help="feeds with status, last error, item rate, next check")
    feeds.add_parser("import-opml", help="add the feeds of an OPML file").add_argument("file")
    feeds.add_parser("export-opml", help="print the feeds as OPML")

    subs = sub.add_parser("subscribers", help="manage alert subscribers").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    sadd = subs.add_parser("add", help="add or update a subscriber")
    sadd.add_argument("target", help="email address or Telegram chat id")
    sadd.add_argument("--channel", choices=["email", "telegram"], default="email")
    sadd.add_argument("--labels", default="", help="comma-separated labels (default: all)")
    sadd.add_argument("--mode", choices=["immediate", "hourly", "daily"], default="immediate")
    srm = subs.add_parser("remove", help="remove a subscriber")
    srm.add_argument("target")
    srm.add_argument("--channel", choices=["email", "telegram"], default="email")
    subs.add_parser("list", help="list subscribers")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `feeds` or `subscribers` action against the store."""
    store = Store(settings.store_dsn, schema=settings.store_schema)
    await store.start()
    try:
        if args.command == "feeds":
            return await _feeds(args, store, settings)
        return await _subscribers(args, store)
    finally:
        await store.close()


async def _feeds(args: argparse.Namespace, store: Store, settings: Settings) -> int:
    now = datetime.now(UTC)
    if args.action == "add":
        check_url(args.url, allow_private=settings.allow_private_urls)
        feed_id = await store.add_feed(args.url, now=now, name=args.name, encoding=args.encoding)
        print(f"feed {feed_id}: {args.url}")
    elif args.action == "remove":
        if not await store.remove_feed(args.url):
            print(f"frontwatch: no feed {args.url}", file=sys.stderr)
            return 1
    elif args.action == "list":
        print(f"{'id':>4}  {'status':8}  {'items/day':>9}  {'next check':20}  {'last error':30}  url")
        for f in await store.list_feeds():
            rate = f["items_per_day"] or 0.0
            print(f"{f['id']:>4}  {f['status']:8}  {rate:>9.1f}  {_when(f['next_check_at']):20}  "
                  f"{(f['last_error'] or '-')[:30]:30}  {f['url']}")
    elif args.action == "import-opml":
        urls = _opml_urls(args.file)
        for url, name in urls:
            await store.add_feed(url, now=now, name=name)
        print(f"imported {len(urls)} feeds")
    else:
        lines = [f'    <outline type="rss" text={quoteattr(f["name"] or f["url"])} '
                 f'xmlUrl={quoteattr(f["url"])}/>' for f in await store.list_feeds()]
        print('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head><title>frontwatch feeds'
              "</title></head>\n  <body>\n" + "\n".join(lines) + "\n  </body>\n</opml>")
    return 0


def _opml_urls(path: str) -> list[tuple[str, str]]:
    try:
        tree = SafeET.parse(path)
    except (OSError, SafeET.ParseError) as exc:
        raise ConfigError(f"{path}: not a readable OPML file: {exc}") from None
    return [(o.get("xmlUrl", ""), o.get("title") or o.get("text") or "")
            for o in tree.iter("outline") if o.get("xmlUrl")]


async def _subscribers(args: argparse.Namespace, store: Store) -> int:
    if args.action == "add":
        labels = [x.strip() for x in args.labels.split(",") if x.strip()]
        sid = await store.add_subscription(args.channel, args.target, filters={"labels": labels},
                                           mode=args.mode, now=datetime.now(UTC))
        print(f"subscriber {sid}: {args.channel} {args.target}")
    elif args.action == "remove":
        if not await store.remove_subscription(args.channel, args.target):
            print(f"frontwatch: no {args.channel} subscriber {args.target}", file=sys.stderr)
            return 1
    else:
        for s in await store.list_subscriptions():
            state = f"paused ({s['paused_reason']})" if s["paused"] else "active"
            print(f"{s['id']:>4}  {s['channel']:8}  {s['mode']:9}  {state:20}  {s['target']}  "
                  f"{json.dumps(s['filters'], ensure_ascii=False)}")
    return 0


async def fetch_preview(url: str, settings: Settings) -> int:
    """Print one JSON line per item of the feed at `url`; publish nothing."""
    async with make_session(allow_private=settings.allow_private_urls) as session:
        try:
            result = await fetch_feed(session, url, allow_private=settings.allow_private_urls)
            parsed = parse_feed(result.body, url=result.url, content_type=result.content_type)
        except (FetchError, FeedParseError) as exc:
            print(f"frontwatch fetch: {exc.kind}: {exc}", file=sys.stderr)
            return 1
    for e in parsed.entries:
        print(json.dumps({"id": e.item_id, "title": e.title, "link": e.link,
                          "published": e.published.isoformat() if e.published else None,
                          "encoding": parsed.encoding}, ensure_ascii=False))
    return 0
