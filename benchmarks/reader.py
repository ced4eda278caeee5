"""Part 6: the web reader's pages against the API calls each one wraps, on the same stored articles.

One request at a time on loopback, so a request's latency is the server's time for it. A page's time is
set against the sum of its API calls' times, made one after another as a client of the API would; the
ratio is the page's overhead (rendering, and the facet counts and arrival counts no API call makes).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from benchmarks.environment import Environment
from benchmarks.http import HttpClient
from benchmarks.measure import alternated, ratio
from devstack.keys import READ_KEY
from services.query.web.session import KEY_COOKIE
from shared.database import ENTITIES

ROUNDS = 4  # pages and API calls take turns (measure.alternated)
WARM_UP = 5
SEARCH_WORDS = "government"


@dataclass(frozen=True)
class Case:
    name: str
    page: str
    api: tuple[str, ...]


async def _cases(env: Environment) -> list[Case]:
    """The pages, with an article of many entities and the entity of most articles."""
    db = env.mongo[env.pipeline.database]
    article = await env.articles.find_one({"status": "enriched", "entities.5": {"$exists": True}}, {"_id": 1})
    entity = await db[ENTITIES].find_one({"articles": {"$gt": 0}}, {"_id": 1}, sort=[("articles", -1)])
    if article is None or entity is None:
        raise RuntimeError("the reader part needs enriched articles with entities")
    article_id, entity_id = article["_id"], entity["_id"]
    return [
        Case("search", f"/?q={SEARCH_WORDS}", (f"/v1/articles?q={SEARCH_WORDS}",)),
        Case("search, all", "/", ("/v1/articles",)),
        Case("article", f"/articles/{article_id}", (f"/v1/articles/{article_id}",)),
        Case(
            "entity",
            f"/entities/{entity_id}",
            (
                f"/v1/entities/{entity_id}",
                f"/v1/entities/{entity_id}/timeline?interval=week",
                f"/v1/entities/{entity_id}/related?limit=10",
                f"/v1/entities/{entity_id}/related?sort=lift&limit=10&min_shared=2",
            ),
        ),
        Case("overview", "/overview", ("/v1/stats", "/v1/articles?limit=10")),
    ]


async def _timed(client: HttpClient, paths: Sequence[str]) -> float | None:
    """Seconds for the requests one after another; None when one was over the service's time limit (503)."""
    started = time.perf_counter()
    for path in paths:
        status, body = await client.request("GET", path)
        if status == 503:
            return None
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return time.perf_counter() - started


async def measure(env: Environment, *, requests: int) -> dict[str, Any]:
    """`requests` loads of each page and of its API calls (split over the rounds); medians and their ratio."""
    cases = await _cases(env)
    per_round = max(1, requests // ROUNDS)
    results: dict[str, Any] = {"stored_articles": await env.stored()}
    async with HttpClient(
        env.pipeline.query_url, headers={"Cookie": f"{KEY_COOKIE}={READ_KEY}"}, connections=1
    ) as pages:
        api = env.query_load
        for case in cases:
            for _ in range(WARM_UP):
                await _timed(pages, [case.page])
                await _timed(api, case.api)

            async def page_round(_: int, case: Case = case) -> list[float | None]:
                return [await _timed(pages, [case.page]) for _ in range(per_round)]

            async def api_round(_: int, case: Case = case) -> list[float | None]:
                return [await _timed(api, case.api) for _ in range(per_round)]

            api_runs, page_runs = await alternated((api_round, page_round), ROUNDS)
            api_times = [t for run in api_runs for t in run if t is not None]
            page_times = [t for run in page_runs for t in run if t is not None]
            api_ms = median(api_times) * 1000 if api_times else 0.0
            page_ms = median(page_times) * 1000 if page_times else 0.0
            results[case.name] = {
                "page": case.page,
                "api_calls": list(case.api),
                "page_p50_ms": round(page_ms, 2),
                "api_p50_ms": round(api_ms, 2),
                "ratio": ratio(page_ms, api_ms),
                "requests": per_round * ROUNDS,
                "over_time_limit": {
                    "page": per_round * ROUNDS - len(page_times),
                    "api": per_round * ROUNDS - len(api_times),
                },
            }
    return results
