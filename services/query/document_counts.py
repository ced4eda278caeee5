"""Stored documents by status, as a gauge: what the pipeline has stored, whatever the workers counted.

A worker's counters may count a redelivered article twice; this counts each stored article once. It reads the
status counts the store keeps in step with the articles (`counters`, one document, as `/v1/stats` does), so a
scrape costs the same whatever the corpus size.
"""

from collections.abc import Awaitable, Callable

from prometheus_client import Gauge

DOCUMENTS = Gauge("newsflow_documents", "Articles stored, by status (enriched, failed)", ["status"])


class DocumentCounts:
    def __init__(self, by_status: Callable[[], Awaitable[dict[str, int]]]) -> None:
        self._by_status = by_status

    async def refresh(self) -> None:
        counts = await self._by_status()
        for status in ("enriched", "failed", *counts):
            DOCUMENTS.labels(status).set(counts.get(status, 0))
