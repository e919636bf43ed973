"""Development rows for the classifier: reads and compare-and-sets over one pooled connection.

The classifier reads and compare-and-sets development rows once or twice per article, so their
per-statement overhead is its main cost. `Store.developments_session` hands out one of these
sessions per article; every write is a single conditional statement, so each runs on its own.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Text, bindparam, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store_schema import developments

__all__ = ["DevelopmentSession", "DevelopmentWrite", "PostgresSession", "RawDevelopment", "SQLiteSession",
           "SQLiteStatements", "StoredDevelopment"]


@dataclass(frozen=True)
class StoredDevelopment:
    development_id: str
    revision: int
    state: dict[str, Any]


@dataclass(frozen=True)
class RawDevelopment:
    """A development row with its state still JSON text; (key, revision) identifies that text, so
    None when the reader said it had that revision already."""

    key: str
    development_id: str
    revision: int
    state_json: str | None


@dataclass(frozen=True)
class DevelopmentWrite:
    """A compare-and-set of one development row: `state` at `revision` if the stored revision is
    `expected` (None: if there is no row of `key` yet)."""

    key: str
    development_id: str
    revision: int
    expected: int | None
    state: dict[str, Any]


# --- development sessions ------------------------------------------------------------------
#
# The classifier reads and compare-and-sets development rows once or twice per article, so their
# per-statement overhead is its main cost. On PostgreSQL a session talks to the asyncpg connection
# under SQLAlchemy's pooled one: each statement is prepared once per connection and then costs a
# round trip and little else (through SQLAlchemy's execute, three times the client CPU). Statements
# run outside any transaction: each is its own, as every write is a single conditional statement.

# The rows of a development key and of its index key, and (only when the development key is not
# stored yet) every development the index row lists: what the classifier needs to place a fact, in
# one round trip. `part` is 0 for the former, 1 for the latter. States come as JSON text, and not
# at all for the candidates whose revision the caller says it has (every new report under an
# index reads the same candidates again): no detoasting, sending or decoding them again.
# `= ANY(ARRAY(subquery))` makes PostgreSQL look the listed keys up in the primary key; with
# `IN (subquery)` it hashes them and scans the whole table.
_PG_WITH_CANDIDATES = """
SELECT 0 AS part, key, development_id, revision, state::text FROM developments
WHERE key = ANY($1::varchar[])
UNION ALL
SELECT 1, d.key, d.development_id, d.revision,
       CASE WHEN (d.key, d.revision) IN (SELECT * FROM unnest($4::varchar[], $5::integer[]))
            THEN NULL ELSE d.state::text END
FROM developments d
WHERE d.key = ANY(ARRAY(SELECT json_array_elements_text(i.state -> 'keys') FROM developments i
                         WHERE i.key = $2))
  AND NOT EXISTS (SELECT 1 FROM developments k WHERE k.key = $3)"""
_SQLITE_WITH_CANDIDATES = """
SELECT 0 AS part, key, development_id, revision, state FROM developments
WHERE key IN (:key, :index_key)
UNION ALL
SELECT 1, d.key, d.development_id, d.revision, d.state FROM developments d
WHERE d.key IN (SELECT j.value FROM developments i, json_each(i.state, '$.keys') j
                WHERE i.key = :index_key)
  AND NOT EXISTS (SELECT 1 FROM developments k WHERE k.key = :key)"""
_PG_LOAD = ("SELECT key, development_id, revision, state::text FROM developments "
            "WHERE key = ANY($1::varchar[])")


def _pg_cas(name: str, first: int) -> str:
    """A compare-and-set as two data-modifying CTEs (insert-or-ignore when the expected revision,
    parameter `first`+4, is NULL; else update-if-revision), the key written returned by either."""
    k, d, r, s, e = (f"${first + i}" for i in range(5))
    return f"""{name}_ins AS (
  INSERT INTO developments (key, development_id, revision, state, updated_at)
  SELECT {k}::varchar, {d}::varchar, {r}::integer, {s}::json, $1::timestamp
  WHERE {e}::integer IS NULL
  ON CONFLICT (key) DO NOTHING RETURNING key),
{name}_upd AS (
  UPDATE developments SET revision = {r}::integer, state = {s}::json, updated_at = $1::timestamp
  WHERE key = {k}::varchar AND revision = {e}::integer RETURNING key)"""


# One and two compare-and-sets per round trip; $1 is the time. A pair is one statement: each half
# succeeds or not on its own revision, and both commit together. PostgreSQL does not promise the
# order in which data-modifying CTEs run; pairs always name the development before its index row,
# and a deadlock between two of them, should one happen, fails one article for the broker to retry.
_PG_SAVE = {
    1: f"WITH {_pg_cas('a', 2)}\nSELECT key FROM a_ins UNION ALL SELECT key FROM a_upd",
    2: f"WITH {_pg_cas('a', 2)},\n{_pg_cas('b', 7)}\nSELECT key FROM a_ins UNION ALL SELECT key FROM a_upd\n"
       "UNION ALL SELECT key FROM b_ins UNION ALL SELECT key FROM b_upd",
}


class DevelopmentSession:
    """Development reads and compare-and-sets over one pooled connection
    (`Store.developments_session`), each statement its own transaction."""

    async def load(self, keys: Collection[str]) -> dict[str, StoredDevelopment]:
        """The stored developments among `keys`, in one query."""
        raise NotImplementedError

    async def load_with_candidates(self, key: str, index_key: str, known: Mapping[str, int]) -> tuple[
            dict[str, StoredDevelopment], list[RawDevelopment]]:
        """In one query: the stored rows among `key` and `index_key`; and, when `key` is not stored,
        the developments listed under the index row's "keys", their state left as JSON text (None
        where `known`, key -> revision, has that revision; SQLite sends them anyway)."""
        raise NotImplementedError

    async def save_all(self, writes: Sequence[DevelopmentWrite], *, now: datetime) -> set[str]:
        """Each compare-and-set of `writes` (distinct keys) decided on its own revision; the keys
        written. On PostgreSQL two of them go in one round trip and commit together."""
        raise NotImplementedError

    async def save(self, key: str, development_id: str, *, revision: int, expected: int | None,
                   state: dict[str, Any], now: datetime) -> bool:
        """Compare-and-set: write `state` at `revision` only if the stored one is `expected`
        (None: only if there is no row of `key` yet)."""
        write = DevelopmentWrite(key, development_id, revision, expected, state)
        return key in await self.save_all([write], now=now)


class PostgresSession(DevelopmentSession):
    def __init__(self, driver: Any) -> None:
        self._db = driver  # an asyncpg connection, autocommitting outside a transaction

    async def load(self, keys: Collection[str]) -> dict[str, StoredDevelopment]:
        if not keys:
            return {}
        rows = await self._db.fetch(_PG_LOAD, list(keys))
        return {k: StoredDevelopment(d, r, json.loads(s)) for k, d, r, s in rows}

    async def load_with_candidates(self, key: str, index_key: str, known: Mapping[str, int]) -> tuple[
            dict[str, StoredDevelopment], list[RawDevelopment]]:
        found: dict[str, StoredDevelopment] = {}
        candidates: list[RawDevelopment] = []
        rows = await self._db.fetch(_PG_WITH_CANDIDATES, [key, index_key], index_key, key,
                                    list(known), list(known.values()))
        for part, k, d, r, s in rows:
            if part:
                candidates.append(RawDevelopment(k, d, r, s))
            else:
                found[k] = StoredDevelopment(d, r, json.loads(s))
        return found, candidates

    async def save_all(self, writes: Sequence[DevelopmentWrite], *, now: datetime) -> set[str]:
        saved: set[str] = set()
        at = now.astimezone(UTC).replace(tzinfo=None)  # as UTCDateTime stores it
        for i in range(0, len(writes), 2):
            chunk = writes[i:i + 2]
            args = [at, *(v for w in chunk for v in (
                w.key, w.development_id, w.revision, json.dumps(w.state), w.expected))]
            saved.update(r[0] for r in await self._db.fetch(_PG_SAVE[len(chunk)], *args))
        return saved


class SQLiteSession(DevelopmentSession):
    def __init__(self, conn: AsyncConnection, statements: SQLiteStatements) -> None:
        self._conn = conn
        self._sql = statements

    async def load(self, keys: Collection[str]) -> dict[str, StoredDevelopment]:
        if not keys:
            return {}
        rows = await self._conn.execute(self._sql.load, {"b_keys": list(keys)})
        return {r.key: StoredDevelopment(r.development_id, r.revision, r.state) for r in rows}

    async def load_with_candidates(self, key: str, index_key: str, known: Mapping[str, int]) -> tuple[
            dict[str, StoredDevelopment], list[RawDevelopment]]:
        rows = await self._conn.execute(self._sql.with_candidates, {"key": key, "index_key": index_key})
        found: dict[str, StoredDevelopment] = {}
        candidates: list[RawDevelopment] = []
        for r in rows:
            if r.part:
                candidates.append(RawDevelopment(r.key, r.development_id, r.revision, r.state))
            else:
                found[r.key] = StoredDevelopment(r.development_id, r.revision, json.loads(r.state))
        return found, candidates

    async def save_all(self, writes: Sequence[DevelopmentWrite], *, now: datetime) -> set[str]:
        saved: set[str] = set()
        for w in writes:
            values = {"b_key": w.key, "b_revision": w.revision, "b_state": w.state, "b_now": now}
            if w.expected is None:
                result = await self._conn.execute(
                    self._sql.insert, {**values, "b_development_id": w.development_id})
            else:
                result = await self._conn.execute(self._sql.update, {**values, "b_expected": w.expected})
            if result.rowcount == 1:
                saved.add(w.key)
        return saved


class SQLiteStatements:
    """The development statements for SQLite, built once: SQLAlchemy then finds each compiled form
    in its cache instead of building and hashing a new statement per call."""

    def __init__(self) -> None:
        c = developments.c
        self.load = select(c.key, c.development_id, c.revision, c.state).where(
            c.key.in_(bindparam("b_keys", expanding=True)))
        self.with_candidates = text(_SQLITE_WITH_CANDIDATES).columns(
            part=Integer, key=c.key.type, development_id=c.development_id.type,
            revision=c.revision.type, state=Text())
        # OR IGNORE: a lost race is a row count of 0, not an error.
        self.insert = sqlite.insert(developments).values(
            key=bindparam("b_key", type_=c.key.type),
            development_id=bindparam("b_development_id", type_=c.development_id.type),
            revision=bindparam("b_revision", type_=c.revision.type),
            state=bindparam("b_state", type_=c.state.type),
            updated_at=bindparam("b_now", type_=c.updated_at.type),
        ).on_conflict_do_nothing(index_elements=["key"])
        self.update = update(developments).where(
            c.key == bindparam("b_key", type_=c.key.type),
            c.revision == bindparam("b_expected", type_=c.revision.type),
        ).values(
            revision=bindparam("b_revision", type_=c.revision.type),
            state=bindparam("b_state", type_=c.state.type),
            updated_at=bindparam("b_now", type_=c.updated_at.type),
        )
