"""Part 2 (and 6): one worker, articles/s from the first POST to the last stored document; its peak memory; and
the same with the entity registry off (`NEWSFLOW_ENTITY_REGISTRY=false`), for what the registry costs."""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.environment import Environment
from benchmarks.measure import CpuMeter, RssSampler, wait_until
from devstack.corpus import CorpusArticle

POLL_S = 0.1  # how often the stored count is read near the end (each count costs the database CPU)
FAR_POLL_S = 0.5  # ... and while many articles are still to come
MODEL_LOAD_TIMEOUT_S = 180
NEAR_THE_END = 32  # articles: two batches of the default size


async def stored_timeline(env: Environment, count: int, *, timeout_s: float) -> list[tuple[float, int]]:
    """(time, stored articles) samples until `count` are stored; the last one is when they all were.

    Sampled every FAR_POLL_S while more than two batches are missing, then every POLL_S.
    """
    deadline = time.perf_counter() + timeout_s
    samples: list[tuple[float, int]] = []
    while not samples or samples[-1][1] < count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{count} stored articles not reached within {timeout_s:.0f}s")
        samples.append((time.perf_counter(), await env.stored()))
        await asyncio.sleep(FAR_POLL_S if count - samples[-1][1] > NEAR_THE_END else POLL_S)
    return samples


def drain_timeout_s(articles: int) -> float:
    """Generous: a worker far slower than expected (1 article/s) still finishes."""
    return MODEL_LOAD_TIMEOUT_S + articles


async def measure(
    env: Environment, articles: Sequence[CorpusArticle], warm_up: CorpusArticle, **worker_env: str
) -> dict[str, Any]:
    """One worker (with `worker_env` added to its environment) from an empty corpus."""
    await env.clear_articles()
    (worker,) = env.start_workers(1, **worker_env)
    try:
        # One article through the whole path first: the model is loaded and the worker is consuming.
        await env.post_batch([warm_up])
        await wait_until(lambda: env.has_stored(1), timeout_s=MODEL_LOAD_TIMEOUT_S, what="the warm-up article")
        await env.clear_articles()

        cpu = CpuMeter(env.service_pids)
        with RssSampler(lambda: [worker.proc.pid]) as memory:
            cpu.start()
            started = time.perf_counter()
            await env.post_all(articles)
            posted = time.perf_counter()
            timeline = await stored_timeline(env, len(articles), timeout_s=drain_timeout_s(len(articles)))
            finished = timeline[-1][0]
            cpu.stop()
        enriched = await env.articles.count_documents({"status": "enriched"})
    finally:
        await env.stop_workers([worker])
    seconds = finished - started
    return {
        "articles": len(articles),
        "words": sum(article.words for article in articles),
        "enriched": enriched,
        "failed": len(articles) - enriched,
        "posting_s": round(posted - started, 3),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(articles) / seconds, 2),
        "cpu_ms_per_article": cpu.per_article_ms(len(articles)),
        "worker_peak_rss_mb": memory.peak_mb,
        "rss_samples": memory.samples,
    }


async def registry_on_and_off(
    env: Environment, articles: Sequence[CorpusArticle], warm_up: CorpusArticle
) -> dict[str, Any]:
    """The end-to-end run with the entity registry on (as deployed) and off, one after the other on the same
    articles; `ratio` is on / off (the issue's goal: at least 0.9)."""
    on = await measure(env, articles, warm_up, NEWSFLOW_ENTITY_REGISTRY="true")
    off = await measure(env, articles, warm_up, NEWSFLOW_ENTITY_REGISTRY="false")
    return {"on": on, "off": off, "ratio": round(on["articles_per_s"] / off["articles_per_s"], 3)}
