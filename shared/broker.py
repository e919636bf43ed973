"""The message bus: one small interface over FastStream's NATS JetStream, RabbitMQ and Redis brokers.

Every subject is durable on every broker, consumer groups share work between replicas, and a
message id lets the broker drop a re-published duplicate where it can (JetStream); the store-side
idempotency of each service covers the others.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from faststream import AckPolicy
from faststream.message import StreamMessage
from pydantic import BaseModel, ValidationError

from shared import subjects
from shared.logging import get_logger

__all__ = ["Bus", "make_bus"]

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[M], Awaitable[None]]
log = get_logger("bus")

# JetStream drops a second publish with the same Nats-Msg-Id within this window.
DUPLICATE_WINDOW_S = 24 * 3600.0
RETRY_PAUSE_S = 1.0
# A busy JetStream server can take more than FastStream's default half second to acknowledge.
PUBLISH_ACK_TIMEOUT_S = 5.0
# Messages one NATS consumer handles at once: handlers mostly wait on the store and the broker,
# so overlapping them multiplies a replica's throughput; the store's compare-and-set keeps
# concurrent updates of one development consistent.
HANDLERS_PER_CONSUMER = 8


class Bus:
    """Publish models to subjects and consume them in durable, shared consumer groups."""

    def __init__(self, url: str, *, prefix: str = "", replicas: int = 1,
                 graceful_timeout_s: float = 15.0) -> None:
        self.url = url
        self.graceful_timeout_s = graceful_timeout_s
        self.replicas = replicas
        self.scheme = urlsplit(url).scheme
        self.prefix = prefix
        self.broker: Any = self._make_broker()
        self._consumer = f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"

    def subject(self, name: str) -> str:
        """The subject name on the wire, with this bus's namespace prefix."""
        return f"{self.prefix}{name}"

    @property
    def stream_name(self) -> str:
        return (self.prefix.replace(".", "_").replace("-", "_") + subjects.STREAM).upper()

    def _make_broker(self) -> Any:
        # Our handlers log what matters; FastStream's per-message access log is off. No dependency
        # injection either: `consume` takes the raw message (see `_undecoded`), and injecting it
        # through FastDepends cost a worker-thread round trip per message.
        quiet: dict[str, Any] = {"logger": None, "graceful_timeout": self.graceful_timeout_s,
                                 "apply_types": False}
        if self.scheme == "nats":
            from faststream.nats import NatsBroker

            return NatsBroker(self.url, max_reconnect_attempts=-1, **quiet)
        if self.scheme in ("amqp", "amqps"):
            from faststream.rabbit import RabbitBroker

            return RabbitBroker(self.url, **quiet)
        if self.scheme in ("redis", "rediss"):
            from faststream.redis import RedisBroker

            return RedisBroker(self.url, **quiet)
        raise ValueError(f"unknown broker scheme {self.scheme!r}")

    def subscribe(self, name: str, group: str, model: type[M], handler: Handler[M]) -> None:
        """Call `handler` with each message of `name`, shared among the replicas of `group`.

        A message that is not a valid `model` is logged and dropped (it would fail forever);
        a handler exception returns the message to the broker for redelivery.
        """
        subject = self.subject(name)

        async def consume(message: StreamMessage[Any]) -> None:
            try:
                item = model.model_validate_json(message.body)
            except ValidationError as exc:
                log.error("message_malformed", subject=subject, error=str(exc).splitlines()[0],
                          body=bytes(message.body[:200]).decode("utf-8", "replace"))
                return
            try:
                await handler(item)
            except Exception:
                log.exception("message_failed", subject=subject)
                await asyncio.sleep(RETRY_PAUSE_S)
                if self.scheme in ("redis", "rediss"):
                    # A Redis stream never redelivers a nacked entry to ">" readers: put it back
                    # at the end of the stream, then ack the original.
                    await self.broker.publish(message.body, stream=subject, headers=message.headers)
                    return
                raise

        self._register(subject, group, consume)

    def _register(self, subject: str, group: str, consume: Callable[..., Awaitable[None]]) -> None:
        if self.scheme == "nats":
            from faststream.nats import PullSub

            self.broker.subscriber(
                subject, stream=self._jstream(), durable=f"{self.prefix}{group}".replace(".", "_"),
                pull_sub=PullSub(batch_size=16, timeout=1.0), ack_policy=AckPolicy.NACK_ON_ERROR,
                max_workers=HANDLERS_PER_CONSUMER, decoder=_undecoded,
            )(consume)
        elif self.scheme in ("amqp", "amqps"):
            self.broker.subscriber(
                self._queue(subject, group), self._exchange(), ack_policy=AckPolicy.NACK_ON_ERROR,
                decoder=_undecoded,
            )(consume)
        else:
            from faststream.redis import StreamSub

            self.broker.subscriber(
                stream=StreamSub(subject, group=group, consumer=self._consumer),
                ack_policy=AckPolicy.NACK_ON_ERROR, decoder=_undecoded,
            )(consume)

    async def publish(self, item: BaseModel, name: str, *, msg_id: str) -> None:
        """Publish `item` durably; `msg_id` identifies it so a re-publish can be dropped."""
        subject = self.subject(name)
        body = item.model_dump_json().encode()
        if self.scheme == "nats":
            await self.broker.publish(
                body, subject, headers={"Nats-Msg-Id": msg_id, "content-type": "application/json"},
                stream=self.stream_name, timeout=PUBLISH_ACK_TIMEOUT_S,
            )
        elif self.scheme in ("amqp", "amqps"):
            await self.broker.publish(
                body, exchange=self._exchange(), routing_key=subject, persist=True,
                message_id=msg_id, content_type="application/json",
            )
        else:
            await self.broker.publish(body, stream=subject, headers={"msg_id": msg_id})

    async def start(self) -> None:
        """Connect and declare every stream, queue and consumer group this bus uses."""
        if self.scheme == "nats":
            await self.broker.connect()
            await self._declare_jetstream()
        elif self.scheme in ("amqp", "amqps"):
            await self.broker.connect()
            await self._declare_rabbit()
        else:
            await self.broker.connect()
            await self._declare_redis()
        await self.broker.start()

    async def stop(self) -> None:
        """Finish in-flight messages and disconnect."""
        await self.broker.stop()

    async def ping(self) -> bool:
        """True when the broker answers within two seconds."""
        try:
            return bool(await self.broker.ping(timeout=2.0))
        except Exception:
            return False

    # --- broker specifics -------------------------------------------------------------------

    def _jstream(self) -> Any:
        from faststream.nats import JStream

        return JStream(self.stream_name, subjects=[self.subject("frontwatch.>")], declare=False)

    async def _declare_jetstream(self) -> None:
        from nats.js.api import StreamConfig
        from nats.js.errors import NotFoundError

        js = self.broker.connection.jetstream()
        config = StreamConfig(
            name=self.stream_name, subjects=[self.subject("frontwatch.>")],
            duplicate_window=DUPLICATE_WINDOW_S, max_age=7 * 24 * 3600.0,
        )
        try:
            info = await js.stream_info(self.stream_name)
        except NotFoundError:
            config.num_replicas = self.replicas
            await js.add_stream(config)
            return
        # Never lower what an operator raised by hand.
        config.num_replicas = max(self.replicas, info.config.num_replicas or 1)
        if (info.config.duplicate_window, info.config.num_replicas) != (
                config.duplicate_window, config.num_replicas):
            await js.update_stream(config)

    def _exchange(self) -> Any:
        from faststream.rabbit import ExchangeType, RabbitExchange

        return RabbitExchange(f"{self.prefix}frontwatch", type=ExchangeType.TOPIC, durable=True)

    def _queue(self, subject: str, group: str) -> Any:
        from faststream.rabbit import RabbitQueue

        return RabbitQueue(f"{subject}.{group}", durable=True, routing_key=subject)

    async def _declare_rabbit(self) -> None:
        # A topic exchange drops what no queue is bound to yet, so the publisher declares the
        # consumers' queues too: articles published before the classifier starts are kept.
        exchange = await self.broker.declare_exchange(self._exchange())
        for name, groups in subjects.CONSUMERS.items():
            for group in groups:
                queue = await self.broker.declare_queue(self._queue(self.subject(name), group))
                await queue.bind(exchange, routing_key=self.subject(name))


    async def _declare_redis(self) -> None:
        # Groups created at the start of the stream keep entries published before a consumer runs.
        from redis.exceptions import ResponseError

        client = self.broker._connection
        for name, groups in subjects.CONSUMERS.items():
            for group in groups:
                try:
                    await client.xgroup_create(self.subject(name), group, id="0", mkstream=True)
                except ResponseError as exc:
                    if "BUSYGROUP" not in str(exc):
                        raise


async def _undecoded(message: StreamMessage[Any]) -> StreamMessage[Any]:
    """The message itself as the handler's argument: the handler validates the body into its model
    in one step, instead of FastStream first parsing the JSON into a dict nobody reads."""
    return message


def make_bus(url: str, *, prefix: str = "", replicas: int = 1, graceful_timeout_s: float = 15.0) -> Bus:
    """A bus for `url` (nats://, amqp://, redis://); `replicas` copies of a JetStream stream;
    in-flight handlers get `graceful_timeout_s` to finish when it stops."""
    return Bus(url, prefix=prefix, replicas=replicas, graceful_timeout_s=graceful_timeout_s)
