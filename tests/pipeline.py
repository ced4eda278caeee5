"""The whole pipeline as real processes (the compose commands) on a private vhost and database."""

import secrets
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

from cli.stack import ServiceProcess, Stack, wait_ready
from tests.servers import free_port, rabbitmq_vhost

WRITE_KEY = "e2e-write-key-" + secrets.token_hex(8)
READ_KEY = "e2e-read-key-" + secrets.token_hex(8)


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

    @property
    def env(self) -> dict[str, str]:
        return dict(self.stack.env)

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
    with rabbitmq_vhost() as (amqp_url, vhost):
        ingest_port, query_port = free_port(), free_port()
        database = f"newsflow_e2e_{uuid.uuid4().hex[:10]}"
        env = {
            "NEWSFLOW_RABBITMQ_URL": amqp_url,
            "NEWSFLOW_MONGODB_URL": mongodb_url,
            "NEWSFLOW_MONGODB_DATABASE": database,
            "NEWSFLOW_API_KEYS": f"{WRITE_KEY},{READ_KEY}:read",
            "NEWSFLOW_CURSOR_SECRET": secrets.token_urlsafe(32),
            "NEWSFLOW_QUERY_BASE_URL": f"http://127.0.0.1:{query_port}",
            "NEWSFLOW_LOG_LEVEL": "INFO",
            **extra_env,
        }
        stack = Stack(env=env, log_dir=log_dir)
        mongo: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, tz_aware=True)
        try:
            ingest = stack.start("ingest", extra_env={"NEWSFLOW_PORT": str(ingest_port)}, name="ingest")
            query = stack.start("query", extra_env={"NEWSFLOW_PORT": str(query_port)}, name="query")
            for _ in range(workers):
                stack.start("enrich")
            wait_ready(f"http://127.0.0.1:{ingest_port}/readyz", processes=[ingest])
            wait_ready(f"http://127.0.0.1:{query_port}/readyz", processes=[query])
            yield RunningPipeline(
                stack=stack,
                ingest_url=f"http://127.0.0.1:{ingest_port}",
                query_url=f"http://127.0.0.1:{query_port}",
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
