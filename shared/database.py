"""MongoDB connection and index setup (PyMongo's native async API; Motor is end-of-life since 2026-05-14)."""

from collections.abc import Iterator
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared import search_terms
from shared.documents import ArticleDocument
from shared.settings import DatabaseSettings

ARTICLES = "articles"
# The entity registry, the maintained counts, deleted articles' tombstones and operators' linking decisions
# (shapes: shared/registry.py; the enrichment store keeps them in step with `articles`).
ENTITIES = "entities"
ENTITY_DAYS = "entity_days"  # the registry's articles per entity and day, in monthly buckets
COUNTERS = "counters"
TOMBSTONES = "tombstones"
ENTITY_OVERRIDES = "entity_overrides"
# Values per bounded `$in`: SecantusDB's cost of an `$in` grows with the square of its length (1,500 keys: 8 s; in
# 30 queries of 50: 0.35 s), so the store and the query service read long lists of ids or keys in chunks.
IN_CHUNK = 50

Document = dict[str, Any]

_NEWEST_RECEIVED = [("received_at", DESCENDING), ("_id", DESCENDING)]
_NEWEST_PUBLISHED = [("published_at", DESCENDING), ("_id", DESCENDING)]

# Listings read a time window newest first through an index that ends in the sort key: an equality on the
# filter that drives the read, then the window's range on the sort key, then `_id` so the order is total and
# cursor pagination stable. SecantusDB serves exactly that shape (an equality prefix plus one range); mongod
# also walks it in sort order and stops at the page. Every other condition of a listing is checked on the
# documents of the window. Creating an index that exists is a no-op, so every service runs this at start.
ARTICLE_INDEXES = [
    IndexModel(_NEWEST_RECEIVED, name="received_at"),
    IndexModel(_NEWEST_PUBLISHED, name="published_at"),
    IndexModel([("corpus_entities", ASCENDING), *_NEWEST_RECEIVED], name="corpus_entity_received_at"),
    IndexModel([("corpus_entities", ASCENDING), *_NEWEST_PUBLISHED], name="corpus_entity_published_at"),
    IndexModel([("search_terms", ASCENDING), *_NEWEST_RECEIVED], name="search_term_received_at"),
    IndexModel([("entities.label", ASCENDING), *_NEWEST_RECEIVED], name="entity_label_received_at"),
    IndexModel([("source", ASCENDING), *_NEWEST_RECEIVED], name="source_received_at"),
    IndexModel([("language", ASCENDING), *_NEWEST_RECEIVED], name="language_received_at"),
    IndexModel([("status", ASCENDING), *_NEWEST_RECEIVED], name="status_received_at"),
    IndexModel([("pipeline.version", ASCENDING)], name="pipeline_version"),
]
# Indexes of earlier versions that nothing reads any more; each costs every write, so they are dropped.
RETIRED_ARTICLE_INDEXES = (
    "entity_id",
    "entity_label",
    "entity_name",
    "entity_aliases",
    "source",
    "language",
    "status",
    "search_terms",
)


# Ranking by article count (the trailing `_id` keeps it total), by label, and the linker's and the entity
# search's lookups by name key and by article-level entity id.
ENTITY_INDEXES = [
    IndexModel([("articles", DESCENDING), ("_id", ASCENDING)], name="articles"),
    IndexModel([("label", ASCENDING), ("articles", DESCENDING), ("_id", ASCENDING)], name="label_articles"),
    IndexModel([("keys", ASCENDING)], name="keys"),
    IndexModel([("ids", ASCENDING)], name="ids"),
]
# An entity's day buckets in month order, for its page and timeline: an equality and a range, which SecantusDB
# serves from an index (it scans the whole collection for a range of `_id`s).
ENTITY_DAY_INDEXES = [IndexModel([("entity", ASCENDING), ("month", ASCENDING)], name="entity_month")]
# The per-day documents, so a reader sizes a time window from the days' counts.
COUNTER_INDEXES = [IndexModel([("field", ASCENDING), ("day", ASCENDING)], name="field_day")]


class TransactionsUnsupported(RuntimeError):
    """The server is a standalone mongod, which has no multi-document transactions."""


def connect(settings: DatabaseSettings, *, timeout_ms: int = 5_000) -> AsyncMongoClient[Document]:
    """A client that fails within `timeout_ms` when no server answers, instead of PyMongo's 30 s default."""
    return AsyncMongoClient(
        settings.mongodb_url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        tz_aware=True,
        appname="newsflow",
    )


def database(client: AsyncMongoClient[Document], settings: DatabaseSettings) -> AsyncDatabase[Document]:
    return client[settings.mongodb_database]


def articles(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[ARTICLES]


def entities(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[ENTITIES]


def entity_days(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[ENTITY_DAYS]


def counters(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[COUNTERS]


def tombstones(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[TOMBSTONES]


def entity_overrides(db: AsyncDatabase[Document]) -> AsyncCollection[Document]:
    return db[ENTITY_OVERRIDES]


async def ensure_indexes(db: AsyncDatabase[Document]) -> None:
    existing = {index["name"] async for index in await articles(db).list_indexes()}
    for name in sorted(existing & set(RETIRED_ARTICLE_INDEXES)):
        await articles(db).drop_index(name)
    await articles(db).create_indexes(ARTICLE_INDEXES)
    await entities(db).create_indexes(ENTITY_INDEXES)
    await entity_days(db).create_indexes(ENTITY_DAY_INDEXES)
    await counters(db).create_indexes(COUNTER_INDEXES)


async def require_transactions(client: AsyncMongoClient[Document]) -> None:
    """Raise `TransactionsUnsupported` unless the server runs transactions: a replica set member (a single
    member is enough) or a mongos; the store writes an article and the registry's counts in one."""
    hello = await client.admin.command("hello")
    if not hello.get("setName") and hello.get("msg") != "isdbgrid":
        raise TransactionsUnsupported(
            "the database is a standalone server, which has no transactions: run mongod as a replica set "
            "(a single member is enough: `--replSet rs0`, then `rs.initiate()` once; see docs/corpus.md)"
        )


def to_mongo(document: ArticleDocument) -> Document:
    """Stored form: `_id` is the article id, and `search_terms` indexes the words of title and body."""
    stored = document.model_dump(mode="python", exclude={"id"})
    stored["_id"] = document.id
    stored["search_terms"] = search_terms.terms(f"{document.title}\n{document.body}")
    return stored


def from_mongo(stored: Document) -> ArticleDocument:
    fields = {key: value for key, value in stored.items() if key not in ("_id", "search_terms")}
    return ArticleDocument.model_validate({"id": stored["_id"], **fields})


def in_chunks(values: list[str]) -> Iterator[list[str]]:
    """`values` in lists of at most `IN_CHUNK`, each for one bounded `$in`."""
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]
