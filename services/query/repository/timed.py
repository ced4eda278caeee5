"""The articles collection with a server-side time limit (`maxTimeMS`) on every operation."""

from typing import Any

from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from shared.database import Document, articles


class TimedArticles:
    def __init__(self, db: AsyncDatabase[Document], *, timeout_ms: int) -> None:
        self._db = db
        self._articles = articles(db)
        self.timeout_ms = timeout_ms

    async def ping(self) -> None:
        await self._db.command("ping", maxTimeMS=self.timeout_ms)

    def find(self, query: Document, projection: Document | None = None, **options: Any) -> AsyncCursor[Document]:
        return self._articles.find(query, projection, max_time_ms=self.timeout_ms, **options)

    async def find_one(self, query: Document, projection: Document | None = None) -> Document | None:
        return await self._articles.find_one(query, projection, max_time_ms=self.timeout_ms)

    async def aggregate(self, pipeline: list[Document]) -> list[Document]:
        cursor = await self._articles.aggregate(pipeline, maxTimeMS=self.timeout_ms)
        return await cursor.to_list()

    async def count(self, query: Document) -> int:
        return await self._articles.count_documents(query, maxTimeMS=self.timeout_ms)
