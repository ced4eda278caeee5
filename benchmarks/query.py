"""Part 5: the query service against the bare PyMongo async driver: the same reads, server and concurrency.

The collection is filled to `stored` articles by cloning the enriched corpus documents under new ids,
written straight through the driver (`to_mongo`), as the worker would have stored them.
"""

import hashlib
import random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from pymongo import DESCENDING
from pymongo.errors import ExecutionTimeout

from benchmarks.environment import Environment
from benchmarks.measure import Run, interleaved, ratio, run_concurrently
from services.query.params import ENTITY_ID_PATTERN
from services.query.repository.articles import ITEM_PROJECTION
from shared.database import Document, from_mongo, to_mongo

INSERT_CHUNK = 500
PAGE_LIMIT = 20  # the listing's default `limit`; the service reads one more to know whether a page follows
TIMEOUT_MS = 5_000  # the service's default `maxTimeMS`
WARM_UP_REQUESTS = 50
ROUNDS = 4  # the driver and the service take turns (measure.interleaved)
SEED = 7
# What the query API accepts as an entity id (anything else it answers 422).
QUERYABLE_ENTITY = re.compile(ENTITY_ID_PATTERN)


def _clone_id(index: int) -> str:
    return hashlib.sha256(f"bench-clone-{index}".encode()).hexdigest()[:16]


async def fill(env: Environment, stored: int) -> tuple[list[str], list[str]]:
    """Clone the enriched documents up to `stored` in all; returns every id and every entity occurrence."""
    originals = [from_mongo(doc) async for doc in env.articles.find({"status": "enriched"})]
    if not originals:
        raise RuntimeError("the query part needs enriched documents: run it after the end-to-end part")
    have = await env.stored()
    clones = []
    for index in range(max(0, stored - have)):
        source = originals[index % len(originals)]
        update = {"id": _clone_id(index), "received_at": source.received_at + timedelta(milliseconds=index + 1)}
        clones.append(to_mongo(source.model_copy(update=update)))
    for start in range(0, len(clones), INSERT_CHUNK):
        await env.articles.insert_many(clones[start : start + INSERT_CHUNK], ordered=False)
    ids = [doc["_id"] async for doc in env.articles.find({}, {"_id": 1})]
    occurrences = [entity.id for doc in originals for entity in doc.entities]
    return ids, occurrences


async def _service(env: Environment, paths: Sequence[str], in_flight: int) -> Run:
    async def get(path: str) -> int:
        status, answer = await env.query_load.request("GET", path)
        if status == 503:  # over the service's time limit: counted as failed, as the driver's timeouts are
            return 0
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {answer[:300]!r}")
        return 1

    return await run_concurrently([partial(get, path) for path in paths], in_flight=in_flight)


async def _driver(calls: Sequence[Callable[[], Awaitable[Any]]], in_flight: int) -> Run:
    async def one(call: Callable[[], Awaitable[Any]]) -> int:
        try:
            found = await call()
        except ExecutionTimeout:
            return 0
        if found is None:
            raise RuntimeError("the driver found nothing where the service found an article")
        return 1

    return await run_concurrently([partial(one, call) for call in calls], in_flight=in_flight)


async def measure(
    env: Environment, *, stored: int, requests: int, entity_requests: int, in_flight: int
) -> dict[str, Any]:
    """`requests` by id and `entity_requests` entity filters, each through the service and the driver."""
    started = time.perf_counter()
    ids, occurrences = await fill(env, stored)
    filled_s = time.perf_counter() - started
    queryable = [entity for entity in occurrences if QUERYABLE_ENTITY.match(entity)]
    chooser = random.Random(SEED)
    by_id = [chooser.choice(ids) for _ in range(requests)]
    # Drawn per occurrence, so frequent entities (the ones people filter by) come up as often as in the data.
    by_entity = [chooser.choice(queryable) for _ in range(entity_requests)]
    collection = env.articles

    def find_one(article: str) -> Callable[[], Awaitable[Document | None]]:
        return lambda: collection.find_one({"_id": article}, None, max_time_ms=TIMEOUT_MS)

    def find_page(entity: str) -> Callable[[], Awaitable[list[Document]]]:
        sort = [("received_at", DESCENDING), ("_id", DESCENDING)]
        return lambda: collection.find(
            {"entities.id": entity}, ITEM_PROJECTION, sort=sort, limit=PAGE_LIMIT + 1, max_time_ms=TIMEOUT_MS
        ).to_list()

    def share(items: list[str], index: int) -> list[str]:
        return items[index::ROUNDS]

    await _driver([find_one(article) for article in by_id[:WARM_UP_REQUESTS]], in_flight)
    await _service(env, [f"/v1/articles/{article}" for article in by_id[:WARM_UP_REQUESTS]], in_flight)
    runs: dict[str, Run] = {}
    runs["by_id_driver"], runs["by_id_service"] = await interleaved(
        (
            lambda index: _driver([find_one(article) for article in share(by_id, index)], in_flight),
            lambda index: _service(env, [f"/v1/articles/{article}" for article in share(by_id, index)], in_flight),
        ),
        ROUNDS,
    )
    runs["entity_driver"], runs["entity_service"] = await interleaved(
        (
            lambda index: _driver([find_page(entity) for entity in share(by_entity, index)], in_flight),
            lambda index: _service(
                env, [f"/v1/articles?entity={entity}" for entity in share(by_entity, index)], in_flight
            ),
        ),
        ROUNDS,
    )
    by_id_ratio = ratio(runs["by_id_service"].per_s, runs["by_id_driver"].per_s)
    entity_ratio = ratio(runs["entity_service"].per_s, runs["entity_driver"].per_s)
    return {
        "stored_articles": len(ids),
        "fill_s": round(filled_s, 1),
        "distinct_entities": len(set(occurrences)),
        "unqueryable_entity_ids": sorted({entity for entity in occurrences if not QUERYABLE_ENTITY.match(entity)}),
        **{name: {**run.summary("requests"), "failed": run.operations - run.items} for name, run in runs.items()},
        "by_id_vs_driver": by_id_ratio,
        "entity_vs_driver": entity_ratio,
    }
