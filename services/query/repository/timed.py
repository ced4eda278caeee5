"""Collections with a server-side time limit (`maxTimeMS`) on every operation."""

from typing import Any

from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from shared.database import Document


class TimedCollection:
    def __init__(self, db: AsyncDatabase[Document], name: str, *, timeout_ms: int) -> None:
        self._db = db
        self._collection = db[name]
        self.timeout_ms = timeout_ms

    async def ping(self) -> None:
        await self._db.command("ping", maxTimeMS=self.timeout_ms)

    def find(self, query: Document, projection: Document | None = None, **options: Any) -> AsyncCursor[Document]:
        return self._collection.find(query, projection, max_time_ms=self.timeout_ms, **options)

    async def find_one(self, query: Document, projection: Document | None = None) -> Document | None:
        return await self._collection.find_one(query, projection, max_time_ms=self.timeout_ms)

    async def count(self, query: Document, *, limit: int) -> int:
        """Matching documents, counting no further than `limit`."""
        return await self._collection.count_documents(query, limit=limit, maxTimeMS=self.timeout_ms)
