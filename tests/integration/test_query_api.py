"""The query API's articles endpoints against a real MongoDB-protocol server, checked against a Python oracle.

241 stored articles (240 generated + the seed article) are served by one app for the module; tests that
write get their own database.
"""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient, monitoring
from pymongo.errors import ExecutionTimeout

from devstack.keys import READ_KEY, WRITE_KEY
from services.query import relevance
from services.query.deps import get_repository
from services.query.params import ArticleListParams, EntityListParams
from services.query.repository import ArticleSort, RelatedSort, Repository
from services.query.scorer import ScoringTimeout
from shared.documents import ArticleDocument
from shared.search_terms import terms
from tests.integration.query_app import (
    all_pages,
    drop,
    linked,
    query_settings,
    serving,
    store,
    stored,
    unreachable_repository,
)
from tests.integration.query_data import RECEIVED_FROM, corpus, seed_article

pytestmark = pytest.mark.integration

DOCS = corpus(240)
SEED = seed_article(RECEIVED_FROM - timedelta(days=1))
ALL = [*DOCS, SEED]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def newest_first(docs: list[ArticleDocument]) -> list[str]:
    return [doc.id for doc in sorted(docs, key=lambda doc: (doc.received_at, doc.id), reverse=True)]


def published_first(docs: list[ArticleDocument]) -> list[str]:
    key = [(doc.published_at is not None, doc.published_at or EPOCH, doc.id) for doc in docs]
    return [doc.id for _, doc in sorted(zip(key, docs, strict=True), key=lambda pair: pair[0], reverse=True)]


def summary(doc: ArticleDocument) -> str:
    return doc.summary.text if doc.summary else ""


def moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def end(text: str) -> datetime:
    """`published_to`: a date without a time includes that whole day."""
    return moment(text) + timedelta(days=1) if len(text) == len("2023-03-17") else moment(text)


def oracle(docs: list[ArticleDocument], params: dict[str, Any]) -> list[ArticleDocument]:
    """What the listing must contain, computed from the documents in Python."""
    wanted_terms = set(terms(params["q"])) if "q" in params else set()
    entities = params.get("entity", [])
    entities = {entities} if isinstance(entities, str) else set(entities)

    def keep(doc: ArticleDocument) -> bool:
        ids = {entity.id for entity in doc.entities}
        published = doc.published_at
        return (
            wanted_terms <= set(terms(f"{doc.title}\n{doc.body}"))
            and entities <= ids
            and ("label" not in params or any(entity.label == params["label"] for entity in doc.entities))
            and all(
                getattr(doc, field) == params[field] for field in ("source", "language", "status") if field in params
            )
            and (
                "published_from" not in params
                or (published is not None and published >= moment(params["published_from"]))
            )
            and ("published_to" not in params or (published is not None and published < end(params["published_to"])))
        )

    return [doc for doc in docs if keep(doc)]


@pytest.fixture(scope="module")
async def served(mongodb_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    # Relevance ranks every match of these small listings (the default ranks the newest 50).
    async with (
        stored(mongodb_url, "newsflow_query", ALL) as name,
        serving(query_settings(mongodb_url, name, relevance_candidates=500)) as pair,
    ):
        yield pair


@pytest.fixture
def client(served: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return served[1]


@pytest.fixture
def app(served: tuple[FastAPI, httpx.AsyncClient]) -> FastAPI:
    return served[0]


def anonymous(app: FastAPI, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://query", headers=headers)


# --- probes and access ---------------------------------------------------------------------------------------


async def test_probes_need_no_key(app: FastAPI) -> None:
    async with anonymous(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


@pytest.mark.parametrize("path", ["/v1/articles", f"/v1/articles/{SEED.id}", "/v1/entities", "/v1/stats"])
async def test_reads_need_a_key(app: FastAPI, path: str) -> None:
    async with anonymous(app) as nobody, anonymous(app, **{"X-API-Key": "not-a-key-of-this-service"}) as stranger:
        missing, wrong = await nobody.get(path), await stranger.get(path)
    assert missing.status_code == 401
    assert missing.json() == {"detail": "missing API key: send it in the X-API-Key header"}
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "invalid API key"})
    for key in (READ_KEY, WRITE_KEY):
        async with anonymous(app, **{"X-API-Key": key}) as client:
            assert (await client.get(path)).status_code == 200


async def test_public_reads_need_no_key(mongodb_url: str, app: FastAPI) -> None:
    settings = query_settings(mongodb_url, app.state.settings.mongodb_database, public_reads=True)
    async with serving(settings) as (public, _), anonymous(public) as client:
        response = await client.get("/v1/articles", params={"limit": 3})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == newest_first(ALL)[:3]


async def test_not_ready_and_unavailable_when_mongodb_does_not_answer(app: FastAPI) -> None:
    async with unreachable_repository() as repository:
        app.dependency_overrides[get_repository] = lambda: repository
        try:
            async with anonymous(app, **{"X-API-Key": READ_KEY}) as client:
                ready, listing = await client.get("/readyz"), await client.get("/v1/articles")
        finally:
            app.dependency_overrides.clear()
    assert ready.status_code == 503
    assert "MongoDB" in ready.json()["detail"]
    assert (listing.status_code, listing.json()) == (503, {"detail": "database unavailable, retry later"})


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[tuple[str, dict[str, Any]]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append((event.command_name, dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_every_query_carries_max_time_ms(mongodb_url: str, app: FastAPI) -> None:
    log = CommandLog()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True, event_listeners=[log])
    repository = Repository(
        client[app.state.settings.mongodb_database],
        timeout_ms=1_234,
        relevance_candidates=50,
        related_candidates=50,
        stats_values=5,
    )
    try:
        await repository.ping()
        await repository.article(SEED.id)
        await repository.article(SEED.id, ("title",))
        spec = ArticleListParams(q="talks", entity=["gpe:china"]).to_filter()
        for sort in ArticleSort:
            _, position, _ = await repository.articles(spec, sort, limit=2, position=None)
            await repository.articles(spec, sort, limit=2, position=position)
        for entities in (EntityListParams(q="u"), EntityListParams(), EntityListParams(published_from="2023-03-01")):
            _, position, _ = await repository.entities(
                entities.to_filter(), days=entities.days(), limit=2, position=None
            )
            await repository.entities(entities.to_filter(), days=entities.days(), limit=2, position=position)
        await repository.entity("gpe:china")
        await repository.timeline("gpe:china", "week", start=None, end=None, buckets=10)
        for related in RelatedSort:
            await repository.related("gpe:china", related, limit=3, min_shared=1)
        await repository.stats()
    finally:
        await client.close()
    queries = [(name, command) for name, command in log.commands if name in ("find", "aggregate", "count", "ping")]
    assert {name for name, _ in queries} == {"find", "ping"}
    assert [name for name, command in queries if command.get("maxTimeMS") != 1_234] == []


async def test_a_query_over_its_time_limit_answers_503(app: FastAPI) -> None:
    class Slow:
        """Stands in for the repository: MongoDB reported that `maxTimeMS` ran out."""

        async def stats(self) -> None:
            raise ExecutionTimeout("operation exceeded time limit", 50)

    slow = Slow()
    app.dependency_overrides[get_repository] = lambda: slow
    try:
        async with anonymous(app, **{"X-API-Key": READ_KEY}) as client:
            response = await client.get("/v1/stats")
    finally:
        app.dependency_overrides.clear()
    assert response.status_code == 503
    assert response.json() == {
        "detail": f"the query took longer than {app.state.settings.query_timeout_ms} ms; narrow it"
    }


async def test_relevance_over_its_scoring_budget_answers_503_with_retry_after(app: FastAPI) -> None:
    class Slow:
        """Stands in for the repository: scoring the candidates ran out of its budget."""

        async def articles(self, *_: Any, **__: Any) -> None:
            raise ScoringTimeout(0.1)

    slow = Slow()
    app.dependency_overrides[get_repository] = lambda: slow
    try:
        async with anonymous(app, **{"X-API-Key": READ_KEY}) as client:
            response = await client.get("/v1/articles", params={"q": "the", "sort": "relevance"})
    finally:
        app.dependency_overrides.clear()
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert "relevance" in response.json()["detail"]


# --- one article ---------------------------------------------------------------------------------------------


async def test_article_is_the_whole_stored_document(client: httpx.AsyncClient) -> None:
    for posted in (SEED, DOCS[0], next(doc for doc in DOCS if doc.status == "failed")):
        doc = linked(posted)  # as stored: each entity linked to its corpus entity
        response = await client.get(f"/v1/articles/{doc.id}")
        assert response.status_code == 200
        assert response.json() == doc.model_dump(mode="json")
        assert ArticleDocument.model_validate(response.json()) == doc


async def test_fields_choose_top_level_fields(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/v1/articles/{SEED.id}", params={"fields": "title,entities,published_at,summary"})
    assert response.status_code == 200
    whole = linked(SEED).model_dump(mode="json")
    assert response.json() == {name: whole[name] for name in ("id", "title", "entities", "published_at", "summary")}


@pytest.mark.parametrize("fields", ["title,password", "search_terms", "_id", "title,,body", "title;body", "Title"])
async def test_unknown_or_malformed_fields_are_422(client: httpx.AsyncClient, fields: str) -> None:
    response = await client.get(f"/v1/articles/{SEED.id}", params={"fields": fields})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(("invalid request", "fields names an unknown field"))


async def test_unknown_article_is_404_until_the_worker_stores_it(mongodb_url: str, database_name: str) -> None:
    late = corpus(1, namespace="late")[0]
    try:
        async with serving(query_settings(mongodb_url, database_name)) as (_, client):
            missing = await client.get(f"/v1/articles/{late.id}")
            assert (missing.status_code, missing.json()) == (404, {"detail": f"article {late.id} not found"})
            await store(mongodb_url, database_name, [late])
            assert (await client.get(f"/v1/articles/{late.id}")).json()["id"] == late.id
    finally:
        await drop(mongodb_url, database_name)


@pytest.mark.parametrize("bad_id", ["nothex", "0123456789ABCDEF", "0123456789abcdef0", '{"$ne":1}', "0123"])
async def test_malformed_article_id_is_422(client: httpx.AsyncClient, bad_id: str) -> None:
    response = await client.get(f"/v1/articles/{bad_id}")
    assert response.status_code == 422
    assert "article_id" in response.json()["detail"]


# --- listings ------------------------------------------------------------------------------------------------

FILTERS: list[dict[str, Any]] = [
    {},
    {"entity": "gpe:china"},
    {"entity": ["gpe:china", "gpe:ukraine"]},
    {"entity": ["person:qin-gang", "org:united-nations", "gpe:china"]},
    {"entity": "gpe:beijing"},
    {"label": "PERSON"},
    {"label": "LAW"},
    {"source": "El País"},
    {"source": "Reuters"},
    {"language": "fr"},
    {"status": "failed"},
    {"q": "talks"},
    {"q": "PEACE Talks"},
    {"q": "cafe ZURICH"},
    {"q": "Café Zürich"},
    {"q": "são paulo"},
    {"q": "NAIVE proposal"},
    {"published_from": "2023-06-01"},
    {"published_to": "2023-03-01T00:00:00Z"},
    {"published_from": "2023-04-01T00:00:00+02:00", "published_to": "2023-05-01"},
    {"entity": "gpe:china", "language": "en"},
    {"q": "talks", "source": "AP"},
    {"label": "ORG", "status": "enriched", "published_from": "2023-02-01", "published_to": "2023-10-01"},
    {"entity": "gpe:ukraine", "q": "mattered", "label": "PERSON", "source": "Le Monde", "language": "en"},
    {"source": "Reuters", "status": "failed"},
    {"entity": "gpe:china", "label": "LAW", "published_from": "2023-01-01"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "all")
async def test_every_filter_and_combination_matches_the_oracle(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    expected = oracle(ALL, params)
    assert newest_first(expected) == [
        item["id"] for item in await all_pages(client, "/v1/articles", params | {"limit": 17})
    ]
    by_published = await all_pages(client, "/v1/articles", params | {"limit": 23, "sort": "published_at"})
    assert [item["id"] for item in by_published] == published_first(expected)


async def test_filters_select_something_worth_checking() -> None:
    """The oracle cases are not vacuous: most select some but not all articles."""
    sizes = [len(oracle(ALL, params)) for params in FILTERS]
    assert sum(0 < size < len(ALL) for size in sizes) >= len(FILTERS) - 3
    assert len(oracle(ALL, {"q": "cafe zurich"})) == len(oracle(ALL, {"q": "CAFÉ ZÜRICH"})) > 0


async def test_list_items_carry_summary_and_top_entities(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/articles", params={"entity": "gpe:beijing"})
    (item,) = response.json()["items"]
    assert item["id"] == SEED.id
    assert item["title"] == SEED.title
    assert item["source"] == "China Daily"
    assert item["published_at"] == "2023-03-17T00:00:00Z"
    assert item["status"] == "enriched"
    assert SEED.summary is not None and item["summary"] == SEED.summary.text
    assert [entity["id"] for entity in item["entities"]] == [
        "gpe:china",
        "gpe:ukraine",
        "person:qin-gang",
        "person:dmytro-kuleba",
        "gpe:beijing",
    ]
    assert set(item["entities"][0]) == {"id", "name", "label", "salience"}
    assert item["score"] is None


async def test_relevance_ranks_by_length_normalised_term_frequency(client: httpx.AsyncClient) -> None:
    params: dict[str, Any] = {"q": "Talks mattered", "sort": "relevance", "limit": 9}
    items = await all_pages(client, "/v1/articles", params)
    matching = oracle(ALL, params)
    expected = sorted(
        ((relevance.score(("talks", "mattered"), title=doc.title, summary=summary(doc)), doc.id) for doc in matching),
        reverse=True,
    )
    assert [(item["score"], item["id"]) for item in items] == expected
    assert len(items) == len(matching) > 9
    # Title words weigh 3x: among equally long texts, the one with the word in its title ranks higher.
    assert relevance.score(("talks",), title="talks", summary="x y") > relevance.score(
        ("talks",), title="x", summary="talks y"
    )
    # Every match was ranked: fewer than the candidates (`NEWSFLOW_RELEVANCE_CANDIDATES`).
    assert (await client.get("/v1/articles", params=params)).json()["estimate"] is False


async def test_relevance_needs_q(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/articles", params={"sort": "relevance"})
    assert (response.status_code, response.json()) == (422, {"detail": "sort=relevance needs q"})


async def test_pages_have_no_duplicates_or_gaps_while_articles_arrive(mongodb_url: str, database_name: str) -> None:
    """Keyset cursors: new articles arriving between pages never shift, repeat or hide the original ones."""
    original = corpus(60, seed=7, namespace="paging")
    present = list(original)
    stamps = [max(doc.received_at for doc in original)]
    await store(mongodb_url, database_name, original)

    async def paginate(client: httpx.AsyncClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = (await client.get(path, params=params | ({"cursor": cursor} if cursor else {}))).json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
            # Received now (as ingest stamps them, in whole milliseconds, strictly after anything before), and
            # stored before the next page is asked for.
            now = datetime.now(UTC)
            now = max(now.replace(microsecond=now.microsecond // 1000 * 1000), stamps[-1]) + timedelta(milliseconds=1)
            stamps.append(now)
            arriving = [
                doc.model_copy(update={"received_at": now})
                for doc in corpus(2, seed=len(present), namespace=f"arriving-{len(present)}")
            ]
            await store(mongodb_url, database_name, arriving)
            present.extend(arriving)

    try:
        async with serving(query_settings(mongodb_url, database_name, relevance_candidates=500)) as (_, client):
            before = list(present)
            newest = await paginate(client, "/v1/articles", {"limit": 7})
            assert [item["id"] for item in newest] == newest_first(before)

            before = list(present)
            ranked = await paginate(client, "/v1/articles", {"q": "mattered", "sort": "relevance", "limit": 6})
            expected = sorted(
                ((relevance.score(("mattered",), title=doc.title, summary=summary(doc)), doc.id) for doc in before),
                reverse=True,
            )
            assert [(item["score"], item["id"]) for item in ranked] == expected

            before = list(present)
            published = await paginate(client, "/v1/articles", {"sort": "published_at", "limit": 8})
            ids = [item["id"] for item in published]
            assert len(ids) == len(set(ids))
            assert {doc.id for doc in before} <= set(ids)
            keys = [(item["published_at"] is not None, item["published_at"] or "", item["id"]) for item in published]
            assert keys == sorted(keys, reverse=True)

            # Entity counts are live: an entity whose count holds still while paging is listed exactly once,
            # with that count; one whose count changes may be listed twice or skipped, never with a count it
            # did not have, and the listing stays in ranking order.
            before = list(present)
            entities = await paginate(client, "/v1/entities", {"limit": 4})
            counts = Counter(entity.id for doc in before for entity in doc.entities)
            after = Counter(entity.id for doc in present for entity in doc.entities)
            listed = [(item["id"], item["articles"]) for item in entities]
            steady = {entity for entity, count in counts.items() if after[entity] == count}
            assert sorted(pair for pair in listed if pair[0] in steady) == sorted((e, counts[e]) for e in steady)
            assert all(counts[entity] <= count <= after[entity] for entity, count in listed)
            assert [(-count, entity) for entity, count in listed] == sorted(
                (-count, entity) for entity, count in listed
            )
            assert len(steady) >= 3  # the check above is not vacuous
        assert len(present) > len(original) + 20
    finally:
        await drop(mongodb_url, database_name)


# --- cursors and hostile input -------------------------------------------------------------------------------


async def test_tampered_garbled_or_foreign_cursors_are_400(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/articles", params={"limit": 5, "language": "en"})).json()
    cursor = first["next_cursor"]
    assert cursor is not None
    tampered = ("B" if cursor[0] != "B" else "C") + cursor[1:]
    payload, _, signature = cursor.rpartition(".")
    for bad in (tampered, "not-a-cursor", "", f"{payload}.{signature[::-1]}", "W10.abc", cursor + "x"):
        response = await client.get("/v1/articles", params={"limit": 5, "language": "en", "cursor": bad})
        assert (response.status_code, response.json()) == (400, {"detail": "invalid cursor"}), bad
    foreign = await client.get("/v1/articles", params={"limit": 5, "language": "fr", "cursor": cursor})
    assert foreign.status_code == 400
    assert "different query" in foreign.json()["detail"]
    other_sort = await client.get("/v1/articles", params={"language": "en", "sort": "published_at", "cursor": cursor})
    assert other_sort.status_code == 400
    too_long = await client.get("/v1/articles", params={"cursor": "a" * 513})
    assert too_long.status_code == 422
    # The page size may change between pages; the position holds.
    second = await client.get("/v1/articles", params={"limit": 3, "language": "en", "cursor": cursor})
    assert [item["id"] for item in second.json()["items"]] == newest_first(oracle(ALL, {"language": "en"}))[5:8]


async def test_operator_shaped_parameters_are_422_or_literal(client: httpx.AsyncClient) -> None:
    for unknown in ("entity[$ne]=x", "source[$regex]=.*", "status[$ne]=failed", "language[$exists]=true", "$where=1"):
        response = await client.get(f"/v1/articles?limit=5&{unknown}")
        assert response.status_code == 422, unknown
        assert unknown.split("=")[0] in response.json()["detail"]
    for literal in ('source={"$regex": ".*"}', "source=.*", 'source={"$ne": null}'):
        response = await client.get("/v1/articles", params=dict([literal.split("=", 1)]))
        assert (response.status_code, response.json()["items"]) == (200, []), literal
    gt = await client.get("/v1/articles", params={"q": '{"$gt": ""}'})
    assert gt.status_code == 200
    assert [item["id"] for item in gt.json()["items"]] == newest_first(oracle(ALL, {"q": "gt"}))


@pytest.mark.parametrize(
    "query",
    [
        "entity=$ne",
        'entity={"$ne":"x"}',
        "entity=gpe:china&entity=GPE:china",
        "status=$ne",
        'label={"$exists":true}',
        "language=.*",
        "sort=$natural",
        "limit=0",
        "limit=101",
        "limit=ten",
        "published_from=yesterday",
        "q=" + "a" * 201,
        "q=!!!",
        "&".join(f"entity=gpe:e{n}" for n in range(11)),
        "source=" + "s" * 301,
    ],
)
async def test_invalid_parameters_are_422(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/v1/articles?{query}")
    assert response.status_code == 422
    assert set(response.json()) <= {"detail", "errors"}


# --- indexes -------------------------------------------------------------------------------------------------


def stages(plan: dict[str, Any]) -> list[str]:
    found = [plan.get("stage", "")]
    for child in [plan.get("inputStage"), *plan.get("inputStages", [])]:
        if child:
            found += stages(child)
    return found


@pytest.mark.parametrize(
    "params",
    [
        {"entity": ["gpe:china"]},
        {"label": "GPE"},
        {"source": "Reuters"},
        {"language": "fr"},
        {"status": "failed"},
        {"q": "talks"},
        {"published_from": "2023-03-01", "published_to": "2023-04-01"},
        {"published_from": "2023-03-01"},
        {"sort": "received_at"},
        {"sort": "published_at"},
        {"q": "Zürich", "sort": "relevance"},
    ],
    ids=lambda params: ",".join(params),
)
async def test_each_single_filter_and_sort_is_served_by_an_index(app: FastAPI, params: dict[str, Any]) -> None:
    """Built by the same `ArticleListParams.to_filter` and `article_filter` the endpoint uses."""
    listing = ArticleListParams.model_validate(params)
    repository: Repository = app.state.repository
    plan = await repository.explain(listing.to_filter(), listing.sort)
    assert "IXSCAN" in stages(plan), plan
    assert "COLLSCAN" not in stages(plan)


async def test_sort_only_listings_read_a_window_of_the_sort_index(app: FastAPI) -> None:
    """SecantusDB sorts the window in memory (mongod walks the index in order): the window bounds that work."""
    repository: Repository = app.state.repository
    for sort in (ArticleSort.RECEIVED_AT, ArticleSort.PUBLISHED_AT):
        plan = await repository.explain(ArticleListParams().to_filter(), sort)
        assert "IXSCAN" in stages(plan), plan
        assert "COLLSCAN" not in stages(plan)


# --- the seed article ----------------------------------------------------------------------------------------


async def test_seed_article_is_found_by_words_entities_and_source(client: httpx.AsyncClient) -> None:
    for params in (
        {"q": "Ukraine dialogue"},
        {"q": "BEIJING calls"},
        {"q": "one-China principle"},
        {"entity": ["person:qin-gang", "gpe:beijing"]},
        {"source": "China Daily", "published_from": "2023-03-17", "published_to": "2023-03-18"},
    ):
        ids = [item["id"] for item in (await client.get("/v1/articles", params=params)).json()["items"]]
        assert SEED.id in ids, params
        assert ids == newest_first(oracle(ALL, params))
    assert len(oracle(ALL, {"q": "Ukraine dialogue"})) == 1
