"""The store contract on the embedded SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.store import Store
from tests.conftest import require_server
from tests.shared.store_contract import StoreContract


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
        store = Store(f"sqlite+aiosqlite:///{tmp_path / 'fw.db'}")
        await store.start()
        yield store
        await store.close()


@pytest.mark.integration
class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        url = require_server("postgres")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        store = Store(url, schema=schema)
        await store.start()
        yield store
        async with store.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await store.close()


@pytest.mark.integration
async def test_replicas_starting_together_on_empty_postgres() -> None:
    """Several replicas creating the schema at the same moment all start (no table-creation race)."""
    import asyncio

    url = require_server("postgres")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    stores = [Store(url, schema=schema) for _ in range(4)]
    try:
        await asyncio.gather(*(s.start() for s in stores))
        assert await stores[0].list_feeds() == []
    finally:
        async with stores[0].engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        for s in stores:
            await s.close()
