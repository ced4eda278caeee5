"""Idempotent writes of enriched documents by article id: a batch is inserted, and ids stored already replaced."""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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
        """Store each document by id, unless a newer submission of the same article is stored already.

        Nearly every document is new, so the batch is first inserted: an insert costs the database no query,
        and far less CPU per article than the conditional replace below. The ids that exist already fail with
        a duplicate key and are then replaced, matching only a stored version received no later than this one;
        when a newer one is stored that filter misses, the upsert tries to insert, and the duplicate-key error
        that follows means "keep the newer version" — so a redelivered older message can never overwrite a
        correction.
        """
        if not documents:
            return
        # Off the event loop: the search terms of a long body take a while to normalise.
        stored = await asyncio.to_thread(lambda: [to_mongo(doc) for doc in documents])
        try:
            await self._collection.insert_many(stored, ordered=False)
            return
        except BulkWriteError as exc:
            existing = [error["index"] for error in _duplicates_only(exc)]
        requests = [
            ReplaceOne(
                {"_id": documents[index].id, "received_at": {"$lte": documents[index].received_at}},
                stored[index],
                upsert=True,
            )
            for index in existing
        ]
        try:
            await self._collection.bulk_write(requests, ordered=False)
        except BulkWriteError as exc:
            _duplicates_only(exc)


def _duplicates_only(exc: BulkWriteError) -> list[dict[str, Any]]:
    """The write errors of a bulk write, which must all be duplicate keys; re-raises on any other error."""
    errors: list[dict[str, Any]] = exc.details.get("writeErrors", [])
    if exc.details.get("writeConcernErrors") or any(error.get("code") != DUPLICATE_KEY for error in errors):
        raise exc
    return errors
