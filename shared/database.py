"""MongoDB connection and index setup (PyMongo's native async API; Motor is end-of-life since 2026-05-14)."""

from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared import search_terms
from shared.documents import ArticleDocument
from shared.settings import DatabaseSettings

ARTICLES = "articles"

Document = dict[str, Any]

# One index per filter and per sort the query API offers; the trailing `_id` keeps sort order total so
# cursor pagination is stable. Creating an index that exists is a no-op, so every service runs this at start.
ARTICLE_INDEXES = [
    IndexModel([("received_at", DESCENDING), ("_id", DESCENDING)], name="received_at"),
    IndexModel([("published_at", DESCENDING), ("_id", DESCENDING)], name="published_at"),
    IndexModel([("entities.id", ASCENDING)], name="entity_id"),
    IndexModel([("entities.label", ASCENDING)], name="entity_label"),
    # Entity search by the start of a name or an alias (`/v1/entities?q=`): a case-insensitive regex cannot
    # bound an index scan, but scanning these keys beats reading every article.
    IndexModel([("entities.name", ASCENDING)], name="entity_name"),
    IndexModel([("entities.aliases", ASCENDING)], name="entity_aliases"),
    IndexModel([("source", ASCENDING)], name="source"),
    IndexModel([("language", ASCENDING)], name="language"),
    IndexModel([("status", ASCENDING)], name="status"),
    IndexModel([("search_terms", ASCENDING)], name="search_terms"),
    IndexModel([("pipeline.version", ASCENDING)], name="pipeline_version"),
]


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


async def ensure_indexes(db: AsyncDatabase[Document]) -> None:
    await articles(db).create_indexes(ARTICLE_INDEXES)


def to_mongo(document: ArticleDocument) -> Document:
    """Stored form: `_id` is the article id, and `search_terms` indexes the words of title and body."""
    stored = document.model_dump(mode="python", exclude={"id"})
    stored["_id"] = document.id
    stored["search_terms"] = search_terms.terms(f"{document.title}\n{document.body}")
    return stored


def from_mongo(stored: Document) -> ArticleDocument:
    fields = {key: value for key, value in stored.items() if key not in ("_id", "search_terms")}
    return ArticleDocument.model_validate({"id": stored["_id"], **fields})
