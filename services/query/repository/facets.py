"""Facets of a search: how its newest matches divide by source, language, entity label, entity and date.

Counted over the newest `sample` matches only (read newest first through the listing's own plan), so a
facet costs the same bounded read whatever the corpus holds; the reader labels the counts so.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from services.query.repository.articles import Listing, newest
from services.query.repository.corpus import Corpus
from services.query.repository.timed import TimedCollection
from shared.database import Document

# An article's corpus entity ids begin with the label lowercased (`person:qin-gang`): its labels come with them.
_PROJECTION = {"source": 1, "language": 1, "published_at": 1, "received_at": 1, "corpus_entities": 1}


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    name: str | None = None  # an entity's name; its label is `value`'s prefix


@dataclass(frozen=True)
class Facets:
    counted: int  # matches counted
    complete: bool  # every match was counted
    sources: list[FacetValue]
    languages: list[FacetValue]
    labels: list[FacetValue]
    entities: list[FacetValue]
    years: list[FacetValue]  # by year of publication, oldest first
    first_published: date | None
    last_published: date | None


def _ranked(counts: Counter[str], limit: int) -> list[FacetValue]:
    rows = sorted(counts.items(), key=lambda row: (-row[1], row[0]))[:limit]
    return [FacetValue(value, count) for value, count in rows]


async def facets(articles: TimedCollection, corpus: Corpus, listing: Listing, *, sample: int, values: int) -> Facets:
    """Counts over the newest `sample` matches of `listing`; each facet lists its `values` most frequent values."""
    projection = listing.projection(_PROJECTION)
    found, more = await newest(
        articles, corpus.counters, listing, limit=sample, position=None, read_limit=sample, projection=projection
    )
    sources: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    published: list[date] = []
    for doc in found:
        if doc.get("source"):
            sources[doc["source"]] += 1
        if doc.get("language"):
            languages[doc["language"]] += 1
        ids = doc.get("corpus_entities", [])
        entities.update(ids)
        labels.update({entity_id.partition(":")[0].upper() for entity_id in ids})
        if doc.get("published_at") is not None:
            published.append(doc["published_at"].date())
    top = _ranked(entities, values)
    records: dict[str, Document] = await corpus.records([row.value for row in top], {"name": 1, "articles": 1})
    named = [FacetValue(row.value, row.count, records[row.value]["name"]) for row in top if row.value in records]
    years = Counter(str(day.year) for day in published)
    return Facets(
        counted=len(found),
        complete=more is None,
        sources=_ranked(sources, values),
        languages=_ranked(languages, values),
        labels=_ranked(labels, values),
        entities=named,
        years=[FacetValue(year, count) for year, count in sorted(years.items())],
        first_published=min(published, default=None),
        last_published=max(published, default=None),
    )
