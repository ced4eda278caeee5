"""What ingest reads of the stored articles: an article's owner before a delete, and the articles past retention.

Ingest never writes the database (the workers do); its database user may be read-only.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection

from shared.database import Document

# A point read by `_id` answers in milliseconds; one that takes longer finds the database in trouble.
LOOKUP_TIMEOUT_MS = 5_000
# The retention read walks the `received_at` index, this many ids per round trip.
SWEEP_READ_BATCH = 1_000


@dataclass(frozen=True)
class StoredArticle:
    id: str
    owner: str | None  # None: stored before key names (`newsflow migrate-owners`)
    received_at: datetime


class StoredArticles:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def find(self, article_id: str) -> StoredArticle | None:
        stored = await self._collection.find_one(
            {"_id": article_id}, {"owner": 1, "received_at": 1}, max_time_ms=LOOKUP_TIMEOUT_MS
        )
        return None if stored is None else _article(stored)

    async def received_before(self, moment: datetime, *, limit: int) -> AsyncIterator[StoredArticle]:
        """The `limit` oldest articles received before `moment`, oldest first (an indexed read of ids and times).

        A sort on the field the filter bounds walks the `received_at` index on mongod and on SecantusDB alike.
        """
        cursor = (
            self._collection.find({"received_at": {"$lt": moment}}, {"owner": 1, "received_at": 1})
            .sort("received_at", 1)
            .limit(limit)
            .batch_size(SWEEP_READ_BATCH)
        )
        async for stored in cursor:
            yield _article(stored)


def _article(stored: Document) -> StoredArticle:
    return StoredArticle(id=stored["_id"], owner=stored.get("owner"), received_at=stored["received_at"])
