"""`newsflow entities relink`, `merge` and `split`: link stored articles again, and record operators' overrides.

Relinking re-stores articles through the store path (`ArticleStore.store`), which links them with the current
linker, registry and overrides, and moves the registry's counts from the old links to the new ones in the same
transaction. Articles are read in bounded batches by id, so a relink that stops half-way is finished by running
it again; one that runs beside the workers only ever replaces an article with itself (same `received_at`).
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.enrich.linking import Override
from shared.database import Document, from_mongo
from shared.documents import ENTITY_LABELS, ArticleDocument
from shared.entity_keys import name_key, slug_of_key

RELINK_BATCH = 100  # articles read and re-stored per transaction

StoreBatch = Callable[[Sequence[ArticleDocument]], Awaitable[None]]


async def relink(
    articles: AsyncCollection[Document],
    store: StoreBatch,
    *,
    condition: Mapping[str, Any],
    batch_size: int = RELINK_BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-store every enriched article matching `condition`, a batch at a time, in id order; returns how many."""
    done = 0
    last: str | None = None
    while True:
        query: dict[str, Any] = {**condition, "status": "enriched"}
        if last is not None:
            query["_id"] = {"$gt": last}
        batch = [from_mongo(stored) async for stored in articles.find(query).sort("_id", 1).limit(batch_size)]
        if not batch:
            return done
        await store(batch)
        done += len(batch)
        last = batch[-1].id
        if progress is not None:
            progress(len(batch))


def outdated(version: str) -> dict[str, Any]:
    """The articles a linker of `version` has not linked."""
    return {"linker_version": {"$ne": version}}


def affected(override: Override) -> list[dict[str, Any]]:
    """Conditions (one index each) matching the stored articles whose links an override can change."""
    if override.articles:
        return [{"_id": {"$in": list(override.articles)}}]
    return [{"corpus_entities": override.source}, {"entities.id": override.source}]


class OverrideError(ValueError):
    """An override that cannot be recorded; the message says why."""


def _checked_id(corpus_id: str) -> str:
    label, _, name = corpus_id.partition(":")
    if label.upper() not in ENTITY_LABELS or not name or name != slug_of_key(name_key(name.replace("-", " "))):
        raise OverrideError(f"{corpus_id!r} is not an entity id (`<label>:<slug>`, e.g. person:tony-blair)")
    return corpus_id


def merge(into: str, source: str) -> Override:
    """`source` becomes part of `into`."""
    if _checked_id(into) == _checked_id(source):
        raise OverrideError("an entity cannot be merged into itself")
    return Override(kind="merge", source=source, into=into)


def split(source: str, *, alias: str | None, articles: Sequence[str], into: str | None, taken: int) -> Override:
    """Entities named `alias`, or those of `articles`, leave `source` for `into` (by default the alias's own id,
    or `<source>-split-<n>` for the n-th split of articles, `taken` being how many there were before)."""
    _checked_id(source)
    if (alias is None) == (not articles):
        raise OverrideError("give --alias NAME or --articles ID,... (one of them)")
    if alias is not None:
        if not name_key(alias):
            raise OverrideError(f"{alias!r} is no name")
        target = into or f"{source.partition(':')[0]}:{slug_of_key(name_key(alias))}"
    else:
        target = into or f"{source}-split-{taken + 1}"
    if _checked_id(target) == source:
        raise OverrideError("a split must move the entities to another id")
    return Override(kind="split", source=source, into=target, alias=alias, articles=tuple(articles))
