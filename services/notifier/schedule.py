"""When an alert may go out: mutes, quiet hours and digest times. Pure functions of filters and now."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DAILY_DIGEST_AT", "digest_due_at", "held_until"]

DAILY_DIGEST_AT = time(7, 0)  # local time of the subscriber's quiet-hours zone, else UTC


def _zone(filters: Mapping[str, Any]) -> ZoneInfo:
    name = (filters.get("quiet_hours") or {}).get("tz") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _quiet_end(filters: Mapping[str, Any], now: datetime) -> datetime | None:
    quiet = filters.get("quiet_hours")
    if not quiet:
        return None
    zone = _zone(filters)
    local = now.astimezone(zone)
    start, end = _clock(quiet["start"]), _clock(quiet["end"])
    t = local.time()
    inside = (start <= t < end) if start <= end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, zone).astimezone(UTC)


def held_until(filters: Mapping[str, Any], now: datetime) -> datetime | None:
    """When a muted or quiet subscription may receive alerts again, or None if it may now."""
    ends = []
    muted = filters.get("muted_until")
    if muted:
        until = datetime.fromisoformat(muted)
        until = until if until.tzinfo else until.replace(tzinfo=UTC)
        if until > now:
            ends.append(until)
    quiet = _quiet_end(filters, now)
    if quiet is not None:
        ends.append(quiet)
    return max(ends) if ends else None


def digest_due_at(mode: str, filters: Mapping[str, Any], oldest: datetime) -> datetime:
    """When the digest holding an entry queued at `oldest` is due.

    Hourly: the next full hour. Daily: the next 07:00 in the subscriber's zone. Immediate
    subscribers get a digest only for what a mute or quiet hours held back: when that ends.
    """
    if mode == "hourly":
        return oldest.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if mode == "daily":
        zone = _zone(filters)
        local = oldest.astimezone(zone)
        due = datetime.combine(local.date(), DAILY_DIGEST_AT, zone)
        return (due if due > local else due + timedelta(days=1)).astimezone(UTC)
    return held_until(filters, oldest) or oldest
