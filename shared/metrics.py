"""Every Prometheus metric of frontwatch, defined once so names, help texts and buckets never drift.

Services import the metric objects from here and only call `.inc()`, `.set()`, `.observe()` or
`.labels(...)` on them. All metrics live in prometheus_client's default `REGISTRY`, which
`shared.health.HealthServer` serves on `/metrics`. docs/operations.md explains each one.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "ALERTS_FAILED",
    "ALERTS_QUEUED",
    "ALERTS_RETRIED",
    "ALERTS_SENT",
    "ARTICLES_PUBLISHED",
    "CHANNELS",
    "CLASSIFICATION_LATENCY",
    "DEVELOPMENTS",
    "DEVELOPMENT_STATUSES",
    "END_TO_END_LATENCY",
    "FEEDS_DUE",
    "FEED_CHECKS",
    "FETCH_ERRORS",
    "FETCH_LATENCY",
    "OUTBOX_DEPTH",
]

# Label values known up front; their series are created at zero so `rate()` and alert rules
# see a flat line from the first scrape instead of an absent series.
CHANNELS = ("telegram", "email", "console")
DEVELOPMENT_STATUSES = ("new", "update")

# Fetches: a healthy feed answers in well under a second; the client timeout caps the top.
_FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Classification is CPU-bound rule matching over one article: sub-millisecond to tens of ms.
_CLASSIFY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
# The product promises an alert "within a minute or two" of first sight; buckets straddle that.
_END_TO_END_BUCKETS = (1.0, 5.0, 10.0, 30.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 1800.0)

# --- poller ---------------------------------------------------------------------------------
FEEDS_DUE = Gauge(
    "frontwatch_feeds_due",
    "Feeds whose next check time has passed and that wait for a fetch slot.",
)
FEED_CHECKS = Counter(
    "frontwatch_feed_checks_total",
    "Feed checks completed, by outcome (e.g. new_items, unchanged, not_modified, error, gone).",
    ["outcome"],
)
FETCH_LATENCY = Histogram(
    "frontwatch_fetch_latency_seconds",
    "Time from sending a feed request to having its whole body, in seconds.",
    buckets=_FETCH_BUCKETS,
)
FETCH_ERRORS = Counter(
    "frontwatch_fetch_errors_total",
    "Failed feed fetches, by kind (e.g. timeout, dns, http_4xx, http_5xx, too_large, parse).",
    ["kind"],
)
ARTICLES_PUBLISHED = Counter(
    "frontwatch_articles_published_total",
    "New articles published to the broker by the poller (each item id exactly once).",
)

# --- classifier -----------------------------------------------------------------------------
CLASSIFICATION_LATENCY = Histogram(
    "frontwatch_classification_latency_seconds",
    "Time to classify one article and group its facts into developments, in seconds.",
    buckets=_CLASSIFY_BUCKETS,
)
DEVELOPMENTS = Counter(
    "frontwatch_developments_total",
    "Developments published, by status: new (first report) or update (a later figure or source).",
    ["status"],
)

# --- notifier -------------------------------------------------------------------------------
ALERTS_QUEUED = Counter(
    "frontwatch_alerts_queued_total",
    "Alerts written to the outbox for delivery, by channel.",
    ["channel"],
)
ALERTS_SENT = Counter(
    "frontwatch_alerts_sent_total",
    "Alerts delivered and recorded as sent, by channel.",
    ["channel"],
)
ALERTS_FAILED = Counter(
    "frontwatch_alerts_failed_total",
    "Alerts given up on after a permanent error, by channel and reason (e.g. forbidden).",
    ["channel", "reason"],
)
ALERTS_RETRIED = Counter(
    "frontwatch_alerts_retried_total",
    "Delivery attempts that failed with a retryable error (429, 5xx, network) and will retry.",
    ["channel"],
)
OUTBOX_DEPTH = Gauge(
    "frontwatch_outbox_depth",
    "Alerts queued in the outbox and not yet sent or given up on.",
)
END_TO_END_LATENCY = Histogram(
    "frontwatch_end_to_end_latency_seconds",
    "Time from the poller first seeing an item to an alert about it being sent, in seconds.",
    buckets=_END_TO_END_BUCKETS,
)

for _channel in CHANNELS:
    ALERTS_QUEUED.labels(_channel)
    ALERTS_SENT.labels(_channel)
    ALERTS_RETRIED.labels(_channel)
for _status in DEVELOPMENT_STATUSES:
    DEVELOPMENTS.labels(_status)
