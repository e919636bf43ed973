"""When to check a feed next: pure maths, with the clock and the randomness injected.

Success: the interval follows the feed's observed posting rate (a feed posting every few minutes
is checked every 2–5 minutes, a quiet one every few hours), never sooner than the publisher's
TTL, Cache-Control max-age or Retry-After, plus jitter so feeds do not synchronise.
Failure: exponential backoff up to one day, never sooner than Retry-After; a feed failing
for a week is dead.
"""

from __future__ import annotations

import math
import random
from datetime import datetime

__all__ = [
    "DAY_S",
    "DEAD_AFTER_S",
    "REBASELINE_AFTER_S",
    "is_dead",
    "next_check_after_failure",
    "next_check_after_success",
    "rate_from_dates",
    "should_rebaseline",
    "update_rate",
]

DAY_S = 86400.0
DEAD_AFTER_S = 7 * DAY_S
# A feed back after a day's silence (outage, or the poller stopped) may carry a day of items:
# news that old is no alert, so its first success records them as seen and publishes nothing.
REBASELINE_AFTER_S = DAY_S
RATE_TIME_CONSTANT_S = DAY_S  # the EWMA forgets a posting pattern over about a day
# Check about four times per average gap between posts: a post waits ~1/8 gap on average.
CHECKS_PER_GAP = 4.0


def update_rate(
    previous: float | None, new_items: int, *, since: datetime | None, now: datetime
) -> float | None:
    """Fold one observation into the posting rate (items per day, exponentially weighted).

    ``new_items`` appeared between ``since`` (the previous successful check) and ``now``.
    Returns ``previous`` unchanged when there is no previous check or no time elapsed, the
    observed rate when there is no previous value, else the weighted mix: the longer the
    interval, the more it weighs. Never raises; the result is never negative.
    """
    if since is None:
        return previous
    elapsed = (now - since).total_seconds()
    if elapsed <= 0:
        return previous
    observed = max(0, new_items) * DAY_S / elapsed
    if previous is None:
        # One empty check says little about a feed's rate; stay "unknown" until items arrive.
        return observed if new_items > 0 else None
    weight = 1.0 - math.exp(-elapsed / RATE_TIME_CONSTANT_S)
    return max(0.0, previous + weight * (observed - previous))


def rate_from_dates(
    published: list[datetime], *, now: datetime, horizon_s: float = 7 * DAY_S
) -> float | None:
    """Items per day implied by the dates of a feed's items over the last week, or None.

    A first look at a feed (its baseline) has no history of checks, but its items' dates tell how
    often it posts. Needs at least two dated items in the horizon; dates in the future are ignored.
    """
    recent = sorted(d for d in published if 0 <= (now - d).total_seconds() <= horizon_s)
    if len(recent) < 2:
        return None
    span = max((now - recent[0]).total_seconds(), 60.0)
    return len(recent) * DAY_S / span


def _jittered(delay: float, rng: random.Random, jitter: float) -> float:
    """Stretch ``delay`` by a random 0..jitter fraction (only ever later, never sooner)."""
    return delay * (1.0 + jitter * rng.random())


def next_check_after_success(
    *,
    items_per_day: float | None,
    base_s: float = 300.0,
    min_s: float = 120.0,
    max_s: float = 4 * 3600.0,
    ttl_s: float | None = None,
    max_age_s: float | None = None,
    retry_after_s: float | None = None,
    rng: random.Random,
    jitter: float = 0.1,
) -> float:
    """Return the delay in seconds before the next check of a feed that just succeeded.

    The rate-driven interval is a quarter of the mean gap between posts, clamped to
    ``[min_s, max_s]``; ``base_s`` is used while the rate is unknown. Publisher hints (TTL,
    max-age, Retry-After) are floors, capped at one day so a silly TTL cannot park a feed.
    Jitter only lengthens. Never raises.
    """
    if items_per_day is None:
        interval = base_s
    elif items_per_day <= 0:
        interval = max_s
    else:
        interval = DAY_S / items_per_day / CHECKS_PER_GAP
    interval = min(max(interval, min_s), max_s)
    floor = max((h for h in (ttl_s, max_age_s, retry_after_s) if h and h > 0), default=0.0)
    return _jittered(max(interval, min(floor, DAY_S)), rng, jitter)


def next_check_after_failure(
    errors: int,
    *,
    base_s: float = 300.0,
    retry_after_s: float | None = None,
    max_s: float = DAY_S,
    rng: random.Random,
    jitter: float = 0.1,
) -> float:
    """Return the delay in seconds before retrying a feed after ``errors`` consecutive failures.

    ``base_s * 2**(errors-1)`` capped at ``max_s`` (one day), never sooner than Retry-After
    (itself capped at ``max_s``), then jittered. ``errors`` below 1 counts as 1. Never raises.
    """
    exponent = min(max(errors, 1) - 1, 32)  # 2**32 already dwarfs a day; avoid huge floats
    delay = min(base_s * 2.0**exponent, max_s)
    if retry_after_s and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, max_s))
    return _jittered(delay, rng, jitter)


def is_dead(failing_since: datetime | None, *, now: datetime, dead_after_s: float = DEAD_AFTER_S) -> bool:
    """Return True when a feed has failed continuously for ``dead_after_s`` (a week)."""
    if failing_since is None:
        return False
    return (now - failing_since).total_seconds() >= dead_after_s


def should_rebaseline(
    last_success: datetime | None, *, now: datetime, after_s: float = REBASELINE_AFTER_S
) -> bool:
    """Return True when the last successful check is older than ``after_s`` (a day).

    A feed never checked successfully has no baseline to renew (its first check is one anyway).
    """
    if last_success is None:
        return False
    return (now - last_success).total_seconds() > after_s
