"""Reads bounded by the page: short pages still page through everything, linked ids resolve, estimates say so."""

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.query import relevance
from services.query.repository import articles
from shared.database import COUNTERS
from shared.documents import ArticleDocument, EntityLink
from shared.search_terms import terms
from tests.integration.query_app import all_pages, drop, linked, query_settings, serving, store, stored
from tests.integration.query_data import RECEIVED_FROM, corpus, seed_article
from tests.integration.test_query_api import newest_first, oracle, published_first

pytestmark = pytest.mark.integration

DOCS = corpus(300, seed=16, namespace="bounded")
SEED = seed_article(RECEIVED_FROM - timedelta(days=1))


def relinked(doc: ArticleDocument) -> ArticleDocument:
    """As the linker would store it: `gpe:united-states` under its short names too (`US` -> `gpe:us`)."""
    doc = linked(doc)
    entities = [
        found.model_copy(
            update={"id": "gpe:us", "corpus_id": "gpe:united-states", "link": EntityLink(method="gazetteer")}
        )
        if found.id == "gpe:united-states" and int(doc.id, 16) % 2
        else found
        for found in doc.entities
    ]
    return doc.model_copy(update={"entities": entities})


ALL = [relinked(doc) for doc in [*DOCS, SEED]]
US = [doc for doc in ALL if "gpe:united-states" in doc.corpus_entities]
SHORT_NAMED = [doc for doc in US if any(found.id == "gpe:us" for found in doc.entities)]


@pytest.fixture(scope="module")
async def database(mongodb_url: str) -> AsyncIterator[str]:
    async with stored(mongodb_url, "newsflow_query", ALL) as name:
        yield name


@pytest.fixture(scope="module")
async def client(mongodb_url: str, database: str) -> AsyncIterator[httpx.AsyncClient]:
    """A service that reads at most 100 articles per request (the least it allows)."""
    settings = query_settings(mongodb_url, database, query_read_limit=100, related_articles=10)
    async with serving(settings) as (_, served):
        yield served


async def pages(client: httpx.AsyncClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    cursor = None
    while True:
        page = (await client.get("/v1/articles", params=params | ({"cursor": cursor} if cursor else {}))).json()
        found.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return found


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"language": "de", "status": "enriched"},
        {"source": "Reuters", "label": "LAW"},
        {"q": "mattered", "entity": "gpe:spain"},
        {"entity": ["gpe:china", "person:qin-gang"]},
        {"published_from": "2023-06-01", "published_to": "2023-06-30"},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "all",
)
async def test_reading_a_bounded_number_per_request_still_pages_through_every_match(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    expected = oracle(ALL, params)
    assert expected
    by_received = await pages(client, params | {"limit": 30})
    assert [item["id"] for page in by_received for item in page["items"]] == newest_first(expected)
    by_published = await pages(client, params | {"limit": 30, "sort": "published_at"})
    assert [item["id"] for page in by_published for item in page["items"]] == published_first(expected)


async def test_a_page_may_hold_fewer_than_limit_while_more_follow(client: httpx.AsyncClient) -> None:
    """Rare matches among many articles (no index serves a publication range with `sort=received_at`): the read
    limit ends pages early, the cursor goes on."""
    params = {"published_from": "2023-06-01", "published_to": "2023-06-30", "limit": 30}
    found = await pages(client, params)
    assert any(len(page["items"]) < 30 and page["next_cursor"] for page in found)
    assert sum(len(page["items"]) for page in found) == len(oracle(ALL, params))


async def test_listings_without_day_counts_widen_their_windows(mongodb_url: str, database: str) -> None:
    """A database whose store kept no day counts is still listed whole, in order."""
    other = f"newsflow_query_{uuid.uuid4().hex[:10]}"
    await store(mongodb_url, other, ALL[:80])
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        await mongo[other][COUNTERS].delete_many({"_id": {"$ne": "articles"}})
        async with serving(query_settings(mongodb_url, other)) as (_, served):
            for params in ({}, {"entity": "gpe:china"}, {"sort": "published_at"}):
                items = await all_pages(served, "/v1/articles", params | {"limit": 9})
                key = published_first if params.get("sort") else newest_first
                assert [item["id"] for item in items] == key(oracle(ALL[:80], params)), params
    finally:
        await mongo.close()
        await drop(mongodb_url, other)


async def test_an_id_linked_to_a_corpus_entity_answers_with_that_entity(client: httpx.AsyncClient) -> None:
    assert SHORT_NAMED and len(SHORT_NAMED) < len(US)
    for entity_id in ("gpe:us", "gpe:united-states"):
        detail = (await client.get(f"/v1/entities/{entity_id}")).json()
        assert (detail["id"], detail["articles"]) == ("gpe:united-states", len(US))
        listed = await all_pages(client, "/v1/articles", {"entity": entity_id, "limit": 25})
        assert [item["id"] for item in listed] == newest_first(US)
    ranked = await all_pages(client, "/v1/entities", {"q": "us", "limit": 5})
    assert [item["id"] for item in ranked] == ["gpe:united-states"]


async def test_timeline_counts_articles_per_day_week_and_month(client: httpx.AsyncClient) -> None:
    days = Counter((doc.published_at or doc.received_at).date() for doc in US)
    last = max(days)
    daily = (await client.get("/v1/entities/gpe:us/timeline")).json()
    assert daily["entity"] == "gpe:united-states"
    assert [(row["start"], row["articles"]) for row in daily["items"]] == [
        ((last - timedelta(days=back)).isoformat(), days[last - timedelta(days=back)]) for back in range(30, -1, -1)
    ]
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    weekly = (
        await client.get(
            "/v1/entities/gpe:united-states/timeline",
            params={"interval": "week", "start": start.isoformat(), "end": end.isoformat()},
        )
    ).json()["items"]
    mondays = Counter(day - timedelta(days=day.weekday()) for day in days.elements() if start <= day <= end)
    assert weekly[0]["start"] == "2022-12-26"  # the ISO week holding 1 January 2023
    assert {row["start"]: row["articles"] for row in weekly if row["articles"]} == {
        day.isoformat(): n for day, n in mondays.items()
    }
    assert all(date.fromisoformat(row["start"]).weekday() == 0 for row in weekly)
    monthly = (
        await client.get(
            "/v1/entities/gpe:us/timeline", params={"interval": "month", "start": "2023-01-01", "end": end.isoformat()}
        )
    ).json()["items"]
    assert [row["start"] for row in monthly] == [date(2023, month, 1).isoformat() for month in range(1, 13)]
    assert sum(row["articles"] for row in monthly) == sum(n for day, n in days.items() if day.year == 2023)
    too_long = await client.get("/v1/entities/gpe:us/timeline", params={"start": "2020-01-01", "end": "2023-01-01"})
    assert too_long.status_code == 422
    assert (await client.get("/v1/entities/gpe:nowhere/timeline")).status_code == 404
    backwards = await client.get("/v1/entities/gpe:us/timeline", params={"start": "2023-02-01", "end": "2023-01-01"})
    assert (backwards.status_code, backwards.json()["items"]) == (200, [])
    assert (await client.get("/v1/entities/gpe:us/timeline", params={"start": "0"})).status_code == 422
    nothing = await client.get("/v1/entities", params={"published_from": "2023-02-01", "published_to": "2023-01-01"})
    assert (nothing.status_code, nothing.json()["items"]) == (200, [])


async def test_related_over_a_sample_says_it_is_an_estimate(client: httpx.AsyncClient) -> None:
    """The service counts co-occurrences over the entity's 10 newest articles here (`related_articles`)."""
    answer = (await client.get("/v1/entities/gpe:china/related", params={"limit": 100})).json()
    china = [doc for doc in ALL if "gpe:china" in doc.corpus_entities]
    newest = sorted(china, key=lambda doc: (doc.received_at, doc.id), reverse=True)[:10]
    shared = Counter(other for doc in newest for other in doc.corpus_entities if other != "gpe:china")
    assert (answer["estimate"], answer["articles_read"], answer["articles"]) == (True, 10, len(china))
    assert {item["id"]: item["shared_articles"] for item in answer["items"]} == dict(shared)
    total = sum(doc.status == "enriched" for doc in ALL)
    for item in answer["items"]:
        assert item["lift"] == round(item["shared_articles"] * total / (10 * item["articles"]), 4)


async def test_relevance_ranks_the_newest_candidates_and_says_it_is_an_estimate(
    mongodb_url: str, database: str
) -> None:
    async with serving(query_settings(mongodb_url, database, relevance_candidates=20)) as (_, served):
        params: dict[str, Any] = {"q": "mattered", "sort": "relevance", "limit": 8}
        first = (await served.get("/v1/articles", params=params)).json()
        ranked = await all_pages(served, "/v1/articles", params)
    matching = oracle(ALL, {"q": "mattered"})
    newest = [doc for doc in matching if doc.id in set(newest_first(matching)[:20])]
    expected = sorted(
        (
            (relevance.score(("mattered",), title=doc.title, summary=doc.summary.text if doc.summary else ""), doc.id)
            for doc in newest
        ),
        reverse=True,
    )
    assert len(matching) > 20
    assert first["estimate"] is True
    assert [(item["score"], item["id"]) for item in ranked] == expected


async def test_relevance_reads_at_most_a_few_articles_per_candidate(mongodb_url: str, database: str) -> None:
    """A word that is rare among the matches of the other: the candidates are the matches among the newest
    `READ_PER_CANDIDATE` x 10 articles read (the store counts no words, so the first word drives the read)."""
    async with serving(query_settings(mongodb_url, database, relevance_candidates=10)) as (_, served):
        params: dict[str, Any] = {"q": "mattered summit", "sort": "relevance", "limit": 4}
        first = (await served.get("/v1/articles", params=params)).json()
        ranked = await all_pages(served, "/v1/articles", params)
    driving = {doc.id: doc for doc in oracle(ALL, {"q": "mattered"})}
    read = newest_first(list(driving.values()))[: articles.READ_PER_CANDIDATE * 10]
    both = {doc.id for doc in oracle(ALL, {"q": "mattered summit"})}
    candidates = [driving[article_id] for article_id in read if article_id in both][:10]
    expected = sorted(
        (
            (
                relevance.score(
                    tuple(terms(params["q"])), title=doc.title, summary=doc.summary.text if doc.summary else ""
                ),
                doc.id,
            )
            for doc in candidates
        ),
        reverse=True,
    )
    assert 0 < len(candidates) < 10 < len(both)  # the read ended the candidates, not their number
    assert first["estimate"] is True
    assert [(item["score"], item["id"]) for item in ranked] == expected
    assert ranked[0].keys() >= {"entities", "summary", "source", "title"}  # the page's items read whole
