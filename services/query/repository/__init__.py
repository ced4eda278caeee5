"""All database access of the query service; `filters` is the only code that builds a listing's conditions.

Every read carries `maxTimeMS` (`TimedCollection`) and reads a bounded number of documents, whatever the
size of the corpus: listings read time windows through `shared.database.ARTICLE_INDEXES` (an equality,
then a range on the sort key: the shape both SecantusDB and mongod serve from an index), and entities and
counts come from the registry and counters the store maintains.
"""

import asyncio
from datetime import UTC, date, datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from services.query.cursor import Position
from services.query.repository.articles import (
    Listing,
    article_page,
    explain_window,
    find_article,
    plan,
    relevance_page,
)
from services.query.repository.corpus import Corpus
from services.query.repository.entities import entity_detail, entity_page, entity_timeline, related_entities
from services.query.repository.facets import Facets, FacetValue, facets
from services.query.repository.filters import ArticleFilter, ArticleSort, EntityFilter, RelatedSort, conditions
from services.query.repository.stats import article_stats
from services.query.repository.timed import TimedCollection
from services.query.schemas import ArticleItem, EntityDetail, EntityItem, RelatedEntities, Stats, Timeline
from services.query.scorer import RelevanceScorer
from shared.database import ARTICLES, COUNTERS, ENTITIES, ENTITY_DAYS, Document

__all__ = ["ArticleFilter", "ArticleSort", "EntityFilter", "FacetValue", "Facets", "RelatedSort", "Repository"]


class Repository:
    """What the routes read, with the limits from the settings applied."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        timeout_ms: int,
        relevance_candidates: int,
        related_candidates: int,
        stats_values: int,
        read_limit: int = 1_000,
        related_articles: int = 100,
        scorer: RelevanceScorer | None = None,
    ) -> None:
        self._articles = TimedCollection(db, ARTICLES, timeout_ms=timeout_ms)
        self._corpus = Corpus(
            TimedCollection(db, ENTITIES, timeout_ms=timeout_ms),
            TimedCollection(db, COUNTERS, timeout_ms=timeout_ms),
            TimedCollection(db, ENTITY_DAYS, timeout_ms=timeout_ms),
        )
        self._scorer = scorer or RelevanceScorer()
        self._relevance_candidates = relevance_candidates
        self._related_candidates = related_candidates
        self._stats_values = stats_values
        self._read_limit = read_limit
        self._related_articles = related_articles

    async def ping(self) -> None:
        await self._articles.ping()

    async def article(self, article_id: str, fields: tuple[str, ...] = ()) -> Document | None:
        """The stored document (only `fields`, when given), or None."""
        return await find_article(self._articles, article_id, fields)

    async def articles(
        self, spec: ArticleFilter, sort: ArticleSort, *, limit: int, position: Position | None
    ) -> tuple[list[ArticleItem], Position | None, bool]:
        """A page of articles, the position after it (None on the last page), and whether it is an estimate."""
        listing = await self._listing(spec, sort)
        if listing is None:
            return [], None, False  # an entity no stored article is linked to
        counters = self._corpus.counters
        if sort is ArticleSort.RELEVANCE:
            return await relevance_page(
                self._articles,
                counters,
                self._scorer,
                listing,
                limit=limit,
                position=position,
                candidates=self._relevance_candidates,
                read_limit=self._read_limit,
            )
        items, after = await article_page(
            self._articles, counters, listing, limit=limit, position=position, read_limit=self._read_limit
        )
        return items, after, False

    async def _listing(self, spec: ArticleFilter, sort: ArticleSort) -> Listing | None:
        """The read plan of a listing; None when an entity of the filter has no stored article."""
        records = await asyncio.gather(*(self._corpus.record(entity) for entity in spec.entities))
        if any(record is None for record in records):
            return None
        registry = {record["_id"]: record for record in records if record is not None}
        return plan(spec, sort, conditions(spec, tuple(registry)), await self._corpus.totals(), registry)

    async def facets(self, spec: ArticleFilter, *, sample: int, values: int) -> Facets | None:
        """Facet counts over the newest `sample` matches (None when an entity of the filter has no article)."""
        listing = await self._listing(spec, ArticleSort.RECEIVED_AT)
        if listing is None:
            return None
        return await facets(self._articles, self._corpus, listing, sample=sample, values=values)

    async def received_since(self, moment: datetime, *, limit: int) -> int:
        """Articles received at or after `moment`, counted up to `limit`."""
        return await self._articles.count({"received_at": {"$gte": moment}}, limit=limit)

    async def explain(self, spec: ArticleFilter, sort: ArticleSort) -> Document:
        """The winning plan of the read of a listing's newest day (entities given as corpus ids)."""
        registry = await self._corpus.records(list(spec.entities))
        listing = plan(spec, sort, conditions(spec, spec.entities), await self._corpus.totals(), registry)
        return await explain_window(self._articles, listing, datetime.now(UTC) - timedelta(days=1))

    async def entities(
        self, spec: EntityFilter, *, days: list[str] | None, limit: int, position: Position | None
    ) -> tuple[list[EntityItem], Position | None, bool]:
        return await entity_page(
            self._corpus, spec, days=days, limit=limit, position=position, read_limit=self._read_limit
        )

    async def entity(self, entity_id: str) -> EntityDetail | None:
        return await entity_detail(self._articles, self._corpus, entity_id, read_limit=self._read_limit)

    async def timeline(
        self, entity_id: str, interval: str, *, start: date | None, end: date | None, buckets: int
    ) -> Timeline | None:
        return await entity_timeline(self._corpus, entity_id, interval, start=start, end=end, buckets=buckets)

    async def related(
        self, entity_id: str, sort: RelatedSort, *, limit: int, min_shared: int
    ) -> RelatedEntities | None:
        return await related_entities(
            self._articles,
            self._corpus,
            entity_id,
            by_lift=sort is RelatedSort.LIFT,
            limit=limit,
            min_shared=min_shared,
            candidates=self._related_candidates,
            sample=self._related_articles,
        )

    async def stats(self) -> Stats:
        return await article_stats(self._corpus, values=self._stats_values)

    async def stored_by_status(self) -> dict[str, int]:
        """Stored articles by status, from the totals the store maintains (one document, not the articles)."""
        return dict((await self._corpus.totals()).status)
