"""Start-up and shutdown shared by `frontwatch run` and the single-service commands."""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from shared.broker import Bus, make_bus
from shared.config import Settings
from shared.embedded_nats import EmbeddedNats
from shared.logging import get_logger
from shared.store import Store

__all__ = ["DEFAULT_SERVICE_BROKER", "Runtime", "stop_on_signals"]

log = get_logger("runtime")
# A single service cannot embed the broker its peers must share; it expects one here.
DEFAULT_SERVICE_BROKER = "nats://127.0.0.1:4222"


@contextlib.contextmanager
def _signals(stop: asyncio.Event) -> Any:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def stop_on_signals(stop: asyncio.Event) -> contextlib.AbstractContextManager[Any]:
    """Set `stop` on Ctrl-C or SIGTERM instead of raising, so shutdown is orderly."""
    return _signals(stop)


class Runtime:
    """The store, the broker URL (embedded NATS if none is set) and the buses of one process."""

    def __init__(self, settings: Settings, stack: AsyncExitStack, *, embed_broker: bool) -> None:
        self.settings = settings
        self.stack = stack
        self.embed_broker = embed_broker
        self.broker_url = settings.broker_url or DEFAULT_SERVICE_BROKER
        self.store: Store
        self.buses: list[Bus] = []
        self.prefix = ""
        # What is left of the shutdown grace period for draining the buses' in-flight messages.
        self.drain_budget_s = settings.shutdown_grace_s

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, settings: Settings, *, embed_broker: bool, prefix: str = ""
    ) -> AsyncIterator[Runtime]:
        async with AsyncExitStack() as stack:
            rt = cls(settings, stack, embed_broker=embed_broker)
            rt.prefix = prefix
            if embed_broker and settings.broker_url is None:
                nats = EmbeddedNats(settings.data_dir)
                await stack.enter_async_context(nats)
                rt.broker_url = nats.url
            rt.store = Store(settings.store_dsn, schema=settings.store_schema)
            await rt.store.start()
            stack.push_async_callback(rt.store.close)
            yield rt

    def bus(self) -> Bus:
        """A new bus (one connection) for one service of this process."""
        bus = make_bus(
            self.broker_url,
            prefix=self.prefix,
            replicas=self.settings.jetstream_replicas,
            graceful_timeout_s=self.settings.shutdown_grace_s,
        )
        self.buses.append(bus)
        return bus

    async def start_buses(self) -> None:
        for bus in self.buses:
            await bus.start()
        self.stack.push_async_callback(self._stop_buses, list(self.buses))

    async def _stop_buses(self, buses: list[Bus]) -> None:
        """Drain in-flight messages of every bus at once, within what is left of the grace period.

        A message still unfinished when the time is up is not acknowledged: the broker redelivers
        it to another replica, and the store's idempotency keeps that from doing anything twice.
        """
        try:
            budget = self.drain_budget_s
            async with asyncio.timeout(None if math.isinf(budget) else max(budget, 0.0)):
                await asyncio.gather(*(bus.stop() for bus in buses))
        except TimeoutError:
            log.warning(
                "shutdown_grace_exceeded", stage="broker_drain", grace_s=self.settings.shutdown_grace_s
            )

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)


async def run_until(
    stop: asyncio.Event,
    *loops: Callable[[asyncio.Event], Coroutine[Any, Any, Any]],
    grace_s: float | None = None,
) -> float:
    """Run service loops until `stop`; a loop that crashes stops the others and re-raises.

    Once `stop` is set the loops get `grace_s` seconds (unbounded if None) to finish their
    in-flight work before they are cancelled. Returns the seconds of grace left.
    """
    tasks: list[asyncio.Task[Any]] = [asyncio.create_task(loop(stop)) for loop in loops]
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    clock = asyncio.get_running_loop()
    stopped_at = clock.time()
    _, late = await asyncio.wait(tasks, timeout=grace_s) if tasks else (set(), set())
    if late:
        log.warning("shutdown_grace_exceeded", stage="service_loops", grace_s=grace_s, loops=len(late))
        for task in late:
            task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    waiter.cancel()
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
    return float("inf") if grace_s is None else max(0.0, grace_s - (clock.time() - stopped_at))
