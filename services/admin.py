"""Operator commands: `frontwatch feeds ...`, `frontwatch subscribers ...`, `frontwatch fetch URL`."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET
from aiohttp.resolver import DefaultResolver
from yarl import URL

from services.poller.fetch import FetchError, fetch_feed, make_session
from services.poller.parse import FeedParseError, parse_feed
from services.poller.safety import AddressPolicy, BlockedAddressError, GuardedResolver, check_url
from shared.config import Settings
from shared.store import Store

__all__ = ["add_parsers", "dispatch", "fetch_preview", "vet_url"]

_PRIVATE_HINT = " (FRONTWATCH_ALLOW_PRIVATE_URLS=true allows it)"


def encoding_name(value: str) -> str:
    """An argparse type: a charset Python can decode, by its canonical name."""
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r} (e.g. utf-8, windows-1256)") from None


def add_parsers(sub: Any) -> None:
    """Add the `feeds` and `subscribers` command groups."""
    feeds = sub.add_parser("feeds", help="manage the feeds to poll").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = feeds.add_parser("add", help="add a feed")
    add.add_argument("url")
    add.add_argument("--name", default="")
    add.add_argument("--encoding", default=None, type=encoding_name, help="override the detected charset")
    feeds.add_parser("remove", help="remove a feed").add_argument("url")
    feeds.add_parser("list", help="feeds with status, last error, item rate, next check")
    feeds.add_parser("import-opml", help="add the feeds of an OPML file").add_argument("file")
    feeds.add_parser("export-opml", help="print the feeds as OPML")

    subs = sub.add_parser("subscribers", help="manage alert subscribers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
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


async def vet_url(url: str, settings: Settings) -> str | None:
    """Return why `url` cannot be polled under the address policy, or None if it can.

    A name is resolved now so that `http://localhost/...` is refused at once rather than
    failing every check; a name that does not resolve today is accepted (DNS may come back).
    """
    try:
        check_url(url, allow_private=settings.allow_private_urls)
    except FetchError as exc:
        return f"{exc.kind}: {exc}" + (_PRIVATE_HINT if exc.kind == "private_address" else "")
    if settings.allow_private_urls:
        return None
    parsed = URL(url)
    resolver = GuardedResolver(AddressPolicy(False), DefaultResolver())
    try:
        await resolver.resolve(parsed.host or "", parsed.port or 0)
    except BlockedAddressError as exc:
        return f"private_address: {exc}; refused{_PRIVATE_HINT}"
    except OSError:
        pass
    finally:
        await resolver.close()
    return None


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
        if problem := await vet_url(args.url, settings):
            print(f"frontwatch: cannot add {args.url}: {problem}", file=sys.stderr)
            return 1
        feed_id = await store.add_feed(args.url, now=now, name=args.name, encoding=args.encoding)
        print(f"feed {feed_id}: {args.url}")
    elif args.action == "remove":
        if not await store.remove_feed(args.url):
            print(f"frontwatch: no feed {args.url}", file=sys.stderr)
            return 1
    elif args.action == "list":
        print(f"{'id':>4}  {'status':8}  {'items/day':>9}  {'next check':20}  {'last error':30}  url")
        for f in await store.list_feeds():
            rate = "-" if f["items_per_day"] is None else f"{f['items_per_day']:.1f}"
            print(
                f"{f['id']:>4}  {f['status']:8}  {rate:>9}  {_when(f['next_check_at']):20}  "
                f"{(f['last_error'] or '-')[:30]:30}  {f['url']}"
            )
    elif args.action == "import-opml":
        return await _import_opml(args.file, store, settings)
    else:
        lines = [
            f'    <outline type="rss" text={quoteattr(f["name"] or f["url"])} xmlUrl={quoteattr(f["url"])}/>'
            for f in await store.list_feeds()
        ]
        print(
            '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head><title>frontwatch feeds'
            "</title></head>\n  <body>\n" + "\n".join(lines) + "\n  </body>\n</opml>"
        )
    return 0


async def _import_opml(path: str, store: Store, settings: Settings) -> int:
    """Add every feed of an OPML file; skip (and name) those that cannot be polled."""
    try:
        tree = SafeET.parse(path)
    except OSError as exc:
        print(f"frontwatch: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except (SafeET.ParseError, ValueError) as exc:  # defusedxml refuses entities with ValueError
        print(f"frontwatch: {path} is not valid OPML: {exc}", file=sys.stderr)
        return 1
    added = skipped = 0
    now = datetime.now(UTC)
    for outline in tree.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        if problem := await vet_url(url, settings):
            print(f"frontwatch: skipped {url}: {problem}", file=sys.stderr)
            skipped += 1
            continue
        # Exporters put the URL in `text` when a feed has no name; that is no name.
        name = next((v for v in (outline.get("title"), outline.get("text")) if v and v != url), "")
        await store.add_feed(url, now=now, name=name[:200])
        added += 1
    print(f"imported {added} feeds" + (f", skipped {skipped}" if skipped else ""))
    return 0 if added or not skipped else 1


async def _subscribers(args: argparse.Namespace, store: Store) -> int:
    if args.action == "add":
        labels = [x.strip() for x in args.labels.split(",") if x.strip()]
        sid = await store.add_subscription(
            args.channel, args.target, filters={"labels": labels}, mode=args.mode, now=datetime.now(UTC)
        )
        print(f"subscriber {sid}: {args.channel} {args.target}")
    elif args.action == "remove":
        if not await store.remove_subscription(args.channel, args.target):
            print(f"frontwatch: no {args.channel} subscriber {args.target}", file=sys.stderr)
            return 1
    else:
        for s in await store.list_subscriptions():
            state = f"paused ({s['paused_reason']})" if s["paused"] else "active"
            print(
                f"{s['id']:>4}  {s['channel']:8}  {s['mode']:9}  {state:20}  {s['target']}  "
                f"{json.dumps(s['filters'], ensure_ascii=False)}"
            )
    return 0


async def fetch_preview(url: str, settings: Settings, encoding: str | None = None) -> int:
    """Print one JSON line per item of the feed at `url` (decoded as `encoding` if given, as
    `feeds add --encoding` would); publish nothing."""
    async with make_session(
        allow_private=settings.allow_private_urls, allowed_networks=settings.allowed_networks
    ) as session:
        try:
            result = await fetch_feed(
                session,
                url,
                allow_private=settings.allow_private_urls,
                allowed_networks=settings.allowed_networks,
            )
            parsed = parse_feed(
                result.body, url=result.url, content_type=result.content_type, encoding=encoding
            )
        except (FetchError, FeedParseError) as exc:
            print(f"frontwatch fetch: {exc.kind}: {exc}", file=sys.stderr)
            return 1
    for e in parsed.entries:
        print(
            json.dumps(
                {
                    "id": e.item_id,
                    "title": e.title,
                    "link": e.link,
                    "published": e.published.isoformat() if e.published else None,
                    "encoding": parsed.encoding,
                },
                ensure_ascii=False,
            )
        )
    return 0
