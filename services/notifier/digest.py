"""Digests: everything a subscriber's mode, mute or quiet hours held back, in one message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.notifier.channels.base import Channel
from shared import metrics
from shared.errors import PermanentError, RetryableError
from shared.logging import get_logger
from shared.messages import Development
from shared.store import Store

__all__ = ["latest_revisions", "send_digest"]

log = get_logger("digest")


def latest_revisions(rows: Sequence[dict[str, Any]]) -> list[Development]:
    """The newest revision of each development among queued rows, in first-queued order."""
    newest: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = newest.get(row["development_id"])
        if kept is None or row["revision"] > kept["revision"]:
            newest[row["development_id"]] = row
    order = {r["development_id"]: i for i, r in reversed(list(enumerate(rows)))}
    return [
        Development.model_validate(r["payload"])
        for r in sorted(newest.values(), key=lambda r: order[r["development_id"]])
    ]


async def send_digest(
    store: Store, channel: Channel, sub: dict[str, Any], rows: Sequence[dict[str, Any]], *, now: datetime
) -> None:
    """Send one digest of `rows` to `sub`; mark them sent, or leave them queued on a failure."""
    devs = latest_revisions(rows)
    ids = [r["id"] for r in rows]
    sender = getattr(channel, "send_digest", None)
    try:
        if sender is None:
            raise PermanentError(f"channel {channel.name} cannot send digests")
        ref = await sender(sub["target"], devs)
    except RetryableError as exc:
        log.warning("digest_retry", channel=channel.name, subscription_id=sub["id"], error=str(exc))
        await store.finish_alerts(ids, status="digest", now=now, error=str(exc))
        return
    except PermanentError as exc:
        log.warning("digest_failed", channel=channel.name, subscription_id=sub["id"], error=str(exc))
        metrics.ALERTS_FAILED.labels(channel=channel.name, reason="digest").inc()
        await store.finish_alerts(ids, status="failed", now=now, error=str(exc))
        return
    await store.finish_alerts(ids, status="sent", now=now, message_ref=ref)
    metrics.ALERTS_SENT.labels(channel=channel.name).inc(len(ids))
    log.info("digest_sent", channel=channel.name, subscription_id=sub["id"], developments=len(devs))
