"""Hostile load against a running query process: expensive reads in parallel must not stall the probes.

Also, on the same processes, what a reader gets wrong otherwise: the date rule, unknown parameters, caching.

The service runs as `python -m services.query` (uvicorn, real sockets), over ~2,000 enriched articles whose
bodies are Wikinews texts, some carrying a run of U+FDFA (one character that NFKD expands 18-fold) as an
attacker with a write key could submit. Dozens of clients send relevance, stats and entity reads without
pause while `/healthz` and `/readyz` are probed; each probe must answer within a second (a bound generous
for two shared cores), and every refused read carries `Retry-After`.
"""

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from cli.recount import recount
from devstack.corpus import FOLDERS, read_folder
from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY, WRITE_KEY
from devstack.ports import free_port
from devstack.stack import Stack, wait_ready
from shared.database import ARTICLES, ensure_indexes, to_mongo
from shared.documents import ArticleDocument
from tests.integration.query_app import all_pages, drop, linked
from tests.integration.query_data import corpus

pytestmark = pytest.mark.integration

ARTICLE_COUNT = 2_000
# One article in fifty carries 20,000 characters of U+FDFA: 360,000 once decomposed.
HOSTILE_EVERY = 50
PARALLEL_READS = 30
LOAD_S = 8.0
PROBE_BOUND_S = 1.0


def corpus_bodies() -> list[str]:
    """Bodies of the Wikinews articles (everything after the title line and the blank line)."""
    return [article.body for name in FOLDERS for article in read_folder(name)]


def load_corpus() -> list[ArticleDocument]:
    """Generated enriched articles (valid entities and offsets) lengthened by a real news body each."""
    bodies = corpus_bodies()
    documents = []
    for n, generated in enumerate(corpus(ARTICLE_COUNT, namespace="load")):
        extra = bodies[n % len(bodies)]
        if n % HOSTILE_EVERY == 0:
            extra += " Muhammad " + "\ufdfa" * 20_000
        # Appended, so the entity offsets and summary spans into the generated start stay right.
        documents.append(generated.model_copy(update={"body": f"{generated.body}\n\n{extra}"}))
    return documents


@pytest.fixture(scope="module")
async def loaded_database(mongodb_url: str) -> AsyncIterator[str]:
    name = f"newsflow_load_{uuid.uuid4().hex[:10]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        await ensure_indexes(client[name])
        stored = [to_mongo(linked(document)) for document in load_corpus()]
        for start in range(0, len(stored), 250):
            await client[name][ARTICLES].insert_many(stored[start : start + 250])
        await recount(client[name], write=True)
    finally:
        await client.close()
    try:
        yield name
    finally:
        await drop(mongodb_url, name)


@contextmanager
def query_process(mongodb_url: str, database_name: str, log: Path, **settings: str) -> Iterator[str]:
    """`python -m services.query` on a free port, its logs in a file; yields its base URL."""
    port = free_port()
    env = {
        "NEWSFLOW_MONGODB_URL": mongodb_url,
        "NEWSFLOW_MONGODB_DATABASE": database_name,
        "NEWSFLOW_API_KEYS": API_KEYS,
        "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
        "NEWSFLOW_PORT": str(port),
        "NEWSFLOW_LOG_LEVEL": "WARNING",
    } | {f"NEWSFLOW_{key.upper()}": value for key, value in settings.items()}
    process = Stack(env=env, log_dir=log.parent).start("query", name=log.stem)
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", processes=[process])
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


@pytest.fixture(scope="module")
def service(mongodb_url: str, loaded_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("query-load") / "query.log"
    with query_process(mongodb_url, loaded_database, log) as url:
        yield url


EXPENSIVE_READS: list[tuple[str, dict[str, str | int]]] = [
    *[("/v1/articles", {"q": word, "sort": "relevance", "limit": 20}) for word in ("the", "said", "of", "talks", "in")],
    ("/v1/stats", {}),
    ("/v1/entities", {"limit": 100}),
    ("/v1/entities/gpe:china", {}),
    ("/v1/entities/gpe:china/related", {"sort": "lift"}),
]


async def probe(client: httpx.AsyncClient, path: str, stop: asyncio.Event) -> list[float]:
    """Latencies of `path`, one probe after another until `stop` (a probe that fails counts as infinite)."""
    latencies = []
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = await client.get(path, timeout=30)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        latencies.append(time.monotonic() - started if ok else float("inf"))
        await asyncio.sleep(0.1)
    return latencies


async def hammer(client: httpx.AsyncClient, first: int, until: float) -> list[httpx.Response]:
    """Expensive reads one after another until `until`, as a hostile client would: refusals are not waited out."""
    answers = []
    for n in itertools.count(first):
        path, params = EXPENSIVE_READS[n % len(EXPENSIVE_READS)]
        answers.append(await client.get(path, params=params))
        if time.monotonic() >= until:
            return answers
    raise AssertionError("unreachable")


async def ping_latencies(mongodb_url: str, stop: asyncio.Event) -> list[float]:
    """The database's own ping latency meanwhile: what `/readyz` cannot be faster than."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    latencies = []
    try:
        while not stop.is_set():
            started = time.monotonic()
            await client.admin.command("ping")
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.1)
    finally:
        await client.close()
    return latencies


async def test_probes_answer_within_a_second_while_expensive_reads_run(service: str, mongodb_url: str) -> None:
    limits = httpx.Limits(max_connections=PARALLEL_READS + 10)
    async with (
        httpx.AsyncClient(base_url=service, headers={"X-API-Key": READ_KEY}, limits=limits, timeout=300) as reads,
        httpx.AsyncClient(base_url=service) as probes,
    ):
        assert (await probes.get("/readyz")).status_code == 200
        stop = asyncio.Event()
        health = asyncio.create_task(probe(probes, "/healthz", stop))
        ready = asyncio.create_task(probe(probes, "/readyz", stop))
        database = asyncio.create_task(ping_latencies(mongodb_url, stop))
        started = time.monotonic()
        until = started + LOAD_S
        answers = [
            answer
            for answers in await asyncio.gather(*(hammer(reads, n, until) for n in range(PARALLEL_READS)))
            for answer in answers
        ]
        elapsed = time.monotonic() - started
        stop.set()
        latencies = {"/healthz": await health, "/readyz": await ready}
        pings = await database
    statuses = Counter(response.status_code for response in answers)
    worst = {path: round(max(values), 3) for path, values in latencies.items()}
    load = f"{PARALLEL_READS} clients, {len(answers)} reads in {elapsed:.1f} s: {dict(statuses)}"
    print(f"\n{load}; slowest probes {worst}, slowest database ping {max(pings):.3f} s")
    assert set(statuses) <= {200, 429, 503}, statuses
    assert all("retry-after" in response.headers for response in answers if response.status_code != 200)
    assert statuses[200] >= 2, "expensive reads are still served"
    for path, values in latencies.items():
        assert len(values) >= 5 and max(values) < PROBE_BOUND_S, (path, sorted(values)[-5:])


async def test_a_reader_over_its_rate_gets_429_and_others_and_cheap_reads_do_not(
    mongodb_url: str, loaded_database: str, tmp_path: Path
) -> None:
    with query_process(mongodb_url, loaded_database, tmp_path / "query.log", read_rate_limit="3/minute") as url:
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": READ_KEY}, timeout=60) as client:
            answers = [await client.get("/v1/stats") for _ in range(4)]
            assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
            assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
            assert "rate limit" in answers[-1].json()["detail"]
            cheap = await client.get("/v1/articles", params={"limit": 5})
            assert cheap.status_code == 200
            other = await client.get("/v1/stats", headers={"X-API-Key": WRITE_KEY})
            assert other.status_code == 200
        async with httpx.AsyncClient(base_url=url) as probes:
            assert (await probes.get("/healthz")).status_code == 200


async def test_public_reads_are_limited_per_client_address_whatever_key_is_sent(
    mongodb_url: str, loaded_database: str, tmp_path: Path
) -> None:
    settings = {"read_rate_limit": "2/minute", "public_reads": "true"}
    with query_process(mongodb_url, loaded_database, tmp_path / "query.log", **settings) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            statuses = [
                (
                    await client.get("/v1/entities", params={"limit": 1}, headers={"X-API-Key": f"made-up-{n}"})
                ).status_code
                for n in range(3)
            ]
    assert statuses == [200, 200, 429]


async def test_relevance_ranks_a_bounded_candidate_set_whatever_the_bodies(
    mongodb_url: str, loaded_database: str, tmp_path: Path
) -> None:
    """The newest matches are ranked by title and summary: a word in every article, among bodies of 360,000
    characters once normalised, is ranked well within the smallest scoring budget, and says it is an estimate."""
    with query_process(mongodb_url, loaded_database, tmp_path / "query.log", relevance_budget_ms="100") as url:
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": READ_KEY}, timeout=60) as client:
            common = await client.get("/v1/articles", params={"q": "the", "sort": "relevance"})
            assert common.status_code == 200, common.text
            assert (len(common.json()["items"]), common.json()["estimate"]) == (20, True)
            none = await client.get("/v1/articles", params={"q": "the", "sort": "relevance", "source": "nowhere"})
            assert (none.status_code, none.json()["items"], none.json()["estimate"]) == (200, [], False)


async def test_q_is_bounded_once_normalised(service: str) -> None:
    async with httpx.AsyncClient(base_url=service, headers={"X-API-Key": READ_KEY}, timeout=60) as client:
        # 30 characters that NFKD turns into 540 (each U+FDFA is an 18-character phrase).
        expanding = await client.get("/v1/articles", params={"q": "\ufdfa" * 30, "sort": "relevance"})
        assert expanding.status_code == 422
        assert "normalised" in expanding.json()["detail"]
        plain = await client.get("/v1/articles", params={"q": "\ufdfa" * 5, "limit": 1})
        assert plain.status_code == 200


async def published_on(mongodb_url: str, database_name: str, day: datetime) -> list[str]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        query = {"published_at": {"$gte": day, "$lt": day + timedelta(days=1)}}
        return sorted([doc["_id"] async for doc in client[database_name][ARTICLES].find(query, {"_id": 1})])
    finally:
        await client.close()


async def test_a_date_alone_as_the_end_includes_that_day_and_a_datetime_stays_exclusive(
    service: str, mongodb_url: str, loaded_database: str
) -> None:
    day = datetime(2023, 3, 17, tzinfo=UTC)
    expected = await published_on(mongodb_url, loaded_database, day)
    assert expected, "the corpus has articles published on the day"
    async with httpx.AsyncClient(base_url=service, headers={"X-API-Key": READ_KEY}, timeout=60) as client:

        async def ids(**params: str) -> list[str]:
            # Every page: a bounded read may answer a short page with a cursor to the rest.
            return sorted(item["id"] for item in await all_pages(client, "/v1/articles", {"limit": "100", **params}))

        assert await ids(published_from="2023-03-17", published_to="2023-03-17") == expected
        assert await ids(published_from="2023-03-17", published_to="2023-03-17T00:00:00Z") == []
        assert await ids(published_from="2023-03-17T00:00:00Z", published_to="2023-03-18T00:00:00Z") == expected
        whole_day = await client.get(
            "/v1/entities", params={"published_from": "2023-03-17", "published_to": "2023-03-17"}
        )
        assert whole_day.status_code == 200 and whole_day.json()["items"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles?entitiy=gpe:china",
        "/v1/articles?limit=5&sort=relevance&q=talks&qq=talks",
        "/v1/articles/0123456789abcdef?field=title",
        "/v1/entities?label=GPE&lable=GPE",
        "/v1/entities/gpe:china?limit=5",
        "/v1/entities/gpe:china/related?sort=lift&min_share=2",
        "/v1/stats?source=AP",
    ],
)
async def test_unknown_query_parameters_are_422_naming_them(service: str, path: str) -> None:
    unknown = path.rsplit("&", 1)[-1].rsplit("?", 1)[-1].split("=")[0]
    async with httpx.AsyncClient(base_url=service, headers={"X-API-Key": READ_KEY}, timeout=60) as client:
        response = await client.get(path)
    assert response.status_code == 422, response.text
    assert unknown in response.json()["detail"]


async def test_answers_that_need_a_key_are_not_stored_by_caches(service: str) -> None:
    async with httpx.AsyncClient(base_url=service, timeout=60) as client:
        keyed = {"X-API-Key": READ_KEY}
        for path in ("/v1/articles?limit=1", "/v1/entities?limit=1", "/v1/stats", "/v1/articles/0123456789abcdef"):
            response = await client.get(path, headers=keyed)
            assert response.status_code in (200, 404), path
            assert response.headers["cache-control"] == "no-store", path
        assert (await client.get("/v1/stats")).headers["cache-control"] == "no-store"  # the 401 too
        assert "cache-control" not in (await client.get("/healthz")).headers
