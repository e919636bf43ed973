"""The store: SQLAlchemy async over SQLite (embedded) or PostgreSQL (deployed).

Every write that decides "exactly once" is a single conditional statement (insert-or-ignore,
compare-and-set on a revision, lease with expiry), so several replicas can share one store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shared.store_developments import (
    DevelopmentSession,
    DevelopmentWrite,
    PostgresSession,
    RawDevelopment,
    SQLiteSession,
    SQLiteStatements,
    StoredDevelopment,
)
from shared.store_schema import (
    SCHEMA_VERSION,
    feeds,
    locks,
    metadata,
    outbox,
    revisions,
    schema_version,
    seen_items,
    subscriptions,
)

__all__ = ["DevelopmentSession", "DevelopmentWrite", "RawDevelopment", "Store", "StoredDevelopment"]

# Alerts with the development revision they carry.
_ALERTS = select(outbox, revisions.c.payload).join(revisions, and_(
    revisions.c.development_id == outbox.c.development_id, revisions.c.revision == outbox.c.revision))


class Store:
    """All persistent state of frontwatch behind small, intention-named methods."""

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        # No pre-ping: it costs a round trip per query. A dropped connection fails that one call
        # (the message is redelivered, the loop retries) and SQLAlchemy discards the connection.
        kwargs: dict[str, Any] = {"pool_pre_ping": False}
        if self.dialect == "sqlite":
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        elif schema:
            # A private PostgreSQL schema: tests and tenants share one database without clashing.
            kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    async def start(self) -> None:
        """Create the schema if missing and record its version."""
        async with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Replicas starting together on an empty database would race to create tables.
                await conn.execute(text("SELECT pg_advisory_xact_lock(7420190306)"))
                if self.schema:
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            await conn.run_sync(metadata.create_all)
            found = (await conn.execute(select(func.max(schema_version.c.version)))).scalar()
            if found is None:
                await conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
            elif found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"store schema v{found} is newer than this frontwatch (v{SCHEMA_VERSION})"
                )

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> bool:
        """True when the store answers a trivial query."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(select(1))
            return True
        except Exception:
            return False

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, url: str, *, now: datetime, name: str = "",
                       encoding: str | None = None) -> int:
        """Add a feed (or keep the existing one of that URL) and return its id."""
        async with self.engine.begin() as conn:
            await conn.execute(self._insert(feeds).values(
                url=url, name=name, encoding=encoding, status="active", baseline_done=False,
                error_count=0, created_at=now, next_check_at=now,
            ).on_conflict_do_nothing(index_elements=["url"]))
            return int((await conn.execute(select(feeds.c.id).where(feeds.c.url == url))).scalar_one())

    async def remove_feed(self, url: str) -> bool:
        """Delete a feed and its seen items; False if there was none."""
        async with self.engine.begin() as conn:
            feed_id = (await conn.execute(select(feeds.c.id).where(feeds.c.url == url))).scalar()
            if feed_id is None:
                return False
            await conn.execute(delete(seen_items).where(seen_items.c.feed_id == feed_id))
            await conn.execute(delete(feeds).where(feeds.c.id == feed_id))
            return True

    async def list_feeds(self) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(feeds).order_by(feeds.c.id))
            return [dict(r._mapping) for r in rows]

    async def lease_due_feeds(self, owner: str, *, now: datetime, limit: int,
                              lease_s: float) -> list[dict[str, Any]]:
        """Take up to `limit` due feeds for `owner` until the lease expires; no two owners share one."""
        due = and_(feeds.c.status == "active", feeds.c.next_check_at <= now)
        return await self._lease(feeds, select(feeds), due, feeds.c.next_check_at, owner, now, limit, lease_s)

    async def next_feed_due(self) -> datetime | None:
        async with self.engine.connect() as conn:
            return (await conn.execute(select(func.min(feeds.c.next_check_at)).where(
                feeds.c.status == "active"))).scalar()

    async def feed_url_taken(self, url: str) -> bool:
        """True when a feed with exactly this URL is stored."""
        async with self.engine.connect() as conn:
            return (await conn.execute(select(feeds.c.id).where(feeds.c.url == url))).first() is not None

    async def update_feed(self, feed_id: int, **values: Any) -> None:
        """Record a check's outcome and release the lease."""
        async with self.engine.begin() as conn:
            await conn.execute(update(feeds).where(feeds.c.id == feed_id).values(
                lease_owner=None, lease_until=None, **values))

    # --- seen items ---------------------------------------------------------------------------

    async def unseen_items(self, feed_id: int, item_ids: Sequence[str]) -> set[str]:
        """The ids among `item_ids` not yet recorded for this feed."""
        seen: set[str] = set()
        async with self.engine.connect() as conn:
            for start in range(0, len(item_ids), 500):
                chunk = list(item_ids[start:start + 500])
                rows = await conn.execute(select(seen_items.c.item_id).where(
                    seen_items.c.feed_id == feed_id, seen_items.c.item_id.in_(chunk)))
                seen.update(r[0] for r in rows)
        return set(item_ids) - seen

    async def mark_seen(self, feed_id: int, items: Iterable[tuple[str, str]], *,
                        now: datetime) -> None:
        """Record (item_id, article_id) pairs as seen; already-seen pairs are ignored."""
        rows = [{"feed_id": feed_id, "item_id": i, "article_id": a, "first_seen": now}
                for i, a in items]
        if rows:
            async with self.engine.begin() as conn:
                await conn.execute(self._insert(seen_items).on_conflict_do_nothing(), rows)

    # --- developments -------------------------------------------------------------------------

    @cached_property
    def _sqlite_statements(self) -> SQLiteStatements:
        return SQLiteStatements()

    @cached_property
    def _autocommit(self) -> AsyncEngine:
        # Shares the pool: a checked-out connection is switched to autocommit and back on return.
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @cached_property
    def _session_slots(self) -> asyncio.Semaphore:
        # A connection checked out beyond the pool's size is opened for the occasion and closed on
        # return: a PostgreSQL backend started (fork, authentication, type introspection) and
        # stopped per article. Sessions wait for a pooled connection instead.
        size = getattr(self.engine.pool, "size", None)
        return asyncio.Semaphore(max(1, size()) if callable(size) else 4)

    @contextlib.asynccontextmanager
    async def developments_session(self) -> AsyncIterator[DevelopmentSession]:
        """One pooled connection for a run of development reads and compare-and-sets (those of
        one article), each statement its own transaction."""
        async with self._session_slots:
            if self.dialect != "postgresql":
                async with self._autocommit.connect() as conn:
                    yield SQLiteSession(conn, self._sqlite_statements)
                return
            from asyncpg import InterfaceError

            async with self.engine.connect() as conn:
                driver = (await conn.get_raw_connection()).driver_connection
                assert driver is not None
                try:
                    yield PostgresSession(driver)
                except BaseException as exc:
                    # SQLAlchemy does not see these statements, so it cannot tell a broken
                    # connection: one that is closed, failed in the driver or the network, or was
                    # interrupted midway (cancelled) is discarded instead of going back to the pool.
                    if driver.is_closed() or not isinstance(exc, Exception) or isinstance(
                            exc, OSError | TimeoutError | InterfaceError):
                        await conn.invalidate()
                    raise

    async def load_development(self, key: str) -> StoredDevelopment | None:
        async with self.developments_session() as session:
            return (await session.load([key])).get(key)

    async def load_developments(self, keys: Sequence[str]) -> dict[str, StoredDevelopment]:
        """The stored developments among `keys`, in one query."""
        if not keys:
            return {}
        async with self.developments_session() as session:
            return await session.load(keys)

    async def save_development(self, key: str, development_id: str, *, revision: int,
                               expected: int | None, state: dict[str, Any], now: datetime) -> bool:
        """Compare-and-set: write `state` at `revision` only if the stored one is `expected`."""
        async with self.developments_session() as session:
            return await session.save(key, development_id, revision=revision, expected=expected,
                                      state=state, now=now)

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, channel: str, target: str, *, filters: dict[str, Any],
                               mode: str, now: datetime) -> int:
        """Create or replace the subscription of (channel, target); return its id."""
        async with self.engine.begin() as conn:
            stmt = self._insert(subscriptions).values(
                channel=channel, target=target, filters=filters, mode=mode, paused=False,
                created_at=now)
            await conn.execute(stmt.on_conflict_do_update(
                index_elements=["channel", "target"],
                set_={"filters": filters, "mode": mode, "paused": False, "paused_reason": None}))
            return int((await conn.execute(select(subscriptions.c.id).where(
                subscriptions.c.channel == channel, subscriptions.c.target == target))).scalar_one())

    async def get_subscription(self, channel: str, target: str) -> dict[str, Any] | None:
        """The subscription of (channel, target), or None."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(subscriptions).where(
                subscriptions.c.channel == channel, subscriptions.c.target == target))).first()
            return dict(row._mapping) if row else None

    async def ensure_subscription(self, channel: str, target: str, *, filters: dict[str, Any],
                                  mode: str, now: datetime) -> None:
        """Create the subscription if it does not exist; never overwrite one a user has changed."""
        async with self.engine.begin() as conn:
            await conn.execute(self._insert(subscriptions).values(
                channel=channel, target=target, filters=filters, mode=mode, paused=False, created_at=now,
            ).on_conflict_do_nothing(index_elements=["channel", "target"]))

    async def remove_subscription(self, channel: str, target: str) -> bool:
        """Delete a subscription and its alerts: nothing queued for it can reach whoever gets its
        id next (SQLite tables created before AUTOINCREMENT reuse the highest id)."""
        async with self.engine.begin() as conn:
            ids = [r[0] for r in await conn.execute(select(subscriptions.c.id).where(
                subscriptions.c.channel == channel, subscriptions.c.target == target))]
            if not ids:
                return False
            await conn.execute(delete(outbox).where(outbox.c.subscription_id.in_(ids)))
            await conn.execute(delete(subscriptions).where(subscriptions.c.id.in_(ids)))
            return True

    async def list_subscriptions(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        query = select(subscriptions).order_by(subscriptions.c.id)
        if active_only:
            query = query.where(subscriptions.c.paused.is_(False))
        async with self.engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]

    async def pause_subscription(self, subscription_id: int, reason: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(subscriptions).where(
                subscriptions.c.id == subscription_id).values(paused=True, paused_reason=reason))

    # --- outbox -------------------------------------------------------------------------------

    async def enqueue_alerts(self, rows: Sequence[dict[str, Any]]) -> int:
        """Commit alerts before any is sent; an alert already queued for that subscriber and
        development revision is ignored (the idempotency key).

        Each row has subscription_id, development_id, revision, payload, not_before, created_at
        and optionally status. Returns how many were new.
        """
        if not rows:
            return 0
        payloads = {(r["development_id"], r["revision"]): r["payload"] for r in rows}
        # Alerts of one development usually differ only in subscriber, so each group of otherwise
        # equal rows is one INSERT ... SELECT over a single array parameter: SQLAlchemy then
        # processes a handful of bind values instead of every column of thousands of rows. An
        # update spaced per subscriber (own not_before) goes as one executemany instead.
        groups: dict[tuple[tuple[str, Any], ...], list[dict[str, Any]]] = {}
        for r in rows:
            shared = {"status": "pending", "attempts": 0,
                      **{k: v for k, v in r.items() if k not in ("payload", "subscription_id", "not_before")}}
            groups.setdefault(tuple(sorted(shared.items())), []).append(r)
        ignore = {"index_elements": ["development_id", "subscription_id", "revision"]}
        inserted = 0
        async with self.engine.begin() as conn:
            await conn.execute(self._insert(revisions).on_conflict_do_nothing(), [
                {"development_id": d, "revision": n, "payload": p} for (d, n), p in payloads.items()])
            for common, members in groups.items():
                times = {r["not_before"] for r in members}
                if len(times) == 1:
                    stmt = self._insert_for_each(outbox, "subscription_id",
                                                 [int(r["subscription_id"]) for r in members],
                                                 {**dict(common), "not_before": times.pop()})
                    params: list[dict[str, Any]] | None = None
                else:
                    stmt = self._insert(outbox)
                    params = [{**dict(common), "subscription_id": r["subscription_id"],
                               "not_before": r["not_before"]} for r in members]
                stmt = stmt.on_conflict_do_nothing(**ignore)
                if self.dialect == "sqlite":  # sqlite3 reports the rows an insert added
                    inserted += int((await conn.execute(stmt, params)).rowcount)
                else:
                    # PostgreSQL returns the ids of the rows it inserted; counting the table before
                    # and after would also count what other replicas inserted meanwhile.
                    inserted += len((await conn.execute(stmt.returning(outbox.c.id), params)).all())
        return inserted

    def _insert_for_each(self, table: Any, column: str, ids: list[int], common: dict[str, Any]) -> Any:
        """INSERT one row per id into `table`: `column` takes the id, the rest `common`."""
        if self.dialect == "postgresql":
            each = func.unnest(literal(ids, postgresql.ARRAY(Integer))).table_valued(
                "value").render_derived()
        else:
            each = func.json_each(json.dumps(ids)).table_valued("value")
        names = list(common)
        values = [literal(common[n], table.c[n].type) for n in names]
        # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT to parse it.
        source = select(cast(each.c.value, Integer), *values).where(true())
        return self._insert(table).from_select([column, *names], source)

    async def lease_due_alerts(self, owner: str, *, now: datetime, limit: int, lease_s: float,
                               skip_channels: Collection[str] = ()) -> list[dict[str, Any]]:
        """Take up to `limit` pending alerts whose time has come, oldest first, except those to
        subscriptions on `skip_channels`."""
        due = and_(outbox.c.status == "pending", outbox.c.not_before <= now)
        if skip_channels:
            due = and_(due, outbox.c.subscription_id.not_in(
                select(subscriptions.c.id).where(subscriptions.c.channel.in_(list(skip_channels)))))
        return await self._lease(outbox, _ALERTS, due, outbox.c.id, owner, now, limit, lease_s)

    async def _lease(self, table: Any, rows_query: Any, due: Any, order: Any, owner: str,
                     now: datetime, limit: int, lease_s: float) -> list[dict[str, Any]]:
        """Lease up to `limit` rows of `table` matching `due` to `owner`; return them via `rows_query`."""
        free = or_(table.c.lease_until.is_(None), table.c.lease_until < now)
        async with self.engine.begin() as conn:
            ids = [r[0] for r in await conn.execute(
                select(table.c.id).where(due, free).order_by(order).limit(limit))]
            if not ids:
                return []
            # Re-checking `free` in the UPDATE makes the lease a compare-and-set between replicas.
            await conn.execute(update(table).where(table.c.id.in_(ids), free).values(
                lease_owner=owner, lease_until=now + timedelta(seconds=lease_s)))
            rows = await conn.execute(rows_query.where(
                table.c.id.in_(ids), table.c.lease_owner == owner, table.c.lease_until > now).order_by(order))
            return [dict(r._mapping) for r in rows]

    async def finish_alert(self, alert_id: int, *, status: str, now: datetime,
                           message_ref: str | None = None, error: str | None = None,
                           not_before: datetime | None = None) -> None:
        """Record the outcome of one send: sent, failed, or back to pending at `not_before`."""
        values: dict[str, Any] = {"status": status, "lease_owner": None, "lease_until": None,
                                  "attempts": outbox.c.attempts + 1, "last_error": error}
        if status == "sent":
            values |= {"sent_at": now, "message_ref": message_ref}
        if not_before is not None:
            values["not_before"] = not_before
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id == alert_id).values(**values))

    async def release_alerts(self, ids: Sequence[int], owner: str, *,
                             not_before: datetime | None = None) -> None:
        """Give back leased alerts unsent (not an attempt): due again at once, or at `not_before`."""
        if not ids:
            return
        values: dict[str, Any] = {"lease_owner": None, "lease_until": None}
        if not_before is not None:
            values["not_before"] = not_before
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(
                outbox.c.id.in_(list(ids)), outbox.c.lease_owner == owner,
                outbox.c.status.in_(("pending", "digest"))).values(**values))

    async def renew_leases(self, ids: Sequence[int], owner: str, *, now: datetime,
                           lease_s: float) -> int:
        """Extend the leases `owner` still holds on these unfinished alerts; returns how many."""
        if not ids:
            return 0
        async with self.engine.begin() as conn:
            result = await conn.execute(update(outbox).where(
                outbox.c.id.in_(list(ids)), outbox.c.lease_owner == owner,
                outbox.c.status.in_(("pending", "digest")),
            ).values(lease_until=now + timedelta(seconds=lease_s)))
            return int(result.rowcount or 0)

    # --- locks --------------------------------------------------------------------------------

    async def hold_lock(self, name: str, owner: str, *, now: datetime, lease_s: float) -> bool:
        """Take or renew the lock `name` for `lease_s`; False while another owner's lease runs."""
        async with self.engine.begin() as conn:
            await conn.execute(self._insert(locks).on_conflict_do_nothing(), {"name": name})
            result = await conn.execute(update(locks).where(
                locks.c.name == name,
                or_(locks.c.owner == owner, locks.c.lease_until.is_(None), locks.c.lease_until < now),
            ).values(owner=owner, lease_until=now + timedelta(seconds=lease_s)))
            return bool(result.rowcount)

    async def release_lock(self, name: str, owner: str) -> None:
        """Let another owner take `name` at once (if `owner` still holds it)."""
        async with self.engine.begin() as conn:
            await conn.execute(update(locks).where(locks.c.name == name, locks.c.owner == owner)
                               .values(owner=None, lease_until=None))

    async def last_message_ref(self, subscription_id: int, development_id: str) -> str | None:
        """The message ref of the latest sent revision of a development to a subscriber."""
        async with self.engine.connect() as conn:
            return (await conn.execute(select(outbox.c.message_ref).where(
                outbox.c.subscription_id == subscription_id,
                outbox.c.development_id == development_id, outbox.c.status == "sent",
            ).order_by(outbox.c.revision.desc()).limit(1))).scalar()

    async def supersede_pending(self, development_id: str, revision: int) -> int:
        """Drop queued, unsent alerts of older revisions: the newest carries everything they had."""
        async with self.engine.begin() as conn:
            result = await conn.execute(update(outbox).where(
                outbox.c.development_id == development_id, outbox.c.revision < revision,
                outbox.c.status.in_(("pending", "digest")), outbox.c.lease_owner.is_(None),
            ).values(status="superseded"))
            return int(result.rowcount or 0)

    async def last_sent_times(self, development_id: str) -> dict[int, datetime]:
        """When each subscription last received a revision of this development."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(outbox.c.subscription_id, func.max(outbox.c.sent_at)).where(
                outbox.c.development_id == development_id, outbox.c.status == "sent",
            ).group_by(outbox.c.subscription_id))
            return {int(r[0]): _aware(r[1]) for r in rows if r[1] is not None}

    async def digest_backlog(self) -> list[tuple[int, datetime]]:
        """(subscription id, oldest entry time) of every subscription with digest entries waiting."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(outbox.c.subscription_id, func.min(outbox.c.created_at)).where(
                outbox.c.status == "digest").group_by(outbox.c.subscription_id))
            return [(int(r[0]), _aware(r[1])) for r in rows]

    async def lease_digest(self, subscription_id: int, owner: str, *, now: datetime,
                           lease_s: float) -> list[dict[str, Any]]:
        """Take every waiting digest entry of one subscription, oldest first."""
        free = or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now)
        mine = and_(outbox.c.subscription_id == subscription_id, outbox.c.status == "digest")
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(mine, free).values(
                lease_owner=owner, lease_until=now + timedelta(seconds=lease_s)))
            rows = await conn.execute(_ALERTS.where(mine, outbox.c.lease_owner == owner)
                                      .order_by(outbox.c.id))
            return [dict(r._mapping) for r in rows]

    async def finish_alerts(self, ids: Sequence[int], *, status: str, now: datetime,
                            message_ref: str | None = None, error: str | None = None) -> None:
        """Record one outcome for several alerts at once (a digest)."""
        values: dict[str, Any] = {"status": status, "lease_owner": None, "lease_until": None,
                                  "attempts": outbox.c.attempts + 1, "last_error": error}
        if status == "sent":
            values |= {"sent_at": now, "message_ref": message_ref}
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id.in_(list(ids))).values(**values))

    async def sent_payloads(self) -> list[dict[str, Any]]:
        """The development payload of every sent alert, in sending order (for audits and tests)."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(revisions.c.payload).join(outbox, and_(
                revisions.c.development_id == outbox.c.development_id,
                revisions.c.revision == outbox.c.revision)).where(outbox.c.status == "sent")
                .order_by(outbox.c.sent_at, outbox.c.id))
            return [r[0] for r in rows]

    async def outbox_counts(self) -> dict[str, int]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
            return {r[0]: int(r[1]) for r in rows}

    async def next_alert_due(self) -> datetime | None:
        async with self.engine.connect() as conn:
            return (await conn.execute(select(func.min(outbox.c.not_before)).where(
                outbox.c.status == "pending"))).scalar()


def _aware(value: Any) -> datetime:
    # Aggregates (min/max) bypass the column type, so SQLite hands back naive UTC or even text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the three services of `frontwatch run` read while one writes.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
