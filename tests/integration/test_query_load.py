"""Hostile load against a running query process: expensive reads in parallel must not stall the probes.

The service runs as `python -m services.query` (uvicorn, real sockets), over ~2,000 enriched articles whose
bodies are Wikinews texts, some carrying a run of U+FDFA (one character that NFKD expands 18-fold) as an
attacker with a write key could submit. Dozens of relevance, stats and entity reads run at once while
`/healthz` and `/readyz` are probed; each probe must answer within a second (a bound generous for two
shared cores), and every refused read carries `Retry-After`.
"""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from shared.database import ARTICLES, ensure_indexes, to_mongo
from shared.documents import ArticleDocument
from tests.integration.query_app import CURSOR_SECRET, READ_KEY, drop
from tests.integration.query_data import corpus
from tests.servers import CORPUS, ROOT, free_port, wait_for_port

pytestmark = pytest.mark.integration

ARTICLE_COUNT = 2_000
# One article in fifty carries 20,000 characters of U+FDFA: 360,000 once decomposed.
HOSTILE_EVERY = 50
PARALLEL_READS = 30
PROBE_BOUND_S = 1.0


def corpus_bodies() -> list[str]:
    """Bodies of the Wikinews articles (everything after the title line and the blank line)."""
    files = sorted((CORPUS / "wikinews-bulk").glob("*.txt")) + sorted((CORPUS / "wikinews").glob("*.txt"))
    return [path.read_text().split("\n", 2)[-1].strip() for path in files]


def load_corpus() -> list[ArticleDocument]:
    """Generated enriched articles (valid entities and offsets) lengthened by a real news body each."""
    bodies = corpus_bodies()
    documents = []
    for n, generated in enumerate(corpus(ARTICLE_COUNT, namespace="load")):
        extra = bodies[n % len(bodies)]
        if n % HOSTILE_EVERY == 0:
            extra += " Muhammad " + "\ufdfa" * 20_000
        # Appended, so the entity offsets and summary spans into the generated start stay right.
        documents.append(generated.model_copy(update={"body": f"{generated.body}\n\n{extra}"}))
    return documents


@pytest.fixture(scope="module")
async def loaded_database(mongodb_url: str) -> AsyncIterator[str]:
    name = f"newsflow_load_{uuid.uuid4().hex[:10]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        await ensure_indexes(client[name])
        stored = [to_mongo(document) for document in load_corpus()]
        for start in range(0, len(stored), 250):
            await client[name][ARTICLES].insert_many(stored[start : start + 250])
    finally:
        await client.close()
    try:
        yield name
    finally:
        await drop(mongodb_url, name)


def query_process(mongodb_url: str, database_name: str, log: Path, **settings: str) -> "QueryProcess":
    return QueryProcess(mongodb_url, database_name, log, settings)


class QueryProcess:
    """`python -m services.query` on a free port, its logs in a file (a pipe nobody reads would block it)."""

    def __init__(self, mongodb_url: str, database_name: str, log: Path, settings: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        inherited = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
        self.env = inherited | {
            "PYTHONPATH": str(ROOT),
            "NEWSFLOW_MONGODB_URL": mongodb_url,
            "NEWSFLOW_MONGODB_DATABASE": database_name,
            "NEWSFLOW_API_KEYS": f"{READ_KEY}:read",
            "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
            "NEWSFLOW_PORT": str(self.port),
            "NEWSFLOW_LOG_LEVEL": "WARNING",
        }
        self.env |= {f"NEWSFLOW_{key.upper()}": value for key, value in settings.items()}

    def __enter__(self) -> "QueryProcess":
        with self.log.open("ab") as log:  # the child keeps its copy
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.query"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_for_port(self.port, proc=self.proc)
        return self

    def __exit__(self, *_: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def service(mongodb_url: str, loaded_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("query-load") / "query.log"
    with query_process(mongodb_url, loaded_database, log) as process:
        yield process.url


EXPENSIVE_READS = [
    *[("/v1/articles", {"q": word, "sort": "relevance", "limit": 20}) for word in ("the", "said", "of", "talks", "in")],
    ("/v1/stats", {}),
    ("/v1/entities", {"limit": 100}),
    ("/v1/entities/gpe:china", {}),
    ("/v1/entities/gpe:china/related", {"sort": "lift"}),
]


async def probe(client: httpx.AsyncClient, path: str, stop: asyncio.Event) -> list[float]:
    """Latencies of `path`, one probe after another until `stop` (a probe that fails counts as infinite)."""
    latencies = []
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = await client.get(path, timeout=30)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        latencies.append(time.monotonic() - started if ok else float("inf"))
        await asyncio.sleep(0.1)
    return latencies


async def test_probes_answer_within_a_second_while_expensive_reads_run(service: str) -> None:
    limits = httpx.Limits(max_connections=PARALLEL_READS + 10)
    async with (
        httpx.AsyncClient(base_url=service, headers={"X-API-Key": READ_KEY}, limits=limits, timeout=300) as reads,
        httpx.AsyncClient(base_url=service) as probes,
    ):
        assert (await probes.get("/readyz")).status_code == 200
        stop = asyncio.Event()
        health = asyncio.create_task(probe(probes, "/healthz", stop))
        ready = asyncio.create_task(probe(probes, "/readyz", stop))
        started = time.monotonic()
        answers = await asyncio.gather(
            *(reads.get(path, params=params) for path, params in (EXPENSIVE_READS * 4)[:PARALLEL_READS])
        )
        elapsed = time.monotonic() - started
        stop.set()
        latencies = {"/healthz": await health, "/readyz": await ready}
    statuses = sorted(response.status_code for response in answers)
    worst = {path: max(values) for path, values in latencies.items()}
    print(f"\n{PARALLEL_READS} reads in {elapsed:.1f} s, statuses {statuses}, slowest probes {worst}")
    assert all(response.status_code in (200, 429, 503) for response in answers), statuses
    assert all("retry-after" in response.headers for response in answers if response.status_code != 200)
    assert any(response.status_code == 200 for response in answers)
    for path, values in latencies.items():
        assert values and max(values) < PROBE_BOUND_S, (path, sorted(values)[-5:])


def dates() -> tuple[datetime, datetime]:
    start = datetime(2023, 3, 17, tzinfo=UTC)
    return start, start + timedelta(days=1)
