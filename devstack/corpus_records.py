"""The entity registry and the counters as the store maintains them, rebuilt from stored articles at once.

Tests and benchmarks fill a database directly; this gives that data the records the query service reads
(`entities`, `counters`), in the shapes `shared.database` names. Entities are linked by their own id (each
article-level entity is its own corpus entity) unless the documents already carry links.
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from shared.database import ARTICLES, COUNTERS, ENTITIES, Document, from_mongo, to_mongo
from shared.documents import ArticleDocument, EntityLink

INSERT_CHUNK = 1_000


def linked(document: ArticleDocument) -> ArticleDocument:
    """The document with each entity linked to itself, unless a linker already set `corpus_id`s."""
    if document.corpus_entities:
        return document
    entities = [
        found.model_copy(update={"corpus_id": found.id, "link": EntityLink(method="same-id")})
        for found in document.entities
    ]
    return document.model_copy(
        update={"entities": entities, "corpus_entities": list(dict.fromkeys(found.id for found in entities))}
    )


def field_key(text: str) -> str:
    """A field name for a free text (a source, an alias): never holds `.` or `$`, never empty."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def day_of(moment: datetime) -> str:
    return moment.date().isoformat()


def registry(documents: Iterable[ArticleDocument]) -> list[Document]:
    """One record per corpus entity of the enriched articles."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    aliases: dict[str, Counter[str]] = defaultdict(Counter)
    ids: dict[str, set[str]] = defaultdict(set)
    articles: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    days: dict[str, Counter[str]] = defaultdict(Counter)
    for document in documents:
        if document.status != "enriched":
            continue
        day = day_of(document.published_at or document.received_at)
        used: dict[str, set[str]] = defaultdict(set)
        for found in document.entities:
            corpus_id = found.corpus_id or found.id
            names[corpus_id][found.name] += 1
            labels[corpus_id][found.label] += 1
            ids[corpus_id].add(found.id)
            mentions[corpus_id] += found.count
            used[corpus_id].update([found.name, *found.aliases])
        for corpus_id, spelt in used.items():
            articles[corpus_id] += 1
            days[corpus_id][day] += 1
            aliases[corpus_id].update(spelt)
    records = []
    for corpus_id, count in articles.items():
        name = names[corpus_id].most_common(1)[0][0]
        spellings = aliases[corpus_id]
        records.append(
            {
                "_id": corpus_id,
                "name": name,
                "label": labels[corpus_id].most_common(1)[0][0],
                "aliases": {field_key(alias): {"name": alias, "count": n} for alias, n in spellings.items()},
                "ids": sorted(ids[corpus_id]),
                "kb": {},
                "articles": count,
                "mentions": mentions[corpus_id],
                "days": dict(sorted(days[corpus_id].items())),
                "keys": sorted({alias.casefold() for alias in spellings}),
            }
        )
    return records


def counters(documents: Sequence[ArticleDocument]) -> list[Document]:
    """The totals document and one document per day and date field."""
    status: Counter[str] = Counter()
    language: Counter[str] = Counter()
    source: Counter[str] = Counter()
    label: Counter[str] = Counter()
    per_day: Counter[tuple[str, str]] = Counter()
    for document in documents:
        status[document.status] += 1
        if document.language is not None:
            language[document.language] += 1
        if document.source is not None:
            source[document.source] += 1
        label.update({found.label for found in document.entities})
        per_day["received", day_of(document.received_at)] += 1
        if document.published_at is not None:
            per_day["published", day_of(document.published_at)] += 1
    totals = {
        "_id": "articles",
        "total": len(documents),
        "status": dict(status),
        "language": dict(language),
        "source": {field_key(name): {"name": name, "count": n} for name, n in source.items()},
        "label": dict(label),
    }
    days = [
        {"_id": f"{field}:{day}", "field": field, "day": day, "count": n} for (field, day), n in sorted(per_day.items())
    ]
    return [totals, *days]


async def rebuild(db: AsyncDatabase[Document]) -> int:
    """Replaces `entities` and `counters` with what the stored articles add up to; returns the articles read."""
    documents = [from_mongo(stored) async for stored in db[ARTICLES].find({})]
    for collection, records in ((ENTITIES, registry(documents)), (COUNTERS, counters(documents))):
        await db[collection].delete_many({})
        for start in range(0, len(records), INSERT_CHUNK):
            await db[collection].insert_many(records[start : start + INSERT_CHUNK])
    return len(documents)


async def ensure_corpus_memory(db: AsyncDatabase[Document]) -> bool:
    """Links the stored articles to themselves and rebuilds the registry and counters, unless a store that
    maintains them (one that links entities and counts) already wrote the counters. True when it rebuilt.

    For a stack whose worker stores articles without linking them: the reader and the query reads need both.
    """
    if await db[COUNTERS].find_one({"_id": "articles"}) is not None:
        return False
    writes = []
    async for stored in db[ARTICLES].find({"corpus_entities": {"$in": [None, []]}}):
        writes.append(ReplaceOne({"_id": stored["_id"]}, to_mongo(linked(from_mongo(stored)))))
        if len(writes) >= INSERT_CHUNK:
            await db[ARTICLES].bulk_write(writes)
            writes = []
    if writes:
        await db[ARTICLES].bulk_write(writes)
    await rebuild(db)
    return True
