"""The seed article enriched by the real NLP (in-process, no broker), stored as the worker stores it, queried.

Where `test_query_api` uses a hand-written seed document, this one comes out of `Enricher`, so the query
service is checked against real entity ids, aliases and saliences.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from devstack.keys import WRITER
from devstack.workspace import SEED_ARTICLE
from services.enrich.nlp.enrichment import ArticleText, Enricher
from services.enrich.stored_document import content_hash, enriched_document
from shared.articles import ArticleIn, article_id
from shared.documents import ArticleDocument
from shared.layouts import parse_plain_text
from shared.messages import ArticleSubmitted
from tests.integration.query_app import drop, linked, query_settings, serving, store
from tests.integration.query_data import corpus

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def enriched_seed() -> ArticleDocument:
    article = ArticleIn.model_validate(parse_plain_text(SEED_ARTICLE.read_text()))
    submission = ArticleSubmitted(
        id=article_id(article, WRITER),
        owner=WRITER,
        article=article,
        received_at=datetime(2026, 11, 27, 9, 0, 0, 120_000, tzinfo=UTC),
    )
    enricher = Enricher.load()
    enrichment = enricher.enrich(ArticleText(article.title, article.body, article.language))
    return enriched_document(submission, enrichment, enricher.pipeline("test"), content_hash=content_hash(submission))


@pytest.fixture(scope="module")
async def client(mongodb_url: str, enriched_seed: ArticleDocument) -> AsyncIterator[httpx.AsyncClient]:
    database = f"newsflow_query_seed_{enriched_seed.id}"
    await store(mongodb_url, database, [*corpus(30, namespace="seed-neighbours"), enriched_seed])
    try:
        async with serving(query_settings(mongodb_url, database)) as (_, served):
            yield served
    finally:
        await drop(mongodb_url, database)


def entity_id(seed: ArticleDocument, name: str) -> str:
    return next(entity.id for entity in seed.entities if entity.name == name)


async def test_the_enriched_seed_is_served_whole(client: httpx.AsyncClient, enriched_seed: ArticleDocument) -> None:
    response = await client.get(f"/v1/articles/{enriched_seed.id}")
    assert response.status_code == 200
    # Stored dates keep milliseconds; everything else comes back as the worker wrote it (linked).
    assert ArticleDocument.model_validate(response.json()).model_dump(exclude={"enriched_at"}) == (
        linked(enriched_seed).model_dump(exclude={"enriched_at"})  # as stored: entities linked
    )


async def test_every_expected_entity_finds_the_seed(
    client: httpx.AsyncClient, enriched_seed: ArticleDocument, seed_expected: dict[str, Any]
) -> None:
    for expected in seed_expected["entities"]["must"]:
        found = entity_id(enriched_seed, expected["name"])
        listing = (await client.get("/v1/articles", params={"entity": found})).json()
        assert enriched_seed.id in [item["id"] for item in listing["items"]], found
        detail = (await client.get(f"/v1/entities/{found}")).json()
        assert (detail["name"], detail["label"]) == (expected["name"], expected["label"])
        assert set(expected["aliases"]) <= set(detail["aliases"])


async def test_the_seed_by_words_and_by_co_occurrence(
    client: httpx.AsyncClient, enriched_seed: ArticleDocument
) -> None:
    for q in ("ukraine DIALOGUE", "saudi ARABIA iran", "one-China principle"):
        items = (await client.get("/v1/articles", params={"q": q, "sort": "relevance"})).json()["items"]
        assert [item["id"] for item in items] == [enriched_seed.id], q
    qin = entity_id(enriched_seed, "Qin Gang")
    related = (await client.get(f"/v1/entities/{qin}/related", params={"limit": 100})).json()
    shared = {item["id"]: item["shared_articles"] for item in related["items"]}
    assert shared[entity_id(enriched_seed, "Dmytro Kuleba")] >= 1
    assert shared[entity_id(enriched_seed, "China")] >= 1
    prefix = (await client.get("/v1/entities", params={"q": "kul"})).json()["items"]
    assert entity_id(enriched_seed, "Dmytro Kuleba") in [item["id"] for item in prefix]
