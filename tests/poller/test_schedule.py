"""schedule: rate-driven intervals, publisher floors, jitter, backoff and death, with fixed rng/now."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.poller import schedule

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)


class _Rng(random.Random):
    """A Random whose random() is fixed, so jitter is deterministic."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


NO_JITTER = _Rng(0.0)


@pytest.mark.parametrize(
    ("items_per_day", "low", "high"),
    [
        pytest.param(500.0, 120, 121, id="busy-2min"),
        pytest.param(100.0, 210, 222, id="frequent-under-5min"),
        pytest.param(24.0, 899, 901, id="hourly-15min"),
        pytest.param(1.0, 14399, 14401, id="daily-capped-4h"),
        pytest.param(0.0, 14399, 14401, id="silent-max"),
        pytest.param(None, 299, 301, id="unknown-base"),
    ],
)
def test_interval_follows_posting_rate(items_per_day: float | None, low: float, high: float) -> None:
    """Busy feeds are checked every few minutes, quiet ones every few hours."""
    delay = schedule.next_check_after_success(items_per_day=items_per_day, rng=NO_JITTER)
    assert low <= delay <= high


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        pytest.param({"ttl_s": 3600.0}, 3600.0, id="ttl"),
        pytest.param({"max_age_s": 1800.0}, 1800.0, id="max-age"),
        pytest.param({"retry_after_s": 900.0}, 900.0, id="retry-after"),
        pytest.param({"ttl_s": 10 * 86400.0}, 86400.0, id="absurd-ttl-capped"),
    ],
)
def test_publisher_hints_are_floors(hints: dict[str, float], expected: float) -> None:
    """A busy feed is never checked sooner than TTL, max-age or Retry-After (capped at a day)."""
    delay = schedule.next_check_after_success(items_per_day=1000.0, rng=NO_JITTER, **hints)
    assert delay == expected


def test_jitter_only_lengthens() -> None:
    """Jitter spreads checks up to 10 % later, never earlier."""
    low = schedule.next_check_after_success(items_per_day=None, ttl_s=600.0, rng=_Rng(0.0))
    high = schedule.next_check_after_success(items_per_day=None, ttl_s=600.0, rng=_Rng(0.999))
    assert low == 600.0 and 600.0 < high < 660.0


@pytest.mark.parametrize(
    ("errors", "retry_after", "expected"),
    [
        pytest.param(1, None, 300.0, id="first"),
        pytest.param(3, None, 1200.0, id="third"),
        pytest.param(20, None, 86400.0, id="capped-day"),
        pytest.param(10_000, None, 86400.0, id="huge-count"),
        pytest.param(1, 7200.0, 7200.0, id="retry-after-wins"),
        pytest.param(1, 10 * 86400.0, 86400.0, id="retry-after-capped"),
    ],
)
def test_failure_backoff(errors: int, retry_after: float | None, expected: float) -> None:
    """Failures back off exponentially to one day and respect Retry-After."""
    delay = schedule.next_check_after_failure(errors, retry_after_s=retry_after, rng=NO_JITTER)
    assert delay == expected


@pytest.mark.parametrize(
    ("failing_for", "dead"),
    [
        pytest.param(None, False, id="healthy"),
        pytest.param(timedelta(days=6), False, id="six-days"),
        pytest.param(timedelta(days=7), True, id="a-week"),
    ],
)
def test_dead_after_a_week(failing_for: timedelta | None, dead: bool) -> None:
    """A feed failing continuously for a week is dead."""
    since = NOW - failing_for if failing_for is not None else None
    assert schedule.is_dead(since, now=NOW) is dead


def test_rate_ewma() -> None:
    """The rate starts from the first observation and moves towards new ones with elapsed time."""
    hour_ago = NOW - timedelta(hours=1)
    assert schedule.update_rate(None, 5, since=None, now=NOW) is None
    assert schedule.update_rate(None, 2, since=hour_ago, now=NOW) == pytest.approx(48.0)
    blended = schedule.update_rate(48.0, 0, since=hour_ago, now=NOW)
    assert blended is not None and 45.0 < blended < 48.0
    assert schedule.update_rate(10.0, 3, since=NOW, now=NOW) == 10.0
