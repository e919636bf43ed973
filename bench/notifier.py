"""Notifier: matching 100 developments against 10,000 subscribers and committing the alerts, then
delivery throughput against the fake Bot API enforcing Telegram's 30 messages/s.

Baselines measured in the same run: the loop the notifier used before the subscription index
(`rules.matches` on every subscriber, then one INSERT statement per alert), and delivery with up to 64 sends
unrecorded at once (no gate) instead of one.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import sqlite

from services.notifier.channels.telegram import TelegramChannel
from services.notifier.main import NotifierService
from services.notifier.rules import matches
from shared.broker import make_bus
from shared.messages import Development, Figure, Source
from shared.store import Store
from shared.store_schema import outbox
from tests.notifier.fake_bot_api import FakeBotApi

__all__ = ["run"]

SUBSCRIBERS = 10_000
DEVELOPMENTS = 100
MESSAGES = 600
CHATS = 300
LIMIT_PER_S = 30
NOW = datetime(2019, 3, 3, 12, 0, tzinfo=UTC)
LABELS = ["territorial_change", "surrender", "casualty_update"]
PLACES = ["Baghouz", "Hajin", "Deir ez-Zor", "Raqqa", "Manbij", "Afrin", "Idlib", "Aleppo", "Homs",
          "Hama", "Daraa", "Mosul", "Tal Afar", "Kirkuk", "Fallujah", "Ramadi", "Tikrit", "Sinjar",
          "Kobani", "Qamishli", "Hasakah", "Al-Bab", "Jarabulus", "Azaz", "Tadmur", "Palmyra",
          "Bakhmut", "Avdiivka", "Mariupol", "Kherson", "Zaporizhzhia", "Kharkiv", "Izium",
          "Lyman", "Sievierodonetsk", "Marinka", "Vuhledar", "Tokmak", "Robotyne", "Kupiansk",
          "Khartoum", "Omdurman", "El Fasher", "Nyala", "Wad Madani", "Gaza", "Rafah", "Khan Younis",
          "Jabalia", "Marib", "Hodeidah", "Taiz", "Sanaa", "Tripoli", "Sirte", "Benghazi",
          "Goma", "Bunia", "Mogadishu", "Kismayo"]
PLACES_AR = ["الباغوز", "هجين", "دير الزور", "الرقة", "منبج", "عفرين", "إدلب", "حلب"]
KEYWORDS = ["civilians", "children", "drone", "airstrike", "shelling", "ISIS", "SDF", "RSF",
            "Wagner", "convoy", "hostages", "prisoners", "militia", "artillery", "ambush",
            "car bomb", "massacre", "siege", "evacuation", "ceasefire"]
ACTORS = ["SDF", "ISIS", "SAA", "RSF", "SAF", "Houthis", "HTS", "coalition"]


def _weighted(rng: random.Random, items: list[str], k: int) -> list[str]:
    """`k` distinct items, the first ones far more popular (Zipf-like)."""
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(items))]
    out: set[str] = set()
    while len(out) < k:
        out.add(rng.choices(items, weights)[0])
    return sorted(out)


def subscriptions(seed: int = 7) -> list[dict[str, Any]]:
    """Realistic filters: mostly a label or two and a few places; some keywords, languages, minimums."""
    rng = random.Random(seed)
    subs = []
    for i in range(SUBSCRIBERS):
        filters: dict[str, Any] = {}
        r = rng.random()
        if r < 0.6:
            filters["labels"] = [rng.choice(LABELS)]
        elif r < 0.9:
            filters["labels"] = rng.sample(LABELS, 2)
        if rng.random() < 0.8:
            filters["places"] = _weighted(rng, PLACES, rng.randint(1, 3))
            if rng.random() < 0.1:
                filters["places"].append(rng.choice(PLACES_AR))
        elif rng.random() < 0.9:  # no place: a keyword or two instead
            filters["keywords"] = rng.sample(KEYWORDS, rng.randint(1, 2))
        if rng.random() < 0.4:
            filters["langs"] = [rng.choice(["en", "ar"])]
        if rng.random() < 0.2:
            filters["min"] = {"killed": rng.choice([10, 50, 100])}
        subs.append({"channel": "telegram", "target": str(100_000 + i), "filters": filters})
    return subs


def developments(seed: int = 11) -> list[Development]:
    """Developments over the same places: one label, a place or two, an actor, sometimes a toll."""
    rng = random.Random(seed)
    devs = []
    for i in range(DEVELOPMENTS):
        places = _weighted(rng, PLACES, rng.randint(1, 2))
        words = rng.sample(KEYWORDS, 2)
        actor = rng.choice(ACTORS)
        killed = rng.choice([0, 0, 5, 12, 40, 120, 388])
        summary = (f"{actor} forces near {' and '.join(places)}: reports of {words[0]} and {words[1]}; "
                   f"{killed} killed." if killed else f"{actor} forces advanced near {places[0]}.")
        devs.append(Development(
            development_id=f"bench-{i:03d}", labels=[rng.choice(LABELS)], places=places, actors=[actor],
            figures=[Figure(kind="killed", count=killed, who="civilians")] if killed else [],
            sources=[Source(article_id=f"a{i}", url=f"https://news.example/{i}", title="Report")],
            summary=summary, lang=rng.choice(["en", "en", "ar"]), first_seen=NOW, detected_at=NOW))
    return devs


async def _store(directory: Path, name: str, subs: list[dict[str, Any]]) -> Store:
    store = Store(f"sqlite+aiosqlite:///{directory / name}")
    await store.start()
    for sub in subs:
        await store.add_subscription(sub["channel"], sub["target"], filters=sub["filters"],
                                     mode="immediate", now=NOW)
    return store


async def _match_enqueue(directory: Path, subs: list[dict[str, Any]],
                         devs: list[Development]) -> tuple[float, float, int]:
    """(seconds including the first read and index build, seconds of the 100 handles, alerts)."""
    store = await _store(directory, "ours.db", subs)
    service = NotifierService(store, make_bus("nats://127.0.0.1:1"), {}, now=lambda: NOW)
    t0 = time.perf_counter()
    await service.subscriptions.refresh()
    t1 = time.perf_counter()
    for dev in devs:
        await service.handle(dev)
    t2 = time.perf_counter()
    alerts = sum((await store.outbox_counts()).values())
    await store.close()
    return t2 - t0, t2 - t1, alerts


async def _baseline_match_enqueue(directory: Path, subs: list[dict[str, Any]],
                                  devs: list[Development]) -> tuple[float, int]:
    """Every subscriber checked with `rules.matches`, then one INSERT per alert (a commit per development)."""
    store = await _store(directory, "baseline.db", subs)
    t0 = time.perf_counter()
    stored = await store.list_subscriptions(active_only=True)
    insert = sqlite.insert(outbox).on_conflict_do_nothing(
        index_elements=["development_id", "subscription_id", "revision"])
    for dev in devs:
        payload = dev.model_dump(mode="json")
        wanted = [sub for sub in stored if matches(sub["filters"], dev)]
        async with store.engine.begin() as conn:
            for sub in wanted:
                await conn.execute(insert, {
                    "subscription_id": sub["id"], "development_id": dev.development_id,
                    "revision": dev.revision, "payload": payload, "created_at": NOW,
                    "status": "pending", "attempts": 0, "not_before": NOW})
    elapsed = time.perf_counter() - t0
    alerts = sum((await store.outbox_counts()).values())
    await store.close()
    return elapsed, alerts


async def _delivery(directory: Path, name: str, unconfirmed: int) -> tuple[float, int, int, float]:
    """(steady rate per second, lost, wasted 429s, seconds) for MESSAGES alerts to CHATS chats."""
    chats = [200_000 + i for i in range(CHATS * 2 // 3)] + [-1003000000000 - i for i in range(CHATS // 3)]
    subs = [{"channel": "telegram", "target": str(c), "filters": {"keywords": [f"chat{c}x"]}}
            for c in chats]
    store = await _store(directory, name, subs)
    async with FakeBotApi(global_per_s=LIMIT_PER_S) as api:
        channel = TelegramChannel(api.token, base_url=api.base_url, global_rate_per_s=LIMIT_PER_S)
        service = NotifierService(store, make_bus("nats://127.0.0.1:1"), {"telegram": channel},
                                  unconfirmed_per_channel=unconfirmed)
        for j in range(MESSAGES // 2):  # each development to two chats
            pair = (chats[j % len(chats)], chats[(j * 7 + 1) % len(chats)])
            await service.handle(Development(
                development_id=f"d{j}", labels=["casualty_update"], summary=f"chat{pair[0]}x chat{pair[1]}x",
                sources=[Source(article_id="a", url="https://news.example/a", title="Report")],
                lang="en", first_seen=NOW, detected_at=NOW))
        stop = asyncio.Event()
        t0 = time.perf_counter()
        runner = asyncio.create_task(service.run(stop))
        for _ in range(2400):  # two minutes at most
            if len(api.sent) >= MESSAGES:
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - t0
        stop.set()
        await runner
        await channel.close()
        times = sorted(t for t, _ in api.accepted_at)
        # The first second's burst is allowance, not rate: count what followed it.
        steady = (len(times) - LIMIT_PER_S) / (times[-1] - times[0]) if len(times) > LIMIT_PER_S else 0.0
        delivered = {(m.chat_id, m.text) for m in api.sent}
        lost = MESSAGES - len(delivered)
        wasted = api.flood_429s
    await store.close()
    return steady, lost, wasted, elapsed


async def _run() -> dict[str, Any]:
    subs, devs = subscriptions(), developments()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        cold, warm, alerts = await _match_enqueue(directory, subs, devs)
        base_s, base_alerts = await _baseline_match_enqueue(directory, subs, devs)
        assert alerts == base_alerts, (alerts, base_alerts)  # the index changes nothing matched
        rate, lost, wasted, seconds = await _delivery(directory, "delivery.db", unconfirmed=1)
        base_rate, base_lost, base_wasted, base_seconds = await _delivery(
            directory, "delivery-nogate.db", unconfirmed=64)
    share = alerts / (SUBSCRIBERS * DEVELOPMENTS)
    print(f"notifier bench: {SUBSCRIBERS} subscribers x {DEVELOPMENTS} developments "
          f"-> {alerts} alerts ({share:.1%} matched); {MESSAGES} messages to {CHATS} chats")
    print(f"{'':<44}{'ours':>12}{'baseline':>12}")
    print(f"{'match + enqueue, s (incl. index build)':<44}{cold:>12.3f}{base_s:>12.3f}")
    print(f"{'match + enqueue, s (100 handle() calls)':<44}{warm:>12.3f}{'':>12}")
    print(f"{'delivery, messages/s (limit 30)':<44}{rate:>12.1f}{base_rate:>12.1f}")
    print(f"{'delivery, % of limit':<44}{rate / LIMIT_PER_S:>12.0%}{base_rate / LIMIT_PER_S:>12.0%}")
    print(f"{'delivery, wall seconds':<44}{seconds:>12.1f}{base_seconds:>12.1f}")
    print(f"{'lost / wasted 429s':<44}{f'{lost} / {wasted}':>12}{f'{base_lost} / {base_wasted}':>12}")
    print(f"{'unrecorded sends at once (SIGKILL repeats)':<44}{'<= 1':>12}{'<= 30':>12}")
    return {"bench": "notifier", "match_enqueue_s": round(cold, 3),
            "baseline_match_enqueue_s": round(base_s, 3), "alerts": alerts,
            "delivery_rate_per_s": round(rate, 2), "limit_per_s": LIMIT_PER_S,
            "lost": lost, "wasted_429": wasted, "baseline_delivery_rate_per_s": round(base_rate, 2)}


def run() -> dict[str, Any]:
    """Run both measurements and their baselines, print the table, return the summary."""
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
