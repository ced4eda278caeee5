"""Posting articles through ingest the way a client would: concurrently, retrying 503 after Retry-After."""

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

# A client gives up on an article after this long; a fault test that reaches it fails (nothing was accepted).
GIVE_UP_S = 300.0
# Waits longer than this are shortened: the suite has to finish, and the server only asks for a minimum.
MAX_RETRY_AFTER_S = 5.0


@dataclass
class Posted:
    """What the client saw: the ids that got 202 (each accepted article once), and every other answer."""

    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: int = 0
    answers: Counter[str] = field(default_factory=Counter)

    def record(self, answer: str) -> None:
        self.answers[answer] += 1


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(MAX_RETRY_AFTER_S, max(0.1, float(response.headers.get("retry-after", "1"))))
    except ValueError:
        return 1.0


async def _post_until_accepted(client: httpx.AsyncClient, url: str, article: dict[str, Any], posted: Posted) -> None:
    deadline = time.monotonic() + GIVE_UP_S
    while time.monotonic() < deadline:
        posted.posts += 1
        try:
            response = await client.post(url, json=article)
        except httpx.TransportError as exc:
            posted.record(type(exc).__name__)
            await asyncio.sleep(1)
            continue
        posted.record(str(response.status_code))
        if response.status_code == 202:
            posted.accepted[response.json()["id"]] = article
            return
        if response.status_code in (429, 503):
            await asyncio.sleep(_retry_after(response))
            continue
        raise AssertionError(f"ingest answered {response.status_code}: {response.text[:300]}")
    raise AssertionError(f"ingest did not accept an article within {GIVE_UP_S}s")


async def post_articles(
    ingest_url: str, api_key: str, articles: Sequence[dict[str, Any]], *, spread_s: float, concurrency: int = 24
) -> Posted:
    """POST each article to /v1/articles, starting them evenly over `spread_s` with at most `concurrency` in flight."""
    posted = Posted()
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers={"X-API-Key": api_key}, timeout=30, limits=limits) as client:

        async def post_one(index: int, article: dict[str, Any]) -> None:
            await asyncio.sleep(max(0.0, started + spread_s * index / len(articles) - time.monotonic()))
            async with gate:
                await _post_until_accepted(client, f"{ingest_url}/v1/articles", article, posted)

        await asyncio.gather(*(post_one(index, article) for index, article in enumerate(articles)))
    return posted
