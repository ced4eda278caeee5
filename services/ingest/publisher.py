"""Publishing accepted articles to the work queue; 202 is only ever answered after the broker's confirm."""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from aio_pika.abc import AbstractChannel, AbstractConnection
from aio_pika.exceptions import AMQPError

from services.ingest.metrics import PUBLISH_CONFIRM
from shared import broker, topology
from shared.logs import current_request_id
from shared.messages import ArticleDeleted, ArticleSubmitted

log = logging.getLogger(__name__)

# A depth lookup waits no longer than this; requests wait for it, and without it the last one stands.
DEPTH_TIMEOUT_S = 2.0


# Waits between reconnection attempts after the broker connection is lost; the last one repeats.
RECONNECT_DELAYS_S = (0.5, 1, 2, 5, 10)


@dataclass(frozen=True)
class QueueCounts:
    messages: int  # ready, not those delivered to a consumer and not yet acknowledged
    consumers: int


@dataclass(frozen=True)
class _TopologyShape:
    """How the topology is looked up (or declared) on each new connection."""

    max_length: int
    declare: bool
    replicas: int | None


class _Link:
    """One connection's confirming channel and the topology looked up on it."""

    def __init__(self, connection: AbstractConnection, channel: AbstractChannel, topo: topology.Topology) -> None:
        self.connection = connection
        self.channel = channel
        self.topology = topo
        self.lost = asyncio.Event()
        connection.close_callbacks.add(lambda *_: self.lost.set())
        channel.close_callbacks.add(lambda *_: self.lost.set())

    @property
    def usable(self) -> bool:
        return not self.lost.is_set() and not self.connection.is_closed and not self.channel.is_closed


class ArticlePublisher:
    """One connection and one confirming channel for the whole ingest process, reopened (on another broker
    node when there are several) whenever it is lost; while it is down, publishing fails at once."""

    def __init__(self, failover: broker.Failover, link: _Link, shape: _TopologyShape) -> None:
        self._failover = failover
        self._link = link
        self._shape = shape
        self._keeper = asyncio.create_task(self._keep_open(), name="broker-link")

    @classmethod
    async def open(
        cls, url: str, *, max_length: int, declare: bool = True, replicas: int | None = None
    ) -> "ArticlePublisher":
        """Raises when no broker address answers: ingest does not start without its broker."""
        failover = broker.Failover(url, name="ingest")
        shape = _TopologyShape(max_length=max_length, declare=declare, replicas=replicas)
        link = await cls._connect(failover, shape)
        return cls(failover, link, shape)

    @staticmethod
    async def _connect(failover: broker.Failover, shape: _TopologyShape) -> _Link:
        connection = await failover.connect()
        try:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            topo = await topology.declare_topology(
                channel, max_length=shape.max_length, passive=not shape.declare, replicas=shape.replicas
            )
        except BaseException:
            await connection.close()
            raise
        return _Link(connection, channel, topo)

    async def _keep_open(self) -> None:
        failures = 0
        while True:
            await self._link.lost.wait()
            if not self._link.connection.is_closed:  # the channel alone was closed: start afresh
                with contextlib.suppress(*broker.CONNECTION_ERRORS):
                    await self._link.connection.close()
            try:
                self._link = await self._connect(self._failover, self._shape)
            except broker.CONNECTION_ERRORS as exc:
                delay = RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)]
                failures += 1
                log.warning("broker unavailable (%s); reconnecting in %ss", type(exc).__name__, delay)
                await asyncio.sleep(delay)
            else:
                failures = 0
                log.info("broker connection reopened")

    @property
    def ready(self) -> bool:
        return self._link.usable

    async def publish(self, message: ArticleSubmitted | ArticleDeleted) -> None:
        """Raises `broker.PublishFailed` unless RabbitMQ confirmed the persistent message.

        The id of the request being served (`shared.logs`) travels with it, for the worker's log lines."""
        request_id = current_request_id()
        link = self._link
        if not link.usable:
            raise broker.PublishFailed("not connected to the broker")
        body = message.model_dump_json().encode()
        started = time.perf_counter()
        await broker.publish_confirmed(
            link.topology.exchange,
            broker.persistent_message(
                body,
                message_id=message.id,
                headers=None if request_id is None else {topology.REQUEST_ID_HEADER: request_id},
            ),
            topology.ARTICLE_ROUTING_KEY,
        )
        PUBLISH_CONFIRM.observe(time.perf_counter() - started)

    async def queue_depth(self) -> int | None:
        """Messages ready in the work queue (not those a worker holds), or None if the broker did not say."""
        counts = await self.queue_counts(topology.WORK_QUEUE)
        return None if counts is None else counts.messages

    async def queue_counts(self, queue: str) -> QueueCounts | None:
        """A queue's ready messages and consumers (a passive declare), or None if the broker did not say."""
        link = self._link
        if not link.usable:
            return None
        try:
            async with asyncio.timeout(DEPTH_TIMEOUT_S):
                channel = await link.channel.get_underlay_channel()
                declared = await channel.queue_declare(queue, passive=True)
        except (AMQPError, OSError, RuntimeError, TimeoutError) as exc:
            log.warning("depth of %s unknown: %s", queue, exc)
            return None
        if declared is None:
            return None
        return QueueCounts(declared.message_count or 0, declared.consumer_count or 0)

    async def close(self) -> None:
        self._keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._keeper
        try:
            await asyncio.wait_for(self._link.connection.close(), timeout=5)
        except (TimeoutError, OSError) as exc:
            log.warning("broker connection did not close cleanly: %s", exc)
