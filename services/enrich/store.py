"""Idempotent writes of enriched documents: one bulk upsert per batch, keyed by article id."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from shared.database import Document, to_mongo
from shared.documents import ArticleDocument

DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class StoredVersion:
    content_hash: str
    pipeline_version: str | None
    status: str


class ArticleStore:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def versions(self, ids: Iterable[str]) -> dict[str, StoredVersion]:
        """What is stored for these ids: enough to tell whether a redelivered message needs any work."""
        found: dict[str, StoredVersion] = {}
        cursor = self._collection.find(
            {"_id": {"$in": list(ids)}}, {"content_hash": 1, "pipeline.version": 1, "status": 1}
        )
        async for stored in cursor:
            found[stored["_id"]] = StoredVersion(
                content_hash=stored.get("content_hash", ""),
                pipeline_version=(stored.get("pipeline") or {}).get("version"),
                status=stored.get("status", ""),
            )
        return found

    async def upsert(self, documents: Sequence[ArticleDocument]) -> None:
        """Replace each document by id, unless a newer submission of the same article is stored already.

        The filter matches only a stored version received no later than this one; when a newer one is stored
        the filter misses, the upsert tries to insert, and the duplicate-key error that follows means "keep
        the newer version" — so a redelivered older message can never overwrite a correction.
        """
        if not documents:
            return
        requests = [
            ReplaceOne({"_id": doc.id, "received_at": {"$lte": doc.received_at}}, to_mongo(doc), upsert=True)
            for doc in documents
        ]
        try:
            await self._collection.bulk_write(requests, ordered=False)
        except BulkWriteError as exc:
            others = [error for error in exc.details.get("writeErrors", []) if error.get("code") != DUPLICATE_KEY]
            if others or exc.details.get("writeConcernErrors"):
                raise
