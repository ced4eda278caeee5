"""The local pipeline: ingest, query and enrichment workers as processes, with the commands compose runs.

`start_pipeline` is how `newsflow run` and the tests start it; `running_pipeline` gives the tests and the
benchmark one of their own, on a private RabbitMQ vhost and database, with the dev keys.
"""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pymongo import MongoClient
from pymongo.collection import Collection

from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY, WRITE_KEY
from devstack.ports import LOCALHOST, free_port
from devstack.rabbitmq import rabbitmq_vhost
from devstack.stack import ServiceProcess, Stack, wait_ready


def start_pipeline(stack: Stack, *, ingest_port: int, query_port: int, workers: int) -> tuple[str, str]:
    """Start ingest, query and `workers` workers on `stack`; return (ingest url, query url) once both are ready.

    The caller stops the stack (`stop_all`), also when this raises.
    """
    ingest_url, query_url = f"http://{LOCALHOST}:{ingest_port}", f"http://{LOCALHOST}:{query_port}"
    # The links in ingest's 202 answers point at this query service.
    ingest_env = {"NEWSFLOW_PORT": str(ingest_port), "NEWSFLOW_QUERY_BASE_URL": query_url}
    ingest = stack.start("ingest", extra_env=ingest_env, name="ingest")
    query = stack.start("query", extra_env={"NEWSFLOW_PORT": str(query_port)}, name="query")
    for _ in range(workers):
        stack.start("enrich")
    wait_ready(f"{ingest_url}/readyz", processes=[ingest])
    wait_ready(f"{query_url}/readyz", processes=[query])
    return ingest_url, query_url


@dataclass
class RunningPipeline:
    stack: Stack
    ingest_url: str
    query_url: str
    rabbitmq_url: str
    vhost: str
    mongodb_url: str
    database: str
    mongo: MongoClient[dict[str, Any]]

    def http(self, key: str = WRITE_KEY) -> httpx.Client:
        return httpx.Client(headers={"X-API-Key": key}, timeout=30)

    def start_worker(self, **extra_env: str) -> ServiceProcess:
        return self.stack.start("enrich", extra_env=extra_env)

    def workers(self) -> list[ServiceProcess]:
        return [p for p in self.stack.processes if p.name.startswith("enrich") and p.running]

    def collection(self) -> Collection[dict[str, Any]]:
        return self.mongo[self.database]["articles"]

    def wait_for(self, article_id: str, *, timeout_s: float = 120, status: str | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        with self.http(READ_KEY) as client:
            while time.monotonic() < deadline:
                response = client.get(f"{self.query_url}/v1/articles/{article_id}")
                if response.status_code == 200 and (status is None or response.json()["status"] == status):
                    document: dict[str, Any] = response.json()
                    return document
                time.sleep(0.25)
        raise TimeoutError(f"article {article_id} not stored within {timeout_s}s")


@contextmanager
def running_pipeline(
    mongodb_url: str, log_dir: Path, *, workers: int = 1, **extra_env: str
) -> Iterator[RunningPipeline]:
    """The whole pipeline on a fresh vhost and database (dropped afterwards), its logs in `log_dir`."""
    with rabbitmq_vhost() as (amqp_url, vhost):
        database = f"newsflow_e2e_{uuid.uuid4().hex[:10]}"
        env = {
            "NEWSFLOW_RABBITMQ_URL": amqp_url,
            "NEWSFLOW_MONGODB_URL": mongodb_url,
            "NEWSFLOW_MONGODB_DATABASE": database,
            "NEWSFLOW_API_KEYS": API_KEYS,
            "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
            "NEWSFLOW_LOG_LEVEL": "INFO",
            **extra_env,
        }
        stack = Stack(env=env, log_dir=log_dir)
        mongo: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, tz_aware=True)
        try:
            ingest_url, query_url = start_pipeline(
                stack, ingest_port=free_port(), query_port=free_port(), workers=workers
            )
            yield RunningPipeline(
                stack=stack,
                ingest_url=ingest_url,
                query_url=query_url,
                rabbitmq_url=amqp_url,
                vhost=vhost,
                mongodb_url=mongodb_url,
                database=database,
                mongo=mongo,
            )
        finally:
            stack.stop_all()
            mongo.drop_database(database)
            mongo.close()
