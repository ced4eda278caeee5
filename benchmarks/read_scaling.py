"""Read scaling: the median latency of each query-service read at growing numbers of stored articles.

`python -m benchmarks.read_scaling --sizes 1000,50000` (also a part of `make bench`) starts from the shared
corpus enriched by the real pipeline (`devstack.enriched_corpus`, cached in `.bench/`), writes copies of its
articles (new ids and URLs, publication dates spread over two years, received a little later) as JSON lines and
stores them with `newsflow import` (the real command, in its own process: the store path with the workers'
linker, so the registry and counters are the store's own). Each filled SecantusDB storage folder is kept in
`.bench/read-scaling/`, under a key that hashes the code that decides what is stored (store, registry, linker,
indexes, enrichment version, the copies), and a larger size starts from a copy of the smaller one. Reads run
against a copy, so a run never changes the cache: each read through the query application in this process, the
median of 5 after one unmeasured request.
"""

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.enriched_corpus import enriched_corpus
from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY
from devstack.secantus import secantus_server
from services.enrich.linking import LINKER_VERSION
from services.enrich.nlp.enrichment import PIPELINE_VERSION
from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.database import ARTICLES, ENTITIES, Document
from shared.documents import ArticleDocument

ROOT = Path(__file__).resolve().parent.parent
ENRICHED = ROOT / ".bench" / "enriched-corpus.jsonl"
FILLED = ROOT / ".bench" / "read-scaling"
DATABASE = "newsflow_read_scaling"
REPEATS = 5
SPAN = timedelta(days=730)  # publication dates spread over two years ...
LATEST = datetime(2026, 11, 30, tzinfo=UTC)  # ... up to this day
SEED = 16
# The code whose change changes what a fill stores: a filled database is reused only while all of it is the same.
FILL_SOURCES = (
    "services/enrich/store.py",
    "services/enrich/linker.py",
    "services/enrich/linking",
    "shared/registry.py",
    "shared/entity_keys.py",
    "shared/database.py",
    "shared/documents.py",
    "cli/archive.py",
)
# The latencies the issue asks for: every read at the largest size under this, and at most this much slower.
GOAL_MS = 300.0
GOAL_RATIO = 1.5


def fill_key() -> str:
    """A hash of what a filled database depends on: the fill code, the versions and how copies are made."""
    digest = hashlib.sha256(f"{PIPELINE_VERSION}|{LINKER_VERSION}|{SEED}|{SPAN}|{LATEST}".encode())
    for name in FILL_SOURCES:
        path = ROOT / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(source.relative_to(ROOT).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def copies(sources: Sequence[ArticleDocument], first: int, count: int) -> Iterator[ArticleDocument]:
    """Copies `first` to `first + count - 1` of the sources, each with its own id, URL and dates."""
    for n in range(first, first + count):
        rng = random.Random(f"{SEED}:{n}")
        source = sources[n % len(sources)]
        published = LATEST - SPAN * rng.random()
        published = published.replace(microsecond=published.microsecond // 1000 * 1000)
        received = published + timedelta(milliseconds=rng.randint(0, 36 * 3600 * 1000))
        yield source.model_copy(
            update={
                "id": hashlib.sha256(f"read-scaling-{n}".encode()).hexdigest()[:16],
                "url": f"https://news.example/read-scaling/{n}",
                "published_at": published,
                "received_at": received,
            }
        )


def newsflow_import(url: str, lines: Path, batch_size: int | None) -> None:
    """`newsflow import FILE` in its own process, as an operator runs it; raises when it fails."""
    exe = shutil.which("newsflow", path=str(Path(sys.executable).parent)) or "newsflow"
    command = [exe, "import", str(lines)] + ([f"--batch-size={batch_size}"] if batch_size else [])
    env = os.environ | {"NEWSFLOW_MONGODB_URL": url, "NEWSFLOW_MONGODB_DATABASE": DATABASE}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"newsflow import failed ({done.returncode}): {done.stderr[-2000:]}")


def fill(
    sources: Sequence[ArticleDocument], size: int, smaller: Path | None, batch_size: int | None
) -> tuple[Path, bool]:
    """The cached storage folder holding `size` articles, filled now if it is not cached: from a copy of the
    `smaller` cached fill when given, else empty; and whether it was filled now. Its `fill.json` tells how fast
    `newsflow import` stored them."""
    target = FILLED / f"{fill_key()}-{size}"
    if (target / "fill.json").exists():
        return target, False
    building = target.with_name(target.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    have = 0
    if smaller is not None:
        shutil.copytree(smaller / "data", building / "data")
        have = json.loads((smaller / "fill.json").read_text())["articles"]
    lines = building / "import.jsonl"
    with lines.open("w", encoding="utf-8") as out:
        out.writelines(document.model_dump_json() + "\n" for document in copies(sources, have, size - have))
    with secantus_server(building / "data") as server:
        started = time.perf_counter()
        newsflow_import(server.url, lines, batch_size)
        seconds = time.perf_counter() - started
    lines.unlink()
    imported = size - have
    figures = {
        "articles": size,
        "imported": imported,
        "import_s": round(seconds, 1),
        "import_articles_per_s": round(imported / seconds, 1),
        "batch_size": batch_size,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (building / "fill.json").write_text(json.dumps(figures, indent=2) + "\n")
    building.rename(target)
    return target, True


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


async def _measure_copy(filled: Path, size: int) -> dict[str, float]:
    """The reads' medians against a copy of the filled storage folder (the cache stays as it was)."""
    with tempfile.TemporaryDirectory(prefix="newsflow-read-scaling-") as tmp:
        shutil.copytree(filled / "data", Path(tmp) / "data")
        with secantus_server(Path(tmp) / "data") as server:
            mongo: AsyncMongoClient[Document] = AsyncMongoClient(server.url, tz_aware=True)
            db = mongo[DATABASE]
            try:
                stored = await db[ARTICLES].estimated_document_count()
                if stored != size:
                    raise RuntimeError(f"{filled} holds {stored} articles, not {size}: delete it to fill again")
                settings = QuerySettings(
                    mongodb_url=server.url, mongodb_database=DATABASE, api_keys=API_KEYS, cursor_secret=CURSOR_SECRET
                )
                app = create_app(settings)
                transport = httpx.ASGITransport(app=app)
                async with (
                    app.router.lifespan_context(app),
                    httpx.AsyncClient(
                        transport=transport, base_url="http://query", headers={"X-API-Key": READ_KEY}, timeout=60
                    ) as client,
                ):
                    return await measure(client, await reads(db))
            finally:
                await mongo.close()


def run(sizes: Sequence[int], batch_size: int | None = None) -> dict[str, Any]:
    """Fills (or finds cached) a database of each size and measures the reads on it; the figures as JSON."""
    sources = enriched_corpus(ENRICHED)
    latency: dict[str, dict[str, float]] = {}
    fills: dict[str, Any] = {}
    smaller: Path | None = None
    for size in sorted(sizes):
        filled, now = fill(sources, size, smaller, batch_size)
        fills[str(size)] = json.loads((filled / "fill.json").read_text()) | {"cached": not now}
        print(f"{size} articles: {filled.name} ({'filled now' if now else 'cached'})", flush=True)
        latency[str(size)] = asyncio.run(_measure_copy(filled, size))
        smaller = filled
    first, last = str(min(sizes)), str(max(sizes))
    ratios = {name: round(latency[last][name] / latency[first][name], 2) for name in latency[last]}
    return {
        "originals": len(sources),
        "median_ms": {size: {name: round(ms, 1) for name, ms in reads.items()} for size, reads in latency.items()},
        "ratio": ratios,
        "slowest_ms": round(max(latency[last].values()), 1),
        "worst_ratio": max(ratios.values()),
        "goal": {"largest_under_ms": GOAL_MS, "ratio_at_most": GOAL_RATIO},
        "met": max(latency[last].values()) < GOAL_MS and max(ratios.values()) <= GOAL_RATIO,
        "fills": fills,
    }


def table(figures: dict[str, Any]) -> str:
    latency: dict[str, dict[str, float]] = figures["median_ms"]
    sizes = list(latency)
    lines = [
        "| read (median ms) | " + " | ".join(f"{int(s):,}" for s in sizes) + " | ratio |",
        "|---" * (len(sizes) + 2) + "|",
    ]
    for name, ratio in figures["ratio"].items():
        values = [latency[size][name] for size in sizes]
        lines.append(f"| `{name}` | " + " | ".join(f"{v:.0f}" for v in values) + f" | {ratio:.2f} |")
    for size, fill in figures["fills"].items():
        lines.append(
            f"filled to {int(size):,}: newsflow import stored {fill['imported']:,} in {fill['import_s']:.0f} s,"
            f" {fill['import_articles_per_s']:.0f} articles/s (batch {fill['batch_size'] or 'default'},"
            f" load {fill['load_average'][0]:.1f}{', cached from ' + fill['date'] if fill['cached'] else ''})"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.read_scaling", description=__doc__)
    parser.add_argument("--sizes", default="1000,50000", help="stored articles to measure at (default 1000,50000)")
    parser.add_argument("--import-batch", type=int, help="newsflow import --batch-size for the fills")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    arguments = parser.parse_args()
    figures = run([int(size) for size in arguments.sizes.split(",")], arguments.import_batch)
    print(table(figures))
    if arguments.output:
        arguments.output.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
