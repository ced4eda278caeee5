"""Part 3: one worker, then two, draining the same pre-filled queue (one, two, two, one: see `measure`).

The queue is filled while no worker runs, then the workers start. Model loading is not what is measured, and
the workers do not finish loading at the same moment: the first one drains alone for a while and holds a
prefetch's worth of messages when the second one joins, and at the end one may still work on its last batch
while the other has nothing left. So the rate is the steady one: the slope of stored articles over time
(least squares over the sampled counts) between 10% and 90% of the articles left once every worker consumes.
The whole drain's rate from that moment is recorded too.
"""

import time
from collections.abc import Sequence
from typing import Any

from benchmarks.end_to_end import MODEL_LOAD_TIMEOUT_S, drain_timeout_s, stored_timeline
from benchmarks.environment import Environment
from benchmarks.measure import CpuMeter, RssSampler, alternated, ratio, wait_until
from devstack.corpus import CorpusArticle

STEADY_FROM, STEADY_TO = 0.1, 0.9
ROUNDS = 2  # one worker then two, two then one


async def drain(env: Environment, articles: Sequence[CorpusArticle], workers: int, **worker_env: str) -> dict[str, Any]:
    """Fill the queue with `articles`, start `workers` workers, time them until all are stored."""
    await env.clear_articles()
    await env.purge_queue()
    await env.post_all(articles)
    await wait_until(lambda: env.has_queued(len(articles)), timeout_s=30, what=f"{len(articles)} queued messages")

    processes = env.start_workers(workers, **worker_env)
    launched = time.perf_counter()
    try:
        with RssSampler(lambda: [process.proc.pid for process in processes]) as memory:
            started = await wait_until(
                lambda: env.has_consumers(workers), timeout_s=MODEL_LOAD_TIMEOUT_S, interval_s=0.05, what="consumers"
            )
            already = await env.stored()
            cpu = CpuMeter(env.service_pids)
            cpu.start()
            timeline = await stored_timeline(env, len(articles), timeout_s=drain_timeout_s(len(articles)))
            cpu.stop()
    finally:
        await env.stop_workers(processes)
    counted = len(articles) - already
    finished = timeline[-1][0]
    low, high = already + STEADY_FROM * counted, already + STEADY_TO * counted
    steady = _slope([(moment, stored) for moment, stored in timeline if low <= stored <= high])
    return {
        "workers": workers,
        "articles": counted,
        "stored_before_all_consumed": already,
        "articles_per_s": round(steady, 2),
        "whole_drain_articles_per_s": round(counted / (finished - started), 2),
        "seconds": round(finished - started, 3),
        "seconds_including_start": round(finished - launched, 3),
        "cpu_ms_per_article": cpu.per_article_ms(counted),
        "peak_rss_mb": memory.peak_mb,
    }


def _slope(points: list[tuple[float, int]]) -> float:
    """Least-squares articles per second through the points (0 with fewer than two)."""
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_n = sum(n for _, n in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (n - mean_n) for t, n in points) / spread if spread else 0.0


def _together(drains: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Drains with the same number of workers as one figure: the mean of their steady rates and CPU costs."""
    roles = drains[0]["cpu_ms_per_article"]
    return {
        "workers": drains[0]["workers"],
        "articles_per_s": round(sum(drain["articles_per_s"] for drain in drains) / len(drains), 2),
        "cpu_ms_per_article": {
            role: round(sum(drain["cpu_ms_per_article"].get(role, 0.0) for drain in drains) / len(drains), 1)
            for role in roles
        },
        "peak_rss_mb": max(drain["peak_rss_mb"] for drain in drains),
        "drains": list(drains),
    }


async def measure(env: Environment, articles: Sequence[CorpusArticle]) -> dict[str, Any]:
    """Drains with one worker, two, two, one (`alternated`): the machine's speed drifts from minute to minute
    on these VMs, and in this order a drift during the part weighs on both sides alike."""
    one, two = await alternated((lambda _: drain(env, articles, 1), lambda _: drain(env, articles, 2)), ROUNDS)
    together_one, together_two = _together(one), _together(two)
    return {
        "one": together_one,
        "two": together_two,
        "ratio": ratio(together_two["articles_per_s"], together_one["articles_per_s"]),
    }
