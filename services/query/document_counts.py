"""Stored documents by status, as a gauge: what the pipeline has stored, whatever the workers counted.

A worker's counters may count a redelivered article twice; this counts each stored article once. Counted
(one aggregation over the status index) when a scrape comes, at most every `refresh_s` seconds.
"""

import time

from prometheus_client import Gauge
from pymongo.asynchronous.collection import AsyncCollection

from shared.database import Document

DOCUMENTS = Gauge("newsflow_documents", "Articles stored, by status (enriched, failed)", ["status"])
# A count that takes longer is abandoned: the gauge keeps its last value, a scrape is never held up long.
COUNT_TIMEOUT_MS = 2_000


class DocumentCounts:
    def __init__(self, collection: AsyncCollection[Document], *, refresh_s: float = 5.0) -> None:
        self._collection = collection
        self._refresh_s = refresh_s
        self._refreshed_at = float("-inf")

    async def refresh(self) -> None:
        if time.monotonic() - self._refreshed_at < self._refresh_s:
            return
        self._refreshed_at = time.monotonic()
        counts: dict[str, int] = {}
        cursor = await self._collection.aggregate(
            [{"$group": {"_id": "$status", "count": {"$sum": 1}}}], maxTimeMS=COUNT_TIMEOUT_MS
        )
        async for group in cursor:
            counts[str(group["_id"])] = int(group["count"])
        for status in ("enriched", "failed", *counts):
            DOCUMENTS.labels(status).set(counts.get(status, 0))
