"""Read scaling: the median latency of each query-service read at growing numbers of stored articles.

`python -m benchmarks.read_scaling --sizes 1000,10000` enriches a few corpus articles once (cached in
`.bench/`), fills a SecantusDB of its own with copies of them (new ids and URLs, publication dates spread
over two years, received a little later), rebuilds the registry and counters from them
(`devstack.corpus_records`, as the store would have written them), and times each read through the query
application in this process. `fill` and `measure` are the parts another benchmark can reuse.
"""

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.corpus import load_articles
from devstack.corpus_records import linked, rebuild
from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY
from devstack.secantus import mongodb_server
from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.database import ARTICLES, ENTITIES, Document, ensure_indexes, to_mongo
from shared.documents import ArticleDocument

ROOT = Path(__file__).resolve().parent.parent
ORIGINALS = ROOT / ".bench" / "read-scaling-originals.jsonl"
INSERT_CHUNK = 500
REPEATS = 5
SPAN = timedelta(days=730)  # publication dates spread over two years ...
LATEST = datetime(2026, 11, 30, tzinfo=UTC)  # ... up to this day
SEED = 16


def originals(count: int) -> list[ArticleDocument]:
    """`count` Wikinews articles enriched by the real pipeline (cached: the model takes a while to load)."""
    if ORIGINALS.exists():
        cached = [ArticleDocument.model_validate_json(line) for line in ORIGINALS.read_text().splitlines()]
        if len(cached) >= count:
            return cached[:count]
    from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle

    enricher = Enricher.load()
    articles = load_articles(count)
    results = enricher.enrich_batch([ArticleText(title=a.title, body=a.body) for a in articles])
    documents = []
    for n, (article, result) in enumerate(zip(articles, results, strict=True)):
        if isinstance(result, UnprocessableArticle):
            continue
        documents.append(
            ArticleDocument(
                id=hashlib.sha256(f"original-{n}".encode()).hexdigest()[:16],
                status="enriched",
                title=article.title,
                body=article.body,
                source="Wikinews",
                url=article.url,
                **dict(result),
                pipeline=enricher.pipeline(),
                content_hash=hashlib.sha256(article.text.encode()).hexdigest(),
                received_at=LATEST,
            )
        )
    ORIGINALS.parent.mkdir(exist_ok=True)
    ORIGINALS.write_text("".join(document.model_dump_json() + "\n" for document in documents))
    return documents


def copies(sources: Sequence[ArticleDocument], first: int, count: int) -> list[ArticleDocument]:
    """Copies `first` to `first + count - 1` of the sources, each with its own id, URL and dates."""
    made = []
    for n in range(first, first + count):
        rng = random.Random(f"{SEED}:{n}")
        source = sources[n % len(sources)]
        published = LATEST - SPAN * rng.random()
        published = published.replace(microsecond=published.microsecond // 1000 * 1000)
        received = published + timedelta(milliseconds=rng.randint(0, 36 * 3600 * 1000))
        made.append(
            source.model_copy(
                update={
                    "id": hashlib.sha256(f"read-scaling-{n}".encode()).hexdigest()[:16],
                    "url": f"https://news.example/read-scaling/{n}",
                    "published_at": published,
                    "received_at": received,
                }
            )
        )
    return made


async def fill(db: AsyncDatabase[Document], sources: Sequence[ArticleDocument], stored: int) -> None:
    """Adds copies until `stored` articles are stored, then rebuilds the registry and counters."""
    await ensure_indexes(db)
    have = await db[ARTICLES].count_documents({})
    for first in range(have, stored, INSERT_CHUNK):
        batch = copies(sources, first, min(INSERT_CHUNK, stored - first))
        await db[ARTICLES].insert_many([to_mongo(linked(document)) for document in batch])
    await rebuild(db)


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    params: dict[str, str | int]


async def reads(db: AsyncDatabase[Document]) -> list[Read]:
    """The reads of issue 16's table (and a few more), on the most frequent entity."""
    top = await db[ENTITIES].find({}, {"articles": 1}).sort([("articles", -1), ("_id", 1)]).limit(1).to_list()
    entity = top[0]["_id"]
    some = await db[ARTICLES].find_one({}, {"_id": 1})
    assert some is not None
    return [
        Read("GET /v1/articles/{id}", f"/v1/articles/{some['_id']}", {}),
        Read("GET /v1/articles (newest 20)", "/v1/articles", {}),
        Read("?sort=published_at", "/v1/articles", {"sort": "published_at"}),
        Read("?q=government", "/v1/articles", {"q": "government"}),
        Read(
            "?q=government minister&sort=relevance", "/v1/articles", {"q": "government minister", "sort": "relevance"}
        ),
        Read("?entity=<most frequent>", "/v1/articles", {"entity": entity}),
        Read("?entity=<most frequent>&language=en", "/v1/articles", {"entity": entity, "language": "en"}),
        Read("?label=PERSON", "/v1/articles", {"label": "PERSON"}),
        Read("GET /v1/entities", "/v1/entities", {}),
        Read("GET /v1/entities?q=a", "/v1/entities", {"q": "a"}),
        Read(
            "GET /v1/entities (31 days)", "/v1/entities", {"published_from": "2026-10-01", "published_to": "2026-10-31"}
        ),
        Read("GET /v1/entities/{id}", f"/v1/entities/{entity}", {}),
        Read("GET /v1/entities/{id}/related", f"/v1/entities/{entity}/related", {}),
        Read("GET /v1/entities/{id}/timeline?interval=week", f"/v1/entities/{entity}/timeline", {"interval": "week"}),
        Read("GET /v1/stats", "/v1/stats", {}),
    ]


async def measure(client: httpx.AsyncClient, chosen: Sequence[Read], repeats: int = REPEATS) -> dict[str, float]:
    """Median milliseconds of each read (after one unmeasured request), all answered 200."""
    medians = {}
    for read in chosen:
        timings = []
        for attempt in range(repeats + 1):
            started = time.perf_counter()
            response = await client.get(read.path, params=read.params)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{read.name} answered {response.status_code}: {response.text[:300]}")
            if attempt:
                timings.append(elapsed)
        medians[read.name] = statistics.median(timings)
    return medians


async def run(sizes: Sequence[int], originals_count: int) -> dict[str, dict[str, float]]:
    sources = originals(originals_count)
    results: dict[str, dict[str, float]] = {}
    with mongodb_server() as (url, _):
        mongo: AsyncMongoClient[Document] = AsyncMongoClient(url, tz_aware=True)
        db = mongo["newsflow_read_scaling"]
        settings = QuerySettings(
            mongodb_url=url, mongodb_database=db.name, api_keys=API_KEYS, cursor_secret=CURSOR_SECRET
        )
        try:
            for size in sorted(sizes):
                started = time.perf_counter()
                await fill(db, sources, size)
                print(f"filled {size} articles in {time.perf_counter() - started:.0f} s", flush=True)
                app = create_app(settings)
                transport = httpx.ASGITransport(app=app)
                async with (
                    app.router.lifespan_context(app),
                    httpx.AsyncClient(
                        transport=transport, base_url="http://query", headers={"X-API-Key": READ_KEY}, timeout=60
                    ) as client,
                ):
                    results[str(size)] = await measure(client, await reads(db))
        finally:
            await mongo.close()
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    sizes = list(results)
    names = list(results[sizes[0]])
    lines = [
        "| read (median ms) | " + " | ".join(f"{int(s):,}" for s in sizes) + " | ratio |",
        "|---" * (len(sizes) + 2) + "|",
    ]
    for name in names:
        values = [results[size][name] for size in sizes]
        lines.append(f"| `{name}` | " + " | ".join(f"{v:.0f}" for v in values) + f" | {values[-1] / values[0]:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.read_scaling", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="stored articles to measure at (default 1000,10000)")
    parser.add_argument("--originals", type=int, default=200, help="corpus articles enriched and copied (default 200)")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    arguments = parser.parse_args()
    results = asyncio.run(run([int(size) for size in arguments.sizes.split(",")], arguments.originals))
    print(table(results))
    if arguments.output:
        arguments.output.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
