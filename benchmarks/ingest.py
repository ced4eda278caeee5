"""Part 4: ingest alone (no workers), single and batch endpoint, against a bare confirmed-publish loop.

The bare loop publishes the same messages the way the ingest publisher does (persistent, mandatory, one
confirm awaited per message) with the same number in flight: the client's concurrency for the single
endpoint, the ingest's `publish_concurrency` for the batch endpoint.
"""

import json
import os
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from benchmarks.environment import Environment
from benchmarks.measure import Run, interleaved, ratio, run_concurrently
from devstack.corpus import CorpusArticle
from devstack.keys import WRITER
from services.ingest.settings import IngestSettings
from shared import broker, topology
from shared.articles import ArticleIn, article_id
from shared.messages import ArticleSubmitted

BATCH_ARTICLES = 100  # articles per batch request
WARM_UP_REQUESTS = 50
ROUNDS = 4  # the bare loop and the service take turns (measure.interleaved)


def _publish_concurrency() -> int:
    """The ingest's own in-flight bound for a batch (its default, or NEWSFLOW_PUBLISH_CONCURRENCY)."""
    default: int = IngestSettings.model_fields["publish_concurrency"].default
    return int(os.environ.get("NEWSFLOW_PUBLISH_CONCURRENCY", default))


async def _single_endpoint(env: Environment, bodies: Sequence[bytes], in_flight: int) -> Run:
    async def post(body: bytes) -> int:
        status, answer = await env.ingest_load.request("POST", "/v1/articles", body, "application/json")
        if status != 202:
            raise RuntimeError(f"POST /v1/articles answered {status}: {answer[:300]!r}")
        return 1

    return await run_concurrently([partial(post, body) for body in bodies], in_flight=in_flight)


async def _batch_endpoint(env: Environment, batches: Sequence[bytes], sizes: Sequence[int]) -> Run:
    async def post(body: bytes, size: int) -> int:
        status, answer = await env.ingest_load.request("POST", "/v1/articles:batch", body, "application/json")
        if status != 202 or len(json.loads(answer)["accepted"]) != size:
            raise RuntimeError(f"POST /v1/articles:batch answered {status}: {answer[:300]!r}")
        return size

    calls = [partial(post, body, size) for body, size in zip(batches, sizes, strict=True)]
    return await run_concurrently(calls, in_flight=1)


async def _bare_publish(env: Environment, messages: Sequence[tuple[str, bytes]], in_flight: int) -> Run:
    channel = await env.amqp.channel(publisher_confirms=True, on_return_raises=True)
    try:
        exchange = await channel.get_exchange(topology.EXCHANGE)

        async def publish(identifier: str, body: bytes) -> int:
            message = broker.persistent_message(body, message_id=identifier)
            await broker.publish_confirmed(exchange, message, topology.ARTICLE_ROUTING_KEY)
            return 1

        calls = [partial(publish, identifier, body) for identifier, body in messages]
        return await run_concurrently(calls, in_flight=in_flight)
    finally:
        await channel.close()


async def measure(env: Environment, articles: Sequence[CorpusArticle], *, in_flight: int) -> dict[str, Any]:
    """`in_flight`: concurrent single-article requests (and bare publishes to compare them with)."""
    bodies = [json.dumps(article.payload).encode() for article in articles]
    batches = [
        json.dumps([article.payload for article in articles[start : start + BATCH_ARTICLES]]).encode()
        for start in range(0, len(articles), BATCH_ARTICLES)
    ]
    sizes = [min(BATCH_ARTICLES, len(articles) - start) for start in range(0, len(articles), BATCH_ARTICLES)]
    now = datetime.now(UTC)
    messages = []
    for article in articles:
        validated = ArticleIn.model_validate(article.payload)
        submitted = ArticleSubmitted(id=article_id(validated, WRITER), owner=WRITER, article=validated, received_at=now)
        messages.append((submitted.id, submitted.model_dump_json().encode()))
    batch_in_flight = _publish_concurrency()

    await env.purge_queue()
    await _single_endpoint(env, bodies[:WARM_UP_REQUESTS], in_flight)
    await _bare_publish(env, messages[:WARM_UP_REQUESTS], in_flight)
    await env.purge_queue()

    def checked(name: str, measure_share: Callable[[int], Awaitable[Run]]) -> Callable[[int], Awaitable[Run]]:
        """One round's share, then a check that every message reached the queue, then an empty queue again."""

        async def run(index: int) -> Run:
            result = await measure_share(index)
            queued, _ = await env.queue()
            if queued < result.items:
                raise RuntimeError(f"{name}: {queued} messages in the queue, expected {result.items}")
            await env.purge_queue()
            return result

        return run

    def share(items: Sequence[Any], index: int) -> list[Any]:
        return list(items[index::ROUNDS])

    runs: dict[str, Run] = {}
    runs["bare_publish_single"], runs["single_endpoint"] = await interleaved(
        (
            checked("bare_publish_single", lambda index: _bare_publish(env, share(messages, index), in_flight)),
            checked("single_endpoint", lambda index: _single_endpoint(env, share(bodies, index), in_flight)),
        ),
        ROUNDS,
    )
    runs["bare_publish_batch"], runs["batch_endpoint"] = await interleaved(
        (
            checked("bare_publish_batch", lambda index: _bare_publish(env, share(messages, index), batch_in_flight)),
            checked(
                "batch_endpoint",
                lambda index: _batch_endpoint(env, share(batches, index), share(sizes, index)),
            ),
        ),
        ROUNDS,
    )

    single = ratio(runs["single_endpoint"].per_s, runs["bare_publish_single"].per_s)
    batch = ratio(runs["batch_endpoint"].per_s, runs["bare_publish_batch"].per_s)
    return {
        **{name: run.summary() for name, run in runs.items()},
        "batch_articles_per_request": BATCH_ARTICLES,
        "single_vs_bare": single,
        "batch_vs_bare": batch,
    }
