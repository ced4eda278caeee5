"""Writes of enriched articles and of deletions, with the entity registry and the counters kept in step.

One call to `ArticleStore.store` is one transaction: it reads the stored versions and tombstones of the batch's
ids, keeps the newest of each article (by `received_at`), links the new versions' entities, writes the articles
and tombstones, and applies to `entities`, `entity_days` and `counters` the difference between what the new
versions and the replaced ones contribute (`shared.registry.contribution`). A redelivered message, a crash
between two writes and two workers storing the same article at once therefore leave every count exact: a
transaction writes all of it or nothing, and one that raced another is run again on what the other wrote.
"""

import asyncio
import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError

from services.enrich.linker import Linked, Linker, SameIdLinker
from shared import database
from shared.database import Document, to_mongo
from shared.documents import ArticleDocument
from shared.messages import ArticleDeleted
from shared.registry import CONTRIBUTION_FIELDS, RegistryRecord, Tally, contribution

# A transaction that raced another (a write conflict: every batch adds to the same counters, so concurrent
# workers meet there) is run again after a random pause that grows with each attempt, for this long at most.
# A lost connection is not retried here: the worker hands the batch to a delay queue instead.
RACE_RETRY_S = 30.0
RETRY_PAUSE_S = (0.005, 0.5)  # first and largest pause


@dataclass(frozen=True)
class StoredVersion:
    """What is stored for an id: an article (`deleted` false) or the tombstone of a deleted one."""

    content_hash: str
    pipeline_version: str | None
    status: str
    received_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True)
class _Version:
    """A candidate for what an id holds after the batch: the newest wins; at equal times a deletion beats a post,
    and a post in the batch beats what is stored (a re-enrichment keeps its `received_at`), a later one an
    earlier one."""

    received_at: datetime
    deletion: bool
    rank: int
    document: ArticleDocument | None = None
    requested_by: str | None = None

    @property
    def order(self) -> tuple[datetime, bool, int]:
        return (self.received_at, self.deletion, self.rank)


def _utc(moment: datetime) -> datetime:
    """pymongo returns naive UTC datetimes unless the client is tz-aware; compare like with like."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _winners(
    documents: Sequence[ArticleDocument],
    deletions: Sequence[ArticleDeleted],
    stored: Mapping[str, Document],
    tombstones: Mapping[str, Document],
) -> dict[str, _Version]:
    """For each id of the batch, what it holds afterwards: a stored version (rank -1, no document), a new one,
    the existing tombstone (rank -1) or a new deletion."""
    candidates: dict[str, list[_Version]] = {}
    for id, found in stored.items():
        candidates.setdefault(id, []).append(_Version(_utc(found["received_at"]), deletion=False, rank=-1))
    for id, found in tombstones.items():
        candidates.setdefault(id, []).append(_Version(_utc(found["received_at"]), deletion=True, rank=-1))
    for rank, document in enumerate(documents):
        candidates.setdefault(document.id, []).append(
            _Version(_utc(document.received_at), deletion=False, rank=rank, document=document)
        )
    for rank, deletion in enumerate(deletions):
        candidates.setdefault(deletion.id, []).append(
            _Version(_utc(deletion.received_at), deletion=True, rank=rank, requested_by=deletion.requested_by)
        )
    return {id: max(versions, key=lambda version: version.order) for id, versions in candidates.items()}


class ArticleStore:
    def __init__(self, db: AsyncDatabase[Document], *, linker: Linker | None = None, registry: bool = True) -> None:
        """`registry` false stores articles and tombstones only: no links read, no registry, no counters (for
        measuring what the registry costs)."""
        self._db = db
        self._linker: Linker = linker or SameIdLinker()
        self._registry = registry

    async def versions(self, ids: Iterable[str]) -> dict[str, StoredVersion]:
        """What is stored for these ids (articles, else tombstones): enough to tell whether a redelivered message
        needs any work."""
        wanted = list(ids)
        found: dict[str, StoredVersion] = {}
        cursor = database.articles(self._db).find(
            {"_id": {"$in": wanted}}, {"content_hash": 1, "pipeline.version": 1, "status": 1, "received_at": 1}
        )
        async for stored in cursor:
            found[stored["_id"]] = StoredVersion(
                content_hash=stored.get("content_hash", ""),
                pipeline_version=(stored.get("pipeline") or {}).get("version"),
                status=stored.get("status", ""),
                received_at=_utc(stored["received_at"]) if stored.get("received_at") else None,
            )
        missing = [id for id in wanted if id not in found]
        if missing:
            async for tombstone in database.tombstones(self._db).find({"_id": {"$in": missing}}):
                found[tombstone["_id"]] = StoredVersion(
                    content_hash="",
                    pipeline_version=None,
                    status="deleted",
                    received_at=_utc(tombstone["received_at"]),
                    deleted=True,
                )
        return found

    async def store(self, documents: Sequence[ArticleDocument], deletions: Sequence[ArticleDeleted] = ()) -> None:
        """Store the documents and apply the deletions, in one transaction; the newest of each id wins.

        A document older than the stored version or than the id's tombstone is dropped (a late redelivery never
        overwrites a correction, nor brings a deleted article back); one received at the same time replaces the
        stored version (a re-enrichment). A deletion removes an older stored version and leaves a tombstone,
        also for an id never stored. Raises `PyMongoError` when the database cannot take the write (`ConnectionFailure`
        when it is unreachable), `InvalidDocument` when a document cannot be stored at all.
        """
        if not documents and not deletions:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RACE_RETRY_S
        first, largest = RETRY_PAUSE_S
        async with self._db.client.start_session() as session:
            for attempt in itertools.count():
                try:
                    async with await session.start_transaction():
                        await self._apply(documents, deletions, session)
                    return
                except PyMongoError as exc:
                    raced = exc.has_error_label("TransientTransactionError") and not isinstance(exc, ConnectionFailure)
                    if not raced or loop.time() > deadline:
                        raise
                await asyncio.sleep(random.uniform(0, min(largest, first * 2**attempt)))

    async def _apply(
        self, documents: Sequence[ArticleDocument], deletions: Sequence[ArticleDeleted], session: AsyncClientSession
    ) -> None:
        ids = list(dict.fromkeys([*(document.id for document in documents), *(deletion.id for deletion in deletions)]))
        articles, tombstones = database.articles(self._db), database.tombstones(self._db)
        fields = CONTRIBUTION_FIELDS if self._registry else {"received_at": 1}
        stored = {found["_id"]: found async for found in articles.find({"_id": {"$in": ids}}, fields, session=session)}
        buried = {found["_id"]: found async for found in tombstones.find({"_id": {"$in": ids}}, session=session)}
        winners = _winners(documents, deletions, stored, buried)

        fresh = [winner.document for winner in winners.values() if winner.document is not None]
        linked, written, registry = await self._link(fresh, session)

        article_writes: list[InsertOne[Document] | ReplaceOne[Document] | DeleteOne] = []
        tombstone_writes: list[UpdateOne | DeleteOne] = []
        now = datetime.now(UTC)
        for new in written:
            id = new["_id"]
            article_writes.append(ReplaceOne({"_id": id}, new) if id in stored else InsertOne(new))
            if id in buried:
                tombstone_writes.append(DeleteOne({"_id": id}))
        for id, winner in winners.items():
            if not winner.deletion:
                continue
            if id in stored:
                article_writes.append(DeleteOne({"_id": id}))
            if winner.rank >= 0:
                tombstone = {"received_at": winner.received_at, "deleted_at": now, "requested_by": winner.requested_by}
                tombstone_writes.append(UpdateOne({"_id": id}, {"$set": tombstone}, upsert=True))
        if article_writes:
            await articles.bulk_write(article_writes, ordered=False, session=session)
        if tombstone_writes:
            await tombstones.bulk_write(tombstone_writes, ordered=False, session=session)
        if not self._registry:
            return

        # What leaves: every stored version replaced or deleted; what arrives: the new versions.
        changed = {new["_id"] for new in written} | {id for id, winner in winners.items() if winner.deletion}
        arriving, leaving = Tally(), Tally()
        for new in written:
            arriving.absorb(contribution(new, linked.entities))
        for id in changed & stored.keys():
            leaving.absorb(contribution(stored[id]))
        await self._count(arriving.without(leaving), registry, session)

    async def _link(
        self, documents: list[ArticleDocument], session: AsyncClientSession
    ) -> tuple[Linked, list[Document], dict[str, RegistryRecord]]:
        """The documents linked, in their stored form, and the registry records read to link them."""
        if not documents:
            return Linked([], {}), [], {}
        registry: dict[str, RegistryRecord] = {}
        overrides: list[Document] = []
        if self._registry:
            lookup = self._linker.lookups(documents)
            entities = database.entities(self._db)
            queries: list[dict[str, Any]] = []
            ids, keys = sorted(lookup.ids), sorted(lookup.keys)
            # One query per index: a `$or` is not served from indexes by every MongoDB-protocol server; and a
            # bounded `$in` (`database.in_chunks`).
            for chunk in database.in_chunks(ids):
                queries += [{"_id": {"$in": chunk}}, {"ids": {"$in": chunk}}]
            queries += [{"keys": {"$in": chunk}} for chunk in database.in_chunks(keys)]
            for query in queries:
                async for record in entities.find(query, session=session):
                    registry.setdefault(record["_id"], RegistryRecord.from_mongo(record))
            overrides = [found async for found in database.entity_overrides(self._db).find({}, session=session)]

        def link() -> tuple[Linked, list[Document], dict[str, RegistryRecord]]:
            linked = self._linker.link(documents, registry, overrides)
            return linked, [to_mongo(document) for document in linked.documents], registry

        # Off the event loop: linking, and the search terms of a long body, take a while.
        return await asyncio.to_thread(link)

    async def _count(self, tally: Tally, read: Mapping[str, RegistryRecord], session: AsyncClientSession) -> None:
        """Apply the tally: one insert per record that does not exist yet and one update per record that does.

        On SecantusDB an upsert that finds nothing costs twice an insert (it looks for the record, applies the
        update to an empty one, then inserts), and a batch of new articles creates a new record for most of its
        entities; an update rewrites the record and every index entry it has whatever changed, so it is sent only
        for a record with something to change. `read` holds the registry records the linker read in this
        transaction: they exist, and what they hold already (ids, keys, spellings) is left out of their updates.
        The others are looked up by `_id`. Two transactions creating one record meet as a write conflict on its
        `_id`, and the one run again finds it.
        """
        for collection, changes, known in (
            (database.entities(self._db), tally.entities, read),
            (database.entity_days(self._db), tally.days, {}),
            (database.counters(self._db), tally.counters, {}),
        ):
            ids = sorted(changes)  # sorted, so two transactions touching the same records meet them in the same order
            existing = set(known) | await self._existing(collection, [id for id in ids if id not in known], session)
            writes: list[InsertOne[Document] | UpdateOne] = []
            for id in ids:
                if id not in existing:
                    writes.append(InsertOne(changes[id].record(id)))
                    continue
                change = changes[id].beyond(known[id]) if id in known else changes[id]
                if not change.empty:
                    writes.append(UpdateOne({"_id": id}, change.update(), upsert=True))
            if writes:
                await collection.bulk_write(writes, ordered=False, session=session)

    @staticmethod
    async def _existing(collection: AsyncCollection[Document], ids: list[str], session: AsyncClientSession) -> set[str]:
        """Which of these records exist, read in bounded `$in` chunks (`database.IN_CHUNK`)."""
        found: set[str] = set()
        for chunk in database.in_chunks(ids):
            query = {"_id": {"$in": chunk}}
            found.update([record["_id"] async for record in collection.find(query, {"_id": 1}, session=session)])
        return found
