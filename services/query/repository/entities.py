"""Entities aggregated over the articles that mention them: rankings, one entity, co-occurrences."""

import asyncio
from datetime import UTC, datetime

from pymongo import DESCENDING

from services.query.cursor import Position
from services.query.repository.articles import article_page
from services.query.repository.filters import (
    ArticleFilter,
    ArticleSort,
    EntityFilter,
    RelatedSort,
    after_entity,
    entity_match,
    from_ms,
    published,
    to_ms,
)
from services.query.repository.timed import TimedArticles
from services.query.schemas import EntityDetail, EntityItem, RelatedEntities, RelatedEntity
from shared.database import Document

RECENT_ARTICLES = 5

_GROUP: Document = {
    "_id": "$entities.id",
    "articles": {"$sum": 1},  # the worker stores an entity id at most once per article
    "name": {"$first": "$entities.name"},
    "label": {"$first": "$entities.label"},
    "aliases": {"$addToSet": "$entities.aliases"},
}


def _entity(group: Document) -> EntityItem:
    return EntityItem(
        id=group["_id"],
        name=group["name"],
        label=group["label"],
        aliases=sorted({alias for aliases in group["aliases"] for alias in aliases}),
        articles=group["articles"],
    )


async def entity_page(
    articles: TimedArticles, spec: EntityFilter, *, limit: int, position: Position | None
) -> tuple[list[EntityItem], Position | None]:
    """Entities by number of articles (then id), counted over the articles received by the first page."""
    as_of = position.as_of if position is not None and position.as_of is not None else to_ms(datetime.now(UTC))
    entities = entity_match(spec)
    # The entity conditions also pick the articles worth unwinding.
    selected = {"received_at": {"$lte": from_ms(as_of)}} | published(spec.published_from, spec.published_to) | entities
    pipeline: list[Document] = [
        {"$match": selected},
        {"$unwind": "$entities"},
        {"$match": entities},
        {"$group": _GROUP},
    ]
    if position is not None:
        pipeline.append({"$match": after_entity(position.after)})
    pipeline += [{"$sort": {"articles": DESCENDING, "_id": 1}}, {"$limit": limit + 1}]
    found = await articles.aggregate(pipeline)
    page = [_entity(group) for group in found[:limit]]
    if len(found) <= limit:
        return page, None
    return page, Position(after=(page[-1].articles, page[-1].id), as_of=as_of)


async def entity_detail(articles: TimedArticles, entity_id: str) -> EntityDetail | None:
    seen = {"$ifNull": ["$published_at", "$received_at"]}
    found, (recent, _) = await asyncio.gather(
        articles.aggregate(
            [
                {"$match": {"entities.id": entity_id}},
                {"$unwind": "$entities"},
                {"$match": {"entities.id": entity_id}},
                {"$sort": {"received_at": DESCENDING, "_id": DESCENDING}},  # `$first`: the newest spelling
                {"$group": _GROUP | {"first_seen": {"$min": seen}, "last_seen": {"$max": seen}}},
            ]
        ),
        article_page(
            articles,
            ArticleFilter(entities=(entity_id,)),
            ArticleSort.RECEIVED_AT,
            limit=RECENT_ARTICLES,
            position=None,
        ),
    )
    if not found:
        return None
    (group,) = found
    return EntityDetail(
        **_entity(group).model_dump(),
        first_seen=group["first_seen"],
        last_seen=group["last_seen"],
        recent_articles=recent,
    )


async def related_entities(
    articles: TimedArticles, entity_id: str, sort: RelatedSort, *, limit: int, min_shared: int, candidates: int
) -> RelatedEntities | None:
    """Entities mentioned in the same articles as `entity_id`, with their lift.

    lift(A, B) = shared(A, B) * N / (articles(A) * articles(B)), N = enriched articles: how many times more
    often the two appear together than if they were independent (PMI = log2 lift). Lift favours rare
    entities, hence `min_shared`; sorting by it considers the `candidates` entities that co-occur most often.
    """
    shared, own, total = await asyncio.gather(
        articles.aggregate(
            [
                {"$match": {"entities.id": entity_id}},
                {"$unwind": "$entities"},
                {"$match": {"entities.id": {"$ne": entity_id}}},
                {"$group": {key: _GROUP[key] for key in ("_id", "name", "label")} | {"shared": {"$sum": 1}}},
                {"$match": {"shared": {"$gte": min_shared}}},
                {"$sort": {"shared": DESCENDING, "_id": 1}},
                {"$limit": limit if sort is RelatedSort.COUNT else candidates},
            ]
        ),
        articles.count({"entities.id": entity_id}),
        articles.count({"status": "enriched"}),
    )
    if own == 0:
        return None
    counts = await _article_counts(articles, [group["_id"] for group in shared])
    items = [
        RelatedEntity(
            id=group["_id"],
            name=group["name"],
            label=group["label"],
            shared_articles=group["shared"],
            articles=counts[group["_id"]],
            lift=round(group["shared"] * total / (own * counts[group["_id"]]), 4),
        )
        for group in shared
    ]
    if sort is RelatedSort.LIFT:
        items.sort(key=lambda related: (-related.lift, -related.shared_articles, related.id))
    return RelatedEntities(entity=entity_id, articles=own, total_articles=total, items=items[:limit])


async def _article_counts(articles: TimedArticles, entity_ids: list[str]) -> dict[str, int]:
    if not entity_ids:
        return {}
    groups = await articles.aggregate(
        [
            {"$match": {"entities.id": {"$in": entity_ids}}},
            {"$unwind": "$entities"},
            {"$match": {"entities.id": {"$in": entity_ids}}},
            {"$group": {"_id": "$entities.id", "articles": {"$sum": 1}}},
        ]
    )
    return {group["_id"]: group["articles"] for group in groups}
