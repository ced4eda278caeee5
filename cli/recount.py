"""`newsflow entities recount`: the entity registry's (with its day buckets, `entity_days`) and the counters'
counts summed again from the stored articles, compared with the maintained ones, and (unless only checking)
written in their place.

The store keeps the counts exact by applying each write's difference in the write's transaction, so a
difference here means something wrote to `articles` around the store (or a bug). The articles are read a page
at a time by `_id`, so memory holds one page and the tally, whose size is that of the registry, not the corpus.
Run it with the workers stopped: an article stored during the recount may show as a difference (run it again).

A record of the earlier layout holds its per-day counts itself (`days`): they show as differences, and the
rewrite moves them to the buckets (recounted) and removes the field.
"""

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DeleteOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared import database
from shared.database import Document
from shared.registry import ARTICLE_COUNTER, CONTRIBUTION_FIELDS, Change, Tally, contribution, name_key, nested

PAGE = 500  # articles per read
WRITES = 1_000  # records per bulk write


@dataclass(frozen=True)
class Difference:
    """One count that the maintained record holds and a recount does not (0 stands for absent)."""

    collection: str
    record: str
    field: str
    maintained: int
    recounted: int

    def __str__(self) -> str:
        return f"{self.collection}/{self.record} {self.field}: {self.maintained} maintained, {self.recounted} recounted"


@dataclass(frozen=True)
class Recount:
    articles: int
    differences: list[Difference]


async def _each(
    collection: AsyncCollection[Document], projection: Mapping[str, Any] | None = None
) -> AsyncIterator[Document]:
    """Every document of the collection, a page at a time in `_id` order (an index walk on any server)."""
    last: Any = None
    while True:
        query = {} if last is None else {"_id": {"$gt": last}}
        page = [found async for found in collection.find(query, projection).sort("_id", ASCENDING).limit(PAGE)]
        for found in page:
            yield found
        if len(page) < PAGE:
            return
        last = page[-1]["_id"]


async def tally(db: AsyncDatabase[Document]) -> tuple[int, Tally]:
    """The number of stored articles and their summed contribution."""
    total, summed = 0, Tally()
    async for stored in _each(database.articles(db), CONTRIBUTION_FIELDS):
        summed.absorb(contribution(stored))
        total += 1
    return total, summed


def _counts(record: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """The counts of a maintained record by field path (its names, `kb`, `ids` and `keys` are not counts)."""
    counts: dict[str, int] = {}
    for key, value in record.items():
        if not prefix and key in ("_id", "kb"):
            continue
        if isinstance(value, Mapping):
            counts |= _counts(value, f"{prefix}{key}.")
        elif isinstance(value, int) and not isinstance(value, bool) and value:
            counts[f"{prefix}{key}"] = value
    return counts


def _differences(collection: str, record: str, maintained: Mapping[str, Any], recounted: Change) -> list[Difference]:
    have = _counts(maintained)
    want = {path: amount for path, amount in recounted.inc.items() if amount}
    return [
        Difference(collection, record, path, have.get(path, 0), want.get(path, 0))
        for path in sorted(have.keys() | want.keys())
        if have.get(path, 0) != want.get(path, 0)
    ]


def _entity_rewrite(id: str, maintained: Mapping[str, Any] | None, recounted: Change) -> UpdateOne:
    counts = nested({path: amount for path, amount in recounted.inc.items() if amount} | recounted.least)
    keys = set(recounted.add.get("keys", set()))
    if maintained is not None and (canonical := name_key(str(maintained.get("name") or ""))):
        keys.add(canonical)  # the linker's name for it, which no article need spell
    fields = {
        "articles": counts.get("articles", 0),
        "mentions": counts.get("mentions", 0),
        # An alias key left only with a spelling (its count 0) is not kept.
        "aliases": {key: alias for key, alias in counts.get("aliases", {}).items() if alias.get("count")},
        "ids": sorted(recounted.add.get("ids", set()) | set(maintained.get("ids", ()) if maintained else ())),
        "keys": sorted(keys),
    }
    update: dict[str, Any] = {"$set": fields}
    if maintained is not None and "days" in maintained:
        update["$unset"] = {"days": ""}  # the earlier layout's day counts, now in `entity_days`
    if recounted.on_insert:
        update["$setOnInsert"] = recounted.on_insert
    return UpdateOne({"_id": id}, update, upsert=True)


def _bucket_rewrite(id: str, recounted: Change) -> ReplaceOne[Document]:
    fields = nested({path: amount for path, amount in recounted.inc.items() if amount}) | recounted.on_insert
    return ReplaceOne({"_id": id}, fields, upsert=True)


def _counter_rewrite(id: str, recounted: Change) -> ReplaceOne[Document]:
    fields = nested({path: amount for path, amount in recounted.inc.items() if amount} | recounted.least)
    if id != ARTICLE_COUNTER:
        fields |= recounted.on_insert
    if "source" in fields:
        fields["source"] = {key: source for key, source in fields["source"].items() if source.get("count")}
    return ReplaceOne({"_id": id}, fields, upsert=True)


async def _write(collection: AsyncCollection[Document], writes: list[Any]) -> None:
    for start in range(0, len(writes), WRITES):
        await collection.bulk_write(writes[start : start + WRITES], ordered=False)


async def _compare(
    collection: AsyncCollection[Document],
    name: str,
    recounted: Mapping[str, Change],
    rewrite: Callable[[str, Change], ReplaceOne[Document]],
) -> tuple[list[Difference], list[ReplaceOne[Document] | DeleteOne]]:
    """The differences of a collection whose records hold counts only, and the writes that replace them: a
    record the recount has no count for is deleted."""
    differences: list[Difference] = []
    writes: list[ReplaceOne[Document] | DeleteOne] = []
    seen: set[str] = set()
    async for record in _each(collection):
        id = record["_id"]
        seen.add(id)
        found = _differences(name, id, record, recounted.get(id, Change()))
        differences += found
        if found:
            writes.append(DeleteOne({"_id": id}) if id not in recounted else rewrite(id, recounted[id]))
    for id in sorted(recounted.keys() - seen):
        differences += _differences(name, id, {}, recounted[id])
        writes.append(rewrite(id, recounted[id]))
    return differences, writes


async def recount(db: AsyncDatabase[Document], *, write: bool) -> Recount:
    """Compare the maintained counts with the stored articles' sum; with `write`, put the sum in their place."""
    articles, summed = await tally(db)
    differences: list[Difference] = []
    entity_writes: list[UpdateOne] = []
    seen: set[str] = set()
    async for record in _each(database.entities(db)):
        id = record["_id"]
        seen.add(id)
        recounted = summed.entities.get(id, Change())
        found = _differences(database.ENTITIES, id, record, recounted)
        differences += found
        if found or "days" in record:  # the earlier layout's field goes, even when all its counts are 0
            entity_writes.append(_entity_rewrite(id, record, recounted))
    for id in sorted(summed.entities.keys() - seen):
        differences += _differences(database.ENTITIES, id, {}, summed.entities[id])
        entity_writes.append(_entity_rewrite(id, None, summed.entities[id]))

    bucket_differences, bucket_writes = await _compare(
        database.entity_days(db), database.ENTITY_DAYS, summed.days, _bucket_rewrite
    )
    counter_differences, counter_writes = await _compare(
        database.counters(db), database.COUNTERS, summed.counters, _counter_rewrite
    )
    differences += bucket_differences + counter_differences

    if write:
        await _write(database.entities(db), entity_writes)
        await _write(database.entity_days(db), bucket_writes)
        await _write(database.counters(db), counter_writes)
    return Recount(articles=articles, differences=differences)


async def registry_drift(db: AsyncDatabase[Document]) -> list[Difference]:
    """Where the maintained registry and counters differ from a recount of the stored articles (none: exact)."""
    return (await recount(db, write=False)).differences
