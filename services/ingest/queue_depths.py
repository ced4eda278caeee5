"""The work and dead-letter queues' depth and consumers, as ingest sees them through a passive declare.

Compose scrapes the broker's own exporter (rabbitmq_prometheus) too; the local `newsflow run` stack may not
have it, and `newsflow status` reads these. Read when a scrape comes, at most every `refresh_s` seconds. A
queue whose counts the broker did not give loses its samples, so a stale depth is never taken for a live one.
"""

import time

from prometheus_client import Gauge

from services.ingest.publisher import ArticlePublisher
from shared import topology

QUEUES = (topology.WORK_QUEUE, topology.DEAD_QUEUE)

READY = Gauge(
    "newsflow_queue_messages_ready", "Messages ready in the queue (not delivered to a consumer yet)", ["queue"]
)
CONSUMERS = Gauge("newsflow_queue_consumers", "Consumers the queue has (workers, for the work queue)", ["queue"])


class QueueDepths:
    def __init__(self, publisher: ArticlePublisher, *, refresh_s: float = 3.0) -> None:
        self._publisher = publisher
        self._refresh_s = refresh_s
        self._refreshed_at = float("-inf")

    async def refresh(self) -> None:
        if time.monotonic() - self._refreshed_at < self._refresh_s:
            return
        self._refreshed_at = time.monotonic()
        for queue in QUEUES:
            counts = await self._publisher.queue_counts(queue)
            if counts is None:
                READY.remove(queue)
                CONSUMERS.remove(queue)
                continue
            READY.labels(queue).set(counts.messages)
            CONSUMERS.labels(queue).set(counts.consumers)
