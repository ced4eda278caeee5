"""`python -m benchmarks` (`make bench`): every part in one run; prints a table and writes `.bench/latest.json`."""

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import bare_model, end_to_end, ingest, query, read_scaling, reader, report, scale_out
from benchmarks.environment import environment
from devstack.corpus import CORPUS_SIZE, CorpusArticle, cycled, load_articles
from services.enrich.settings import WorkerSettings

PARTS = ("model", "e2e", "scale", "ingest", "query", "reader", "reads")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / ".bench" / "latest.json"
STARTED = time.perf_counter()


def _progress(step: str) -> None:
    print(f"[{time.perf_counter() - STARTED:4.0f} s] {step} ...", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Throughput of the Newsflow pipeline against its own parts (bare spaCy, bare RabbitMQ "
        "publishing, the bare MongoDB driver). Starts its own SecantusDB and RabbitMQ vhost; worker settings "
        "come from the usual NEWSFLOW_* variables (NEWSFLOW_BATCH_SIZE, NEWSFLOW_BATCH_WAIT_MS, NEWSFLOW_PREFETCH).",
    )
    parser.add_argument(
        "-n",
        "--articles",
        type=int,
        default=int(os.environ.get("NEWSFLOW_BENCH_ARTICLES", "500")),
        help="corpus articles for the model, end-to-end and scale-out parts (default 500, or NEWSFLOW_BENCH_ARTICLES)",
    )
    parser.add_argument("--ingest-articles", type=int, default=3000, help="messages per ingest run (default 3000)")
    parser.add_argument("--stored", type=int, default=10_000, help="stored articles for the query part (default 10000)")
    parser.add_argument("--requests", type=int, default=1000, help="get-by-id requests per query run (default 1000)")
    parser.add_argument(
        "--entity-requests", type=int, default=200, help="entity-filter requests per query run (default 200)"
    )
    parser.add_argument(
        "--page-requests", type=int, default=40, help="loads of each reader page and of its API calls (default 40)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=32, help="single-article ingest requests in flight (default 32)"
    )
    parser.add_argument("--query-concurrency", type=int, default=8, help="query requests in flight (default 8)")
    parser.add_argument(
        "--read-sizes", default="1000,50000", help="stored articles for the read-scaling part (default 1000,50000)"
    )
    parser.add_argument("--import-batch", type=int, help="newsflow import --batch-size for the read-scaling fills")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)} (default all)"
    )
    parser.add_argument("--log-level", default="INFO", help="services' NEWSFLOW_LOG_LEVEL (default INFO, as deployed)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON figures")
    arguments = parser.parse_args()
    unknown = set(arguments.parts.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return arguments


def _worker_settings() -> dict[str, Any]:
    """The workers' effective batching settings (defaults, or the NEWSFLOW_* variables they inherit)."""
    settings = WorkerSettings(rabbitmq_url="amqp://localhost", mongodb_url="mongodb://localhost")
    return {
        "batch_size": settings.batch_size,
        "batch_wait_ms": settings.batch_wait_ms,
        "prefetch": settings.prefetch_count,
    }


async def _pipeline_parts(
    arguments: argparse.Namespace, articles: list[CorpusArticle], parts: dict[str, Any], chosen: set[str]
) -> None:
    measured, warm_up = articles[:-1], articles[-1]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    async with environment(ROOT / ".bench" / "logs" / stamp, log_level=arguments.log_level) as env:
        if "e2e" in chosen:
            _progress("end to end, one worker, with the entity registry and without")
            both = await end_to_end.registry_on_and_off(env, measured, warm_up)
            parts["end_to_end"] = both["on"]
            parts["registry"] = {
                "on_articles_per_s": both["on"]["articles_per_s"],
                "off_articles_per_s": both["off"]["articles_per_s"],
                "ratio": both["ratio"],
                "off": both["off"],
            }
            if "bare_model" in parts:
                _progress("bare nlp.pipe again")
                await asyncio.to_thread(bare_model.again, parts["bare_model"], measured)
        if "scale" in chosen:
            _progress("scale-out, one then two workers")
            parts["scale_out"] = await scale_out.measure(env, measured)
        if "query" in chosen:
            if not await env.articles.count_documents({"status": "enriched"}):
                await scale_out.drain(env, measured, 2)  # documents to clone, not measured
            _progress(f"query over {arguments.stored} stored articles")
            parts["query"] = await query.measure(
                env,
                stored=arguments.stored,
                requests=arguments.requests,
                entity_requests=arguments.entity_requests,
                in_flight=arguments.query_concurrency,
            )
        if "reader" in chosen:
            if not await env.articles.count_documents({"status": "enriched"}):
                await scale_out.drain(env, measured, 2)  # articles to read, not measured
            _progress("reader pages against the API calls they wrap")
            parts["reader"] = await reader.measure(env, requests=arguments.page_requests)
        if "ingest" in chosen:
            _progress("ingest, no workers")
            messages = cycled(load_articles(min(arguments.ingest_articles, CORPUS_SIZE)), arguments.ingest_articles)
            parts["ingest"] = await ingest.measure(env, messages, in_flight=arguments.concurrency)


def main() -> None:
    arguments = _arguments()
    chosen = set(arguments.parts.split(","))
    result: dict[str, Any] = {"machine": report.machine(), "worker_settings": _worker_settings()}
    parts: dict[str, Any] = {}
    # The same articles for the model alone and for the pipeline, plus one to warm the pipeline up with.
    articles = load_articles(arguments.articles + 1)
    if "model" in chosen:
        _progress(f"bare nlp.pipe over {arguments.articles} articles")
        parts["bare_model"] = bare_model.measure(articles[:-1], batch_size=result["worker_settings"]["batch_size"])
    if chosen - {"model", "reads"}:
        asyncio.run(_pipeline_parts(arguments, articles, parts, chosen))
    if "reads" in chosen:
        _progress(f"read scaling at {arguments.read_sizes} stored articles (fills cached in .bench/read-scaling)")
        sizes = [int(size) for size in arguments.read_sizes.split(",")]
        parts["read_scaling"] = read_scaling.run(sizes, arguments.import_batch)
    figures = report.headline(parts)
    result = {
        **figures,
        **result,
        "targets": report.targets(figures),
        "parts": parts,
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "duration_s": round(time.perf_counter() - STARTED, 1),
    }
    print()
    print(report.render(result))
    print(f"\nwhole run {result['duration_s']:.0f} s")
    report.write(arguments.output, result)
    print(f"\nwritten to {arguments.output}")


if __name__ == "__main__":
    main()
