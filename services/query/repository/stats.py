"""Article counts by status, language, source and entity label."""

import asyncio

from pymongo import DESCENDING

from services.query.repository.timed import TimedArticles
from services.query.schemas import Stats, ValueCount
from shared.database import Document


async def article_stats(articles: TimedArticles, *, values: int) -> Stats:
    """Each breakdown lists its `values` most frequent values."""
    top: list[Document] = [{"$sort": {"count": DESCENDING, "_id": 1}}, {"$limit": values}]

    def by(field: str) -> list[Document]:
        return [{"$group": {"_id": f"${field}", "count": {"$sum": 1}}}, *top]

    total, status, language, source, label = await asyncio.gather(
        articles.count({}),
        articles.aggregate(by("status")),
        articles.aggregate(by("language")),
        articles.aggregate(by("source")),
        articles.aggregate(
            [
                # Articles per label, so an article naming three people counts once for PERSON.
                {"$unwind": "$entities"},
                {"$group": {"_id": {"article": "$_id", "label": "$entities.label"}}},
                {"$group": {"_id": "$_id.label", "count": {"$sum": 1}}},
                *top,
            ]
        ),
    )

    def counts(groups: list[Document]) -> list[ValueCount]:
        return [ValueCount(value=group["_id"], count=group["count"]) for group in groups]

    return Stats(
        total=total,
        by_status=counts(status),
        by_language=counts(language),
        by_source=counts(source),
        by_label=counts(label),
    )
