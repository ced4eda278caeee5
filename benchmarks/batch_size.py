"""`python -m benchmarks.batch_size`: choose the worker's batching defaults by measurement.

For each setting, one worker drains the same pre-filled queue (as in the scale-out part): articles/s, worker
CPU per article (less sensitive than wall time to other load on the machine) and peak RSS. Then the delay a
lone article sees for a few `batch_wait_ms` values (a busy queue fills a batch at once, so the wait only ever
costs latency when traffic is light).
"""

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.end_to_end import MODEL_LOAD_TIMEOUT_S
from benchmarks.environment import Environment, environment
from benchmarks.measure import percentile, wait_until
from benchmarks.scale_out import drain
from devstack.corpus import CorpusArticle, load_articles

ROOT = Path(__file__).resolve().parent.parent
LONE_ARTICLES = 5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch_size", description=__doc__)
    parser.add_argument("-n", "--articles", type=int, default=200, help="articles drained per setting (default 200)")
    parser.add_argument(
        "--sizes", default="1,4,8,16,32,64", help="batch sizes to try, prefetch 2x each (default 1,4,8,16,32,64)"
    )
    parser.add_argument("--prefetch-factors", default="1,2,4", help="prefetch / batch size at --batch (default 1,2,4)")
    parser.add_argument("--batch", type=int, default=16, help="batch size for the prefetch and wait runs (default 16)")
    parser.add_argument("--waits", default="0,50,200", help="batch_wait_ms values for the lone-article delay")
    parser.add_argument("--output", type=Path, default=ROOT / ".bench" / "batch_size.json")
    return parser.parse_args()


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


async def _lone_article_delay(
    env: Environment, articles: Sequence[CorpusArticle], wait_ms: int, batch: int
) -> dict[str, Any]:
    """Seconds from POST to stored for articles sent one at a time into an idle worker."""
    await env.clear_articles()
    (worker,) = env.start_workers(1, NEWSFLOW_BATCH_SIZE=str(batch), NEWSFLOW_BATCH_WAIT_MS=str(wait_ms))
    delays = []
    try:
        await env.post_batch([articles[0]])
        await wait_until(lambda: env.has_stored(1), timeout_s=MODEL_LOAD_TIMEOUT_S, what="the warm-up article")
        for count, article in enumerate(articles[1 : LONE_ARTICLES + 1], start=2):
            started = time.perf_counter()
            await env.post_batch([article])
            stored = await wait_until(partial(env.has_stored, count), timeout_s=60, interval_s=0.01, what="it")
            delays.append(stored - started)
    finally:
        await env.stop_workers([worker])
    return {"batch_wait_ms": wait_ms, "p50_s": round(percentile(delays, 0.5), 3), "max_s": round(max(delays), 3)}


async def _measure(arguments: argparse.Namespace) -> dict[str, Any]:
    articles = load_articles(arguments.articles)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    result: dict[str, Any] = {"articles": arguments.articles, "sizes": [], "prefetch": [], "lone_article": []}
    async with environment(ROOT / ".bench" / "logs" / f"batch-size-{stamp}", log_level="INFO") as env:
        for size in _ints(arguments.sizes):
            run = await drain(env, articles, 1, NEWSFLOW_BATCH_SIZE=str(size), NEWSFLOW_PREFETCH=str(2 * size))
            result["sizes"].append({"batch_size": size, "prefetch": 2 * size, **run})
            print(json.dumps(result["sizes"][-1]), flush=True)
        for factor in _ints(arguments.prefetch_factors):
            prefetch = factor * arguments.batch
            run = await drain(
                env, articles, 1, NEWSFLOW_BATCH_SIZE=str(arguments.batch), NEWSFLOW_PREFETCH=str(prefetch)
            )
            result["prefetch"].append({"batch_size": arguments.batch, "prefetch": prefetch, **run})
            print(json.dumps(result["prefetch"][-1]), flush=True)
        lone = load_articles(LONE_ARTICLES + 1)
        for wait_ms in _ints(arguments.waits):
            result["lone_article"].append(await _lone_article_delay(env, lone, wait_ms, arguments.batch))
            print(json.dumps(result["lone_article"][-1]), flush=True)
    return result


def main() -> None:
    arguments = _arguments()
    result = asyncio.run(_measure(arguments))
    print(f"\n{'batch':>6} {'prefetch':>8} {'articles/s':>10} {'CPU ms/article':>14} {'peak RSS MB':>11}")
    for row in result["sizes"] + result["prefetch"]:
        print(
            f"{row['batch_size']:>6} {row['prefetch']:>8} {row['articles_per_s']:>10.1f}"
            f" {row['cpu_ms_per_article']['enrich']:>14.0f} {row['peak_rss_mb']:>11.0f}"
        )
    print(f"\n{'batch_wait_ms':>13} {'lone article p50 s':>18} {'max s':>6}")
    for row in result["lone_article"]:
        print(f"{row['batch_wait_ms']:>13} {row['p50_s']:>18.3f} {row['max_s']:>6.3f}")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {arguments.output}")


if __name__ == "__main__":
    main()
