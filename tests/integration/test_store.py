"""The worker's writes against the real database: new articles are inserted, a newer submission replaces an
older one, and an older one (a late redelivery) never overwrites a newer one, within one batch too."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.enrich.store import ArticleStore
from shared import database
from shared.documents import ArticleDocument, Pipeline

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _document(article: str, title: str, received_at: datetime) -> ArticleDocument:
    return ArticleDocument.model_validate(
        {
            "id": article,
            "title": title,
            "body": f"{title}. The council met on Monday.",
            "content_hash": title,
            "received_at": received_at,
            "language": "en",
            "status": "failed",
            "error": "not enriched in this test",
            "pipeline": Pipeline(version="test", model="none", model_version="0"),
        }
    )


@pytest.fixture
def store(mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str) -> ArticleStore:
    return ArticleStore(mongo_client[database_name])


async def _titles(mongo_client: AsyncMongoClient[dict[str, Any]], name: str) -> dict[str, str]:
    return {stored["_id"]: stored["title"] async for stored in mongo_client[name][database.ARTICLES].find({})}


async def test_new_articles_are_stored_with_their_search_terms(
    store: ArticleStore, mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> None:
    await store.store([_document("a1", "Harbour bridge closes", T0), _document("a2", "Budget agreed", T0)])

    assert await _titles(mongo_client, database_name) == {"a1": "Harbour bridge closes", "a2": "Budget agreed"}
    stored = await mongo_client[database_name][database.ARTICLES].find_one({"_id": "a1"})
    assert stored is not None and {"harbour", "bridge", "council"} <= set(stored["search_terms"])


async def test_a_batch_mixing_new_newer_and_older_submissions_keeps_the_newest_of_each(
    store: ArticleStore, mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> None:
    await store.store([_document("kept", "Kept as stored", T0), _document("replaced", "First version", T0)])

    await store.store(
        [
            _document("kept", "A late redelivery of an older version", T0 - timedelta(minutes=5)),
            _document("replaced", "Corrected version", T0 + timedelta(minutes=5)),
            _document("new", "A new article", T0),
        ]
    )

    assert await _titles(mongo_client, database_name) == {
        "kept": "Kept as stored",
        "replaced": "Corrected version",
        "new": "A new article",
    }


async def test_the_same_submission_written_twice_is_stored_once(
    store: ArticleStore, mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> None:
    document = _document("again", "Written by two workers", T0)
    await store.store([document])
    await store.store([document])

    assert await mongo_client[database_name][database.ARTICLES].count_documents({}) == 1


async def test_two_submissions_of_one_article_in_one_batch_keep_the_newer_in_either_order(
    store: ArticleStore, mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> None:
    later = T0 + timedelta(seconds=1)
    await store.store([_document("x", "Original", T0), _document("x", "Correction", later)])
    await store.store([_document("y", "Correction", later), _document("y", "Original", T0)])

    assert await _titles(mongo_client, database_name) == {"x": "Correction", "y": "Correction"}
