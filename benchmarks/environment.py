"""The system under test: SecantusDB, a private RabbitMQ vhost and the service processes, as the tests run them."""

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import httpx
import psutil
from aio_pika.abc import AbstractChannel, AbstractConnection
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from benchmarks.http import HttpClient
from devstack.corpus import CorpusArticle
from devstack.keys import READ_KEY, WRITE_KEY
from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.secantus import mongodb_server
from devstack.stack import ServiceProcess
from shared import topology
from shared.database import ARTICLES, COUNTERS, ENTITIES, ENTITY_DAYS, TOMBSTONES, Document

# A rate limit is a policy, not a capacity: raised so that it never answers 429 while the benchmark measures.
BENCH_RATE_LIMIT = "10000000/minute"
# Likewise the share of the queue one key may fill: the benchmark fills it with one key and no worker.
BENCH_KEY_MAX_WAITING = "10000000"
BATCH_POST_SIZE = 100  # articles per POST /v1/articles:batch when filling the queue


@dataclass
class Environment:
    pipeline: RunningPipeline
    mongo: AsyncMongoClient[Document]
    amqp: AbstractConnection
    channel: AbstractChannel
    ingest: httpx.AsyncClient  # convenient, for filling the queue
    ingest_load: HttpClient  # lean, for the timed requests
    query_load: HttpClient
    database_pid: int | None  # None when NEWSFLOW_TEST_MONGODB_URL points at a server we did not start
    broker_pid: int | None  # RabbitMQ's Erlang VM, when it runs on this machine

    def service_pids(self) -> dict[str, list[int]]:
        """The processes sharing the machine's cores, by role (CPU accounting per article)."""
        pids: dict[str, list[int]] = {"database": [], "broker": [], "benchmark": [os.getpid()]}
        if self.database_pid is not None:
            pids["database"].append(self.database_pid)
        if self.broker_pid is not None:
            pids["broker"].append(self.broker_pid)
        for process in self.pipeline.stack.processes:
            if process.running:
                pids.setdefault(process.name.split("-")[0], []).append(process.proc.pid)
        return pids

    @property
    def articles(self) -> AsyncCollection[Document]:
        return self.mongo[self.pipeline.database]["articles"]

    async def stored(self) -> int:
        # Not count_documents({}): SecantusDB reads every document for it, and polling that ten times a
        # second would take CPU from the system being measured.
        return await self.articles.estimated_document_count()

    async def has_stored(self, count: int) -> bool:
        return await self.stored() >= count

    async def queue(self) -> tuple[int, int]:
        """(ready messages, consumers) of the work queue."""
        declared = await self.channel.declare_queue(topology.WORK_QUEUE, passive=True)
        result = declared.declaration_result
        return result.message_count or 0, result.consumer_count or 0

    async def has_queued(self, count: int) -> bool:
        ready, _ = await self.queue()
        return ready >= count

    async def has_consumers(self, count: int) -> bool:
        _, consumers = await self.queue()
        return consumers >= count

    async def purge_queue(self) -> None:
        queue = await self.channel.declare_queue(topology.WORK_QUEUE, passive=True)
        await queue.purge()

    async def clear_articles(self) -> None:
        """Every stored article gone, with what the store keeps beside them (registry, counters, tombstones), so
        the next run starts from an empty corpus whatever the last one stored."""
        db = self.mongo[self.pipeline.database]
        for collection in (ARTICLES, ENTITIES, ENTITY_DAYS, COUNTERS, TOMBSTONES):
            await db[collection].delete_many({})

    async def post_batch(self, articles: Sequence[CorpusArticle]) -> int:
        """POST one batch; returns how many were accepted (every one must be)."""
        response = await self.ingest.post("/v1/articles:batch", json=[article.payload for article in articles])
        response.raise_for_status()
        accepted = len(response.json()["accepted"])
        if accepted != len(articles):
            raise RuntimeError(f"ingest accepted {accepted} of {len(articles)}: {response.text[:300]}")
        return accepted

    async def post_all(self, articles: Sequence[CorpusArticle], *, size: int = BATCH_POST_SIZE) -> None:
        for start in range(0, len(articles), size):
            await self.post_batch(articles[start : start + size])

    def start_workers(self, count: int, **env: str) -> list[ServiceProcess]:
        return [self.pipeline.start_worker(**env) for _ in range(count)]

    async def stop_workers(self, workers: Sequence[ServiceProcess]) -> None:
        await asyncio.gather(*(asyncio.to_thread(worker.stop) for worker in workers))


@asynccontextmanager
async def environment(log_dir: Path, *, log_level: str, **extra_env: str) -> AsyncIterator[Environment]:
    """Everything started, no worker running yet; all of it stopped and deleted afterwards."""
    with (
        mongodb_server() as (mongodb_url, database_server),
        running_pipeline(
            mongodb_url,
            log_dir,
            workers=0,
            NEWSFLOW_LOG_LEVEL=log_level,
            NEWSFLOW_RATE_LIMIT=BENCH_RATE_LIMIT,
            NEWSFLOW_READ_RATE_LIMIT=BENCH_RATE_LIMIT,
            NEWSFLOW_KEY_MAX_WAITING=BENCH_KEY_MAX_WAITING,
            **extra_env,
        ) as pipeline,
    ):
        mongo: AsyncMongoClient[Document] = AsyncMongoClient(pipeline.mongodb_url, tz_aware=True)
        amqp = await aio_pika.connect(pipeline.rabbitmq_url)
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
        try:
            async with (
                httpx.AsyncClient(
                    base_url=pipeline.ingest_url, headers={"X-API-Key": WRITE_KEY}, timeout=120, limits=limits
                ) as ingest,
                HttpClient(pipeline.ingest_url, headers={"X-API-Key": WRITE_KEY}, connections=256) as ingest_load,
                HttpClient(pipeline.query_url, headers={"X-API-Key": READ_KEY}, connections=256) as query_load,
            ):
                channel = await amqp.channel()
                database_pid = database_server.proc.pid if database_server and database_server.proc else None
                yield Environment(
                    pipeline, mongo, amqp, channel, ingest, ingest_load, query_load, database_pid, _broker_pid()
                )
        finally:
            await amqp.close()
            await mongo.close()


def _broker_pid() -> int | None:
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "beam.smp":
            return int(process.pid)
    return None
