"""Publishing accepted articles to the work queue; 202 is only ever answered after the broker's confirm."""

import asyncio
import logging

from aio_pika.abc import AbstractChannel, AbstractConnection
from aio_pika.exceptions import AMQPError

from shared import broker, topology
from shared.messages import ArticleDeleted, ArticleSubmitted

log = logging.getLogger(__name__)

# A depth lookup waits no longer than this; requests wait for it, and without it the last one stands.
DEPTH_TIMEOUT_S = 2.0


class ArticlePublisher:
    """One robust connection and one confirming channel for the whole ingest process."""

    def __init__(self, connection: AbstractConnection, channel: AbstractChannel, topo: topology.Topology) -> None:
        self._connection = connection
        self._channel = channel
        self._topology = topo

    @classmethod
    async def open(cls, url: str, *, max_length: int, declare: bool = True) -> "ArticlePublisher":
        connection = await broker.connect(url, name="ingest")
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        topo = await topology.declare_topology(channel, max_length=max_length, passive=not declare)
        return cls(connection, channel, topo)

    @property
    def ready(self) -> bool:
        return not self._connection.is_closed and not self._channel.is_closed

    async def publish(self, message: ArticleSubmitted | ArticleDeleted) -> None:
        """Raises `broker.PublishFailed` unless RabbitMQ confirmed the persistent message."""
        if not self.ready:
            raise broker.PublishFailed("not connected to the broker")
        body = message.model_dump_json().encode()
        await broker.publish_confirmed(
            self._topology.exchange,
            broker.persistent_message(body, message_id=message.id),
            topology.ARTICLE_ROUTING_KEY,
        )

    async def queue_depth(self) -> int | None:
        """Messages ready in the work queue (not those a worker holds), or None if the broker did not say."""
        if not self.ready:
            return None
        try:
            # Bounded as a whole: a robust channel's `get_underlay_channel` waits for a reconnection.
            async with asyncio.timeout(DEPTH_TIMEOUT_S):
                channel = await self._channel.get_underlay_channel()
                declared = await channel.queue_declare(topology.WORK_QUEUE, passive=True)
        except (AMQPError, OSError, RuntimeError, TimeoutError) as exc:
            log.warning("work queue depth unknown: %s", exc)
            return None
        return None if declared is None else declared.message_count

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._connection.close(), timeout=5)
        except (TimeoutError, OSError) as exc:
            log.warning("broker connection did not close cleanly: %s", exc)
