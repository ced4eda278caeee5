"""All database access of the query service; `filters` is the only code that builds a MongoDB query.

Every query and aggregation carries `maxTimeMS` (`TimedArticles`).

Indexes: each single filter and each sort is served by one of `shared.database.ARTICLE_INDEXES` (the tests
check it with `explain`). mongod also serves combinations (index intersection, the keyset `$or` of a
cursor); SecantusDB's planner uses an index only for a query with a single predicate, and sorts in memory
otherwise. The queries are written for MongoDB, not bent to that planner.
"""

from pymongo.asynchronous.database import AsyncDatabase

from services.query.cursor import Position
from services.query.repository.articles import article_page, explain_listing, find_article, relevance_page
from services.query.repository.entities import entity_detail, entity_page, related_entities
from services.query.repository.filters import ArticleFilter, ArticleSort, EntityFilter, RelatedSort, article_filter
from services.query.repository.stats import article_stats
from services.query.repository.timed import TimedArticles
from services.query.schemas import ArticleItem, EntityDetail, EntityItem, RelatedEntities, Stats
from services.query.scorer import RelevanceScorer
from shared.database import Document

__all__ = ["ArticleFilter", "ArticleSort", "EntityFilter", "RelatedSort", "Repository", "article_filter"]


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
        scorer: RelevanceScorer | None = None,
    ) -> None:
        self._articles = TimedArticles(db, timeout_ms=timeout_ms)
        self._scorer = scorer or RelevanceScorer()
        self._relevance_candidates = relevance_candidates
        self._related_candidates = related_candidates
        self._stats_values = stats_values

    async def ping(self) -> None:
        await self._articles.ping()

    async def article(self, article_id: str, fields: tuple[str, ...] = ()) -> Document | None:
        """The stored document (only `fields`, when given), or None."""
        return await find_article(self._articles, article_id, fields)

    async def articles(
        self, spec: ArticleFilter, sort: ArticleSort, *, limit: int, position: Position | None
    ) -> tuple[list[ArticleItem], Position | None]:
        """A page of articles and the position after it (None on the last page)."""
        if sort is ArticleSort.RELEVANCE:
            return await relevance_page(
                self._articles,
                self._scorer,
                spec,
                limit=limit,
                position=position,
                candidates=self._relevance_candidates,
            )
        return await article_page(self._articles, spec, sort, limit=limit, position=position)

    async def explain(self, spec: ArticleFilter, sort: ArticleSort) -> Document:
        return await explain_listing(self._articles, spec, sort)

    async def entities(
        self, spec: EntityFilter, *, limit: int, position: Position | None
    ) -> tuple[list[EntityItem], Position | None]:
        return await entity_page(self._articles, spec, limit=limit, position=position)

    async def entity(self, entity_id: str) -> EntityDetail | None:
        return await entity_detail(self._articles, entity_id)

    async def related(
        self, entity_id: str, sort: RelatedSort, *, limit: int, min_shared: int
    ) -> RelatedEntities | None:
        return await related_entities(
            self._articles,
            entity_id,
            sort,
            limit=limit,
            min_shared=min_shared,
            candidates=self._related_candidates,
        )

    async def stats(self) -> Stats:
        return await article_stats(self._articles, values=self._stats_values)
