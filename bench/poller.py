"""Poller throughput: the real Poller (SQLite store, embedded NATS) against 5,000 internet-like feeds.

The feed server (bench/_feedserver.py) and the poller each run in their own process, so the
poller's CPU and peak RSS are its own. Every feed has its own host name (feed123.localtest,
resolved to 127.0.0.1 by a stub resolver behind the real SSRF guard), as on the internet where
the per-host limit rarely binds. The baseline is a sequential `feedparser.parse(url, etag=...,
modified=...)` loop over 200 of the same feeds, primed with their ETags first.

Run: `make bench PARTS=poller` or `.venv/bin/python -m bench.poller`.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

FEEDS = 5000
BIG_FEEDS = 10000
WINDOW_S = 20.0
BIG_WINDOW_S = 5.0
BASELINE_FEEDS = 200
BASELINE_S = 12.0
CONCURRENCY = 500
PARSE_WORKERS = int(os.environ.get("BENCH_PARSE_WORKERS", "1"))
TARGETS = {"checks_per_s": 1000.0, "speedup": 50.0, "peak_rss_mb": 200.0}


class LoopbackResolver(AbstractResolver):
    """Resolves every *.localtest name to 127.0.0.1 (the real resolver would not know them)."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if not host.endswith(".localtest"):
            raise OSError(f"unknown host {host}")
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        pass


def _checks() -> float:
    from prometheus_client import REGISTRY

    return sum(REGISTRY.get_sample_value("frontwatch_feed_checks_total", {"outcome": o}) or 0.0
               for o in ("ok", "not_modified", "error"))


def _helpers() -> tuple[float, float]:
    """CPU seconds and summed peak RSS (MB) of this process's descendants (the parse workers)."""
    me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        with suppress(OSError, ValueError, IndexError):
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    mine, changed = {me}, True
    while changed:
        more = {pid for pid, ppid in parents.items() if ppid in mine} - mine
        changed, mine = bool(more), mine | more
    cpu = rss_kb = 0.0
    for pid in mine - {me}:
        with suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            status = Path(f"/proc/{pid}/status").read_text()
            rss_kb += float(status.split("VmHWM:")[1].split()[0])
    return cpu, rss_kb / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _worker(feeds: int, port: int, nats_url: str, window_s: float) -> dict[str, Any]:
    """Poll `feeds` feeds: one full pass to warm up, then measure `window_s` seconds."""
    from sqlalchemy import insert

    from services.poller.fetch import FetchLimits
    from services.poller.handler import Poller, PollerOptions
    from shared.broker import Bus
    from shared.logging import configure_logging
    from shared.store import Store
    from shared.store_schema import feeds as feeds_table

    configure_logging("json", "WARNING")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await store.start()
        async with store.engine.begin() as conn:
            await conn.execute(insert(feeds_table), [
                {"url": f"http://feed{i}.localtest:{port}/feed/{i}", "name": "", "status": "active",
                 "baseline_done": False, "error_count": 0, "created_at": now, "next_check_at": now}
                for i in range(feeds)])
        bus = Bus(nats_url, prefix=f"bench{feeds}.")
        await bus.start()
        options = PollerOptions(allowed_networks=("127.0.0.0/8",), base_interval_s=1.0, min_interval_s=1.0,
                                concurrency=CONCURRENCY, limits=FetchLimits(total_timeout_s=10),
                                parse_workers=PARSE_WORKERS)
        poller = Poller(store, bus, options, resolver=LoopbackResolver())
        stop = asyncio.Event()
        task = asyncio.create_task(poller.run(stop))
        started = time.monotonic()
        for _ in range(600):  # until every feed had its first check (its baseline), at most 60 s
            if _checks() >= feeds:
                break
            await asyncio.sleep(0.1)
        warmup_s = time.monotonic() - started
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        checks0, cpu0, helpers0, t0 = _checks(), _cpu_s(), _helpers()[0], time.monotonic()
        if profile:
            profile.enable()
        await asyncio.sleep(window_s)
        checks, cpu, elapsed = _checks() - checks0, _cpu_s() - cpu0, time.monotonic() - t0
        helpers_cpu, helpers_mb = _helpers()
        helpers_cpu -= helpers0
        if profile:  # BENCH_PROFILE=FILE: where the steady state spends its CPU
            profile.disable()
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        stop.set()
        await task
        await bus.stop()
        await store.close()
    from prometheus_client import REGISTRY

    return {"feeds": feeds, "warmup_s": warmup_s, "checks": checks, "window_s": elapsed,
            "checks_per_s": checks / elapsed, "cpu_s_per_1000": 1000 * cpu / max(checks, 1),
            "parser_cpu_s_per_1000": 1000 * helpers_cpu / max(checks, 1), "parsers_peak_rss_mb": helpers_mb,
            "published": REGISTRY.get_sample_value("frontwatch_articles_published_total") or 0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_worker(feeds: int, port: int, nats_url: str, window_s: float) -> dict[str, Any]:
    with tempfile.TemporaryFile() as log:
        proc = subprocess.run([sys.executable, "-m", "bench.poller", "worker", str(feeds), str(port),
                               nats_url, str(window_s)], stdout=subprocess.PIPE, stderr=log,
                              timeout=180, check=False)
        if proc.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"poller worker failed: {log.read()[-2000:].decode(errors='replace')}")
    result: dict[str, Any] = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return result


def _baseline(port: int) -> dict[str, float]:
    """Sequential feedparser over BASELINE_FEEDS feeds (ETags primed untimed), for BASELINE_S seconds."""
    import feedparser

    urls = [f"http://127.0.0.1:{port}/feed/{i}" for i in range(BASELINE_FEEDS)]
    random.Random(0).shuffle(urls)  # the timed loop covers a fair mix of kinds, not feeds 0..n
    state: dict[str, tuple[str | None, str | None]] = {}

    def check(url: str) -> None:
        etag, modified = state.get(url, (None, None))
        result = feedparser.parse(url, etag=etag, modified=modified)
        state[url] = (result.get("etag"), result.get("modified"))

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(check, urls))
    checks, started = 0, time.monotonic()
    while time.monotonic() - started < BASELINE_S:
        check(urls[checks % len(urls)])
        checks += 1
    elapsed = time.monotonic() - started
    return {"checks": checks, "window_s": elapsed, "checks_per_s": checks / elapsed}


def _start_server(feeds: int) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen([sys.executable, "-m", "bench._feedserver", "--feeds", str(feeds)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError(f"feed server did not start: {line!r}")
    return proc, int(line.split()[1])


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def _with_nats(fn: Any) -> Any:
    from shared.embedded_nats import EmbeddedNats

    with tempfile.TemporaryDirectory() as tmp:
        async with EmbeddedNats(Path(tmp)) as nats:
            return await asyncio.to_thread(fn, nats.url)


def run() -> dict[str, Any]:
    """Run the benchmark, print its table, return the summary line."""
    server, port = _start_server(BIG_FEEDS)  # feeds 0..4999 serve the 5,000-feed run
    try:
        main, big = asyncio.run(_with_nats(lambda url: (
            _run_worker(FEEDS, port, url, WINDOW_S), _run_worker(BIG_FEEDS, port, url, BIG_WINDOW_S))))
        base = _baseline(port)
    finally:
        _stop_server(server)
    speedup = main["checks_per_s"] / base["checks_per_s"]
    rows = [
        ("feed checks/s (5,000 feeds)", f"{main['checks_per_s']:.0f}", f"{base['checks_per_s']:.1f}",
         f">= {TARGETS['checks_per_s']:.0f}"),
        ("speed-up over baseline", f"{speedup:.0f}x", "1x", f">= {TARGETS['speedup']:.0f}x"),
        ("CPU s per 1,000 checks: poller process", f"{main['cpu_s_per_1000']:.2f}", "-", "-"),
        (f"CPU s per 1,000 checks: {PARSE_WORKERS} parse worker(s)", f"{main['parser_cpu_s_per_1000']:.2f}",
         "-", "-"),
        ("peak RSS MB, poller process (5,000 feeds)", f"{main['peak_rss_mb']:.0f}", "-",
         f"< {TARGETS['peak_rss_mb']:.0f}"),
        ("peak RSS MB, poller process (10,000 feeds)", f"{big['peak_rss_mb']:.0f}", "-",
         f"< {TARGETS['peak_rss_mb']:.0f}"),
        ("peak RSS MB, parse worker + forkserver (5,000 / 10,000)",
         f"{main['parsers_peak_rss_mb']:.0f} / {big['parsers_peak_rss_mb']:.0f}", "-", "-"),
        ("checks/s (10,000 feeds)", f"{big['checks_per_s']:.0f}", "-", "-"),
    ]
    print(f"\n## poller (SQLite store in a temp dir, embedded NATS, {os.cpu_count()} cores, "
          f"concurrency {CONCURRENCY}, parse_workers {PARSE_WORKERS})\n")
    print("| metric | frontwatch | baseline | target |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n5,000 feeds: {main['checks']:.0f} checks in {main['window_s']:.1f} s after a "
          f"{main['warmup_s']:.1f} s first pass (every feed's baseline); {main['published']:.0f} articles "
          f"published. Baseline: feedparser, sequential, {base['checks']} checks of {BASELINE_FEEDS} "
          f"feeds (ETags primed) in {base['window_s']:.1f} s. Load average at the end: "
          f"{os.getloadavg()[0]:.1f} (other processes share these cores).")
    return {"bench": "poller", "checks_per_s": round(main["checks_per_s"], 1),
            "baseline_checks_per_s": round(base["checks_per_s"], 2),
            "peak_rss_mb": round(main["peak_rss_mb"], 1), "peak_rss_mb_10k": round(big["peak_rss_mb"], 1),
            "parse_workers_peak_rss_mb": round(main["parsers_peak_rss_mb"], 1),
            "cpu_s_per_1000_checks": round(main["cpu_s_per_1000"] + main["parser_cpu_s_per_1000"], 2),
            "feeds": FEEDS}


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        feeds, port, nats_url, window = sys.argv[2:6]
        with suppress(KeyboardInterrupt):
            print(json.dumps(asyncio.run(_worker(int(feeds), int(port), nats_url, float(window)))))
    else:
        print(json.dumps(run()))
