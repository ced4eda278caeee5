"""SIGTERM with a request in flight: ingest and query finish it, then exit within Docker's grace period.

Each request is held in flight by something real: ingest by a client that is still uploading the body,
query by its database pausing (SIGSTOP) while it waits for an answer.
"""

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import aio_pika
import httpx
import pytest
from pymongo import MongoClient

from devstack.keys import CURSOR_SECRET, READ_KEY, READER, WRITE_KEY, WRITER
from devstack.ports import free_port
from devstack.rabbitmq import rabbitmq_vhost
from devstack.secantus import SecantusServer
from devstack.stack import STOP_GRACE_S, ServiceProcess, Stack, wait_ready
from devstack.workspace import SEED_ARTICLE
from shared import database, topology
from shared.documents import ArticleDocument

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

# How long the request stays in flight after the SIGTERM: well inside the grace period, long enough to matter.
HELD_S = 2.0
# Uvicorn re-raises the SIGTERM it handled once its graceful shutdown is done, so a clean stop reports
# "terminated by SIGTERM" (143 in Docker), as a process manager expects.
CLEAN_EXIT = (0, -signal.SIGTERM)


@pytest.fixture
def vhost_url() -> Iterator[str]:
    with rabbitmq_vhost() as (url, _):
        yield url


def _start(service: str, env: dict[str, str]) -> tuple[ServiceProcess, str]:
    port = free_port()
    stack = Stack(env={**env, "NEWSFLOW_PORT": str(port), "NEWSFLOW_LOG_LEVEL": "WARNING"})
    process = stack.start(service, name=service)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/readyz", processes=[process])
    except Exception:
        process.stop()
        raise
    return process, url


async def _exit_code(process: ServiceProcess, signalled_at: float) -> tuple[int, float]:
    code = await asyncio.to_thread(process.proc.wait, 3 * STOP_GRACE_S)
    return code, time.monotonic() - signalled_at


async def test_ingest_finishes_an_upload_in_flight_then_exits(vhost_url: str, mongodb_url: str) -> None:
    env = {"NEWSFLOW_RABBITMQ_URL": vhost_url, "NEWSFLOW_MONGODB_URL": mongodb_url}
    ingest, url = _start("ingest", env | {"NEWSFLOW_API_KEYS": f"{WRITER}:{WRITE_KEY}"})
    signalled = asyncio.Event()
    article = SEED_ARTICLE.read_bytes()

    async def slow_upload() -> AsyncIterator[bytes]:
        yield article[:100]
        await signalled.wait()
        await asyncio.sleep(HELD_S)
        yield article[100:]

    try:
        async with httpx.AsyncClient(timeout=30) as client:
            posting = asyncio.create_task(
                client.post(
                    f"{url}/v1/articles",
                    content=slow_upload(),
                    headers={"X-API-Key": WRITE_KEY, "Content-Type": "text/plain"},
                )
            )
            await asyncio.sleep(1)  # the request line, headers and the first bytes are in
            ingest.signal(signal.SIGTERM)
            signalled_at = time.monotonic()
            signalled.set()
            response = await posting
        code, took = await _exit_code(ingest, signalled_at)
    finally:
        ingest.stop()

    assert response.status_code == 202, response.text
    assert code in CLEAN_EXIT, f"exit status {code}"
    assert took < STOP_GRACE_S, f"ingest took {took:.1f}s to exit"
    # 202 meant confirmed: the message is in the queue although the process is gone.
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        queue = await (await connection.channel()).get_queue(topology.WORK_QUEUE)
        message = await queue.get(no_ack=True)
    assert message.message_id == response.json()["id"]


async def test_query_finishes_a_request_in_flight_then_exits(own_database: SecantusServer) -> None:
    name = "newsflow_shutdown"
    document = ArticleDocument(
        id="00000000000000aa",
        status="failed",
        title="Held in flight",
        body="An answer that arrives after the SIGTERM.",
        content_hash="0" * 64,
        received_at=datetime.now(UTC),
        error="test document",
    )
    with MongoClient[dict[str, object]](own_database.url) as mongo:
        mongo[name][database.ARTICLES].insert_one(database.to_mongo(document))
    query, url = _start(
        "query",
        {
            "NEWSFLOW_RABBITMQ_URL": "amqp://unused:unused@127.0.0.1:5672/",
            "NEWSFLOW_MONGODB_URL": own_database.url,
            "NEWSFLOW_MONGODB_DATABASE": name,
            "NEWSFLOW_API_KEYS": f"{READER}:{READ_KEY}:read",
            "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
        },
    )
    assert own_database.proc is not None
    database_process = own_database.proc
    try:
        async with httpx.AsyncClient(headers={"X-API-Key": READ_KEY}, timeout=30) as client:
            database_process.send_signal(signal.SIGSTOP)  # the query below now waits for the database
            try:
                reading = asyncio.create_task(client.get(f"{url}/v1/articles/{document.id}"))
                await asyncio.sleep(1)
                query.signal(signal.SIGTERM)
                signalled_at = time.monotonic()
                await asyncio.sleep(HELD_S)
            finally:
                database_process.send_signal(signal.SIGCONT)
            response = await reading
        code, took = await _exit_code(query, signalled_at)
    finally:
        query.stop()

    assert response.status_code == 200, response.text
    assert response.json()["title"] == document.title
    assert code in CLEAN_EXIT, f"exit status {code}"
    assert took < STOP_GRACE_S, f"query took {took:.1f}s to exit"
