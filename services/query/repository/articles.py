"""Reading articles: one by id, and listings newest first (keyset pages) or by relevance (scored in Python)."""

from typing import Any

from services.query import relevance
from services.query.cursor import InvalidCursor, Position
from services.query.repository.filters import (
    ArticleFilter,
    ArticleSort,
    after_article,
    article_filter,
    both,
    from_ms,
    sort_spec,
    to_ms,
)
from services.query.repository.timed import TimedArticles
from services.query.schemas import TOP_ENTITIES, ArticleItem, EntityRef
from services.query.scorer import RelevanceScorer
from shared.database import Document

_ITEM_FIELDS = ["owner", "title", "source", "published_at", "received_at", "status", "summary.text"]
ITEM_PROJECTION = {field: 1 for field in _ITEM_FIELDS + [f"entities.{key}" for key in EntityRef.model_fields]}

Page = tuple[list[ArticleItem], Position | None]


def item(stored: Document, score: float | None = None) -> ArticleItem:
    ranked = sorted(stored.get("entities", []), key=lambda entity: (-entity["salience"], entity["id"]))
    summary = stored.get("summary")
    return ArticleItem(
        id=stored["_id"],
        owner=stored.get("owner"),
        title=stored["title"],
        source=stored.get("source"),
        published_at=stored.get("published_at"),
        received_at=stored["received_at"],
        status=stored["status"],
        summary=summary.get("text") if summary else None,
        entities=[EntityRef.model_validate(entity) for entity in ranked[:TOP_ENTITIES]],
        score=score,
    )


async def find_article(articles: TimedArticles, article_id: str, fields: tuple[str, ...]) -> Document | None:
    return await articles.find_one({"_id": article_id}, dict.fromkeys(fields, 1) if fields else None)


def _first_page(articles: TimedArticles, query: Document, sort: ArticleSort, projection: Document, limit: int) -> Any:
    return articles.find(query, projection, sort=sort_spec(sort), limit=limit)


async def explain_listing(articles: TimedArticles, spec: ArticleFilter, sort: ArticleSort) -> Document:
    """The winning plan of a listing's first page (for relevance: of its candidate query)."""
    plan = await _first_page(articles, article_filter(spec), sort, ITEM_PROJECTION, 1).explain()
    return dict(plan["queryPlanner"]["winningPlan"])


async def article_page(
    articles: TimedArticles, spec: ArticleFilter, sort: ArticleSort, *, limit: int, position: Position | None
) -> Page:
    """A page newest first (by `received_at` or `published_at`, then id) and the position after it."""
    query = article_filter(spec)
    if position is not None:
        query = both(query, after_article(sort, position.after))
    found = await _first_page(articles, query, sort, ITEM_PROJECTION, limit + 1).to_list()
    page = [item(stored) for stored in found[:limit]]
    if len(found) <= limit:
        return page, None
    last = found[limit - 1]
    key = last.get(sort.value)
    return page, Position(after=(None if key is None else to_ms(key), last["_id"]))


async def relevance_page(
    articles: TimedArticles,
    scorer: RelevanceScorer,
    spec: ArticleFilter,
    *,
    limit: int,
    position: Position | None,
    candidates: int,
) -> Page:
    """Scores the newest `candidates` matches in Python (`$text` is not on every MongoDB-protocol server).

    The first page fixes the candidate set as "received by the newest candidate" (`as_of`), so articles that
    arrive later do not reshuffle the ranking under a client paging through it.
    """
    query = article_filter(spec)
    if position is not None and position.as_of is not None:
        query = both(query, {"received_at": {"$lte": from_ms(position.as_of)}})
    # Only the start of each body is scored, so only that is read: 1,000 candidates of up to 1 MiB each
    # would otherwise hold a gigabyte per request.
    body = {"$substrCP": ["$body", 0, relevance.MAX_SCORED_CHARS]}
    projection = {"title": 1, "body": body, "received_at": 1}
    found = await _first_page(articles, query, ArticleSort.RECEIVED_AT, projection, candidates).to_list()
    scores = await scorer.scores(spec.terms, [(doc["title"], doc["body"]) for doc in found])
    scored = sorted(zip(scores, (doc["_id"] for doc in found), strict=True), reverse=True)
    if position is None:
        as_of = max((to_ms(doc["received_at"]) for doc in found), default=None)
    else:
        match position.after:
            case (int() | float() as last_score, str() as last_id):
                scored = [key for key in scored if key < (last_score, last_id)]
                as_of = position.as_of
            case _:
                raise InvalidCursor("invalid cursor")
    chosen = scored[:limit]
    stored = await articles.find({"_id": {"$in": [article_id for _, article_id in chosen]}}, ITEM_PROJECTION).to_list()
    by_id = {doc["_id"]: doc for doc in stored}
    page = [item(by_id[article_id], score) for score, article_id in chosen if article_id in by_id]
    if len(scored) <= limit:
        return page, None
    return page, Position(after=chosen[-1], as_of=as_of)
