"""Tables of the store: feeds, seen items, developments, subscriptions and the alert outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = ["SCHEMA_VERSION", "developments", "feeds", "locks", "metadata", "outbox", "revisions",
           "seen_items", "subscriptions"]

SCHEMA_VERSION = 1


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))

feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("encoding", String(40)),
    Column("status", String(20), nullable=False, default="active"),  # active|disabled|dead
    Column("etag", String(500)),
    Column("last_modified", String(100)),
    Column("baseline_done", Boolean, nullable=False, default=False),
    Column("next_check_at", UTCDateTime()),
    Column("last_checked_at", UTCDateTime()),
    Column("last_success_at", UTCDateTime()),
    Column("failing_since", UTCDateTime()),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("items_per_day", Float),  # None until a rate has been observed
    Column("lease_owner", String(120)),
    Column("lease_until", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
)
Index("ix_feeds_due", feeds.c.status, feeds.c.next_check_at)

seen_items = Table(
    "seen_items", metadata,
    Column("feed_id", Integer, primary_key=True),
    Column("item_id", String(600), primary_key=True),
    Column("article_id", String(64), nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
)

developments = Table(
    "developments", metadata,
    Column("key", String(300), primary_key=True),
    Column("development_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

subscriptions = Table(
    "subscriptions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(20), nullable=False),  # console|telegram|email
    Column("target", String(320), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("mode", String(20), nullable=False, default="immediate"),
    Column("paused", Boolean, nullable=False, default=False),
    Column("paused_reason", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("channel", "target", name="uq_subscription_target"),
    sqlite_autoincrement=True,  # an id is never reused: alerts and message refs point at it
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False),
    Column("development_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False, default="pending"),  # pending|sent|failed|digest
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", UTCDateTime(), nullable=False),
    Column("lease_owner", String(120)),
    Column("lease_until", UTCDateTime()),
    Column("message_ref", String(200)),
    Column("last_error", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    # The idempotency key of an alert: one per subscriber and development revision. It also serves
    # the look-ups by development (last sent times) and by development and subscriber (message ref).
    UniqueConstraint("development_id", "subscription_id", "revision", name="uq_outbox_alert"),
)
# Each revision of a development once, however many subscribers its alerts go to.
revisions = Table(
    "revisions", metadata,
    Column("development_id", String(64), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("payload", JSON, nullable=False),
)

Index("ix_outbox_due", outbox.c.status, outbox.c.not_before)

# Work only one replica may do at a time (sending through one Telegram bot, whose limits are
# global), held by lease so a dead holder's successor takes over.
locks = Table(
    "locks", metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(120)),
    Column("lease_until", UTCDateTime()),
)

