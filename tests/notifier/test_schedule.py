"""Mutes, quiet hours and digest times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifier.schedule import digest_due_at, held_until

NOON = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


def test_mute_holds_until_its_end() -> None:
    """A subscription muted for two hours is held until then, and free afterwards."""
    filters = {"muted_until": (NOON + timedelta(hours=2)).isoformat()}
    assert held_until(filters, NOON) == NOON + timedelta(hours=2)
    assert held_until(filters, NOON + timedelta(hours=3)) is None


@pytest.mark.parametrize(
    ("now_utc", "held"),
    [
        (datetime(2019, 3, 6, 20, 30, tzinfo=UTC), datetime(2019, 3, 7, 4, 0, tzinfo=UTC)),  # 23:30 Baghdad
        (datetime(2019, 3, 7, 2, 0, tzinfo=UTC), datetime(2019, 3, 7, 4, 0, tzinfo=UTC)),  # 05:00 Baghdad
        (datetime(2019, 3, 6, 12, 0, tzinfo=UTC), None),  # 15:00 Baghdad
    ],
    ids=["late-evening", "early-morning", "afternoon"],
)
def test_quiet_hours_across_midnight_in_local_time(now_utc: datetime, held: datetime | None) -> None:
    """Quiet hours 22:00–07:00 in Baghdad (UTC+3) hold alerts until 07:00 local, only inside that span."""
    filters = {"quiet_hours": {"start": "22:00", "end": "07:00", "tz": "Asia/Baghdad"}}
    assert held_until(filters, now_utc) == held


def test_digest_times() -> None:
    """Hourly digests go at the next full hour; daily ones at 07:00 in the subscriber's zone."""
    at = datetime(2019, 3, 6, 12, 25, tzinfo=UTC)
    assert digest_due_at("hourly", {}, at) == datetime(2019, 3, 6, 13, 0, tzinfo=UTC)
    assert digest_due_at("daily", {}, at) == datetime(2019, 3, 7, 7, 0, tzinfo=UTC)
    assert digest_due_at("immediate", {}, at) == at
