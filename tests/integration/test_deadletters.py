"""The dead-letter path against the real broker and database: who parks what, with which reason, and the CLI.

- The broker itself parks a message that was returned more often than the delivery limit (`x-death`).
- The worker parks an article the NLP rejects, and records it as `failed`, visible through the query API.
- `newsflow dlq list` shows parked messages; `newsflow dlq replay ID` sends one back to the work queue;
  `newsflow dlq purge` deletes them all once confirmed.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel

from devstack.keys import API_KEYS, READ_KEY, WRITER
from devstack.rabbitmq import rabbitmq_vhost
from services.enrich.settings import WorkerSettings
from services.enrich.store import ArticleStore
from services.enrich.worker import Worker
from services.query.app import create_app
from services.query.settings import QuerySettings
from shared import database, topology
from shared.articles import ArticleIn, article_id
from shared.messages import ArticleSubmitted
from tests.integration.conftest import serving
from tests.worker_doubles import REJECTED, ScriptedEnricher

pytestmark = pytest.mark.integration

WAIT_S = 60.0


@pytest.fixture
def vhost_url() -> Iterator[str]:
    """A vhost of this test's own: the dead-letter queue starts empty."""
    with rabbitmq_vhost() as (url, _):
        yield url


@pytest.fixture
async def channel(vhost_url: str) -> AsyncIterator[AbstractChannel]:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        opened = await connection.channel(publisher_confirms=True, on_return_raises=True)
        await topology.declare_topology(opened, max_length=WorkerSettings.model_fields["queue_max_length"].default)
        yield opened


def _submission(title: str, body: str) -> ArticleSubmitted:
    article = ArticleIn(title=title, body=body)
    return ArticleSubmitted(
        id=article_id(article, WRITER), owner=WRITER, article=article, received_at=datetime.now(UTC)
    )


async def _publish(channel: AbstractChannel, exchange: str, key: str, body: bytes, **properties: Any) -> None:
    target = await channel.get_exchange(exchange)
    await target.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, **properties), key)


async def _next_message(channel: AbstractChannel, queue_name: str) -> aio_pika.abc.AbstractIncomingMessage:
    queue = await channel.get_queue(queue_name)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while loop.time() < deadline:
        message = await queue.get(no_ack=False, fail=False)
        if message is not None:
            return message
        await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing arrived in {queue_name} within {WAIT_S}s")


async def test_the_broker_parks_a_message_returned_more_often_than_the_delivery_limit(channel: AbstractChannel) -> None:
    await _publish(channel, topology.EXCHANGE, topology.ARTICLE_ROUTING_KEY, b"{}", message_id="crash-loop")
    work = await channel.get_queue(topology.WORK_QUEUE)
    deliveries = 0
    while (message := await work.get(no_ack=False, fail=False)) is not None:
        deliveries += 1
        await message.nack(requeue=True)  # what a worker that crashes on it amounts to
    assert deliveries == topology.DELIVERY_LIMIT + 1

    parked = await _next_message(channel, topology.DEAD_QUEUE)
    assert parked.message_id == "crash-loop"
    deaths = parked.headers["x-death"]
    assert isinstance(deaths, list) and len(deaths) == 1
    death = deaths[0]
    assert isinstance(death, dict)
    assert death["reason"] == "delivery_limit"
    assert death["queue"] == topology.WORK_QUEUE


async def test_an_article_the_nlp_rejects_is_parked_and_shown_as_failed(
    channel: AbstractChannel, vhost_url: str, mongodb_url: str, database_name: str
) -> None:
    rejected = _submission(REJECTED, "Some body that the model cannot handle.")
    fine = _submission("An ordinary article", "The council met on Monday and agreed the budget.")
    settings = WorkerSettings(
        rabbitmq_url=vhost_url, mongodb_url=mongodb_url, mongodb_database=database_name, batch_wait_ms=50
    )
    client = database.connect(settings)
    stop = asyncio.Event()
    try:
        store = ArticleStore(database.database(client, settings))
        worker = Worker(settings=settings, enricher=ScriptedEnricher(), store=store)
        running = asyncio.create_task(worker.run(stop))
        for submission in (rejected, fine):
            body = submission.model_dump_json().encode()
            await _publish(channel, topology.EXCHANGE, topology.ARTICLE_ROUTING_KEY, body, message_id=submission.id)
        parked = await _next_message(channel, topology.DEAD_QUEUE)
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    finally:
        stop.set()
        await client.close()

    assert parked.message_id == rejected.id
    assert str(parked.headers[topology.ERROR_HEADER]).startswith("enrichment failed: the article has no words")

    query = create_app(
        QuerySettings(
            rabbitmq_url=vhost_url,
            mongodb_url=mongodb_url,
            mongodb_database=database_name,
            api_keys=API_KEYS,
            cursor_secret="x" * 32,
        )
    )
    async with serving(query) as http:
        failed = (await http.get(f"/v1/articles/{rejected.id}", headers={"X-API-Key": READ_KEY})).json()
        enriched = (await http.get(f"/v1/articles/{fine.id}", headers={"X-API-Key": READ_KEY})).json()
    assert failed["status"] == "failed"
    assert failed["error"].startswith("enrichment failed: the article has no words")
    assert failed["title"] == REJECTED
    assert enriched["status"] == "enriched"


def _newsflow(vhost_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("newsflow", path=str(Path(sys.executable).parent)) or "newsflow"
    env = {**os.environ, "NEWSFLOW_RABBITMQ_URL": vhost_url}
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60, check=True)


async def test_dlq_list_shows_parked_messages_and_replay_sends_one_back(
    channel: AbstractChannel, vhost_url: str
) -> None:
    submissions = [_submission(f"Parked article {n}", f"Body of parked article number {n}.") for n in range(3)]
    for n, submission in enumerate(submissions):
        await _publish(
            channel,
            topology.DEAD_EXCHANGE,
            topology.DEAD_ROUTING_KEY,
            submission.model_dump_json().encode(),
            message_id=submission.id,
            headers={topology.ERROR_HEADER: f"database error: AutoReconnect; gave up after 6 retries ({n})"},
        )

    listed = await asyncio.to_thread(_newsflow, vhost_url, "dlq", "list")
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(submission.id for submission in submissions)
    assert all(line["reason"].startswith("database error: AutoReconnect") for line in lines)
    assert all(line["bytes"] > 0 for line in lines)

    chosen = submissions[1]
    await asyncio.to_thread(_newsflow, vhost_url, "dlq", "replay", chosen.id)

    replayed = await _next_message(channel, topology.WORK_QUEUE)
    assert replayed.message_id == chosen.id
    assert ArticleSubmitted.model_validate_json(replayed.body) == chosen
    assert topology.ERROR_HEADER not in replayed.headers
    await replayed.ack()
    left = await asyncio.to_thread(_newsflow, vhost_url, "dlq", "list")
    assert sorted(json.loads(line)["id"] for line in left.stdout.splitlines()) == sorted(
        submission.id for submission in submissions if submission is not chosen
    )


def test_dlq_looks_the_topology_up_without_declaring_it_when_told(vhost_url: str) -> None:
    """With NEWSFLOW_DECLARE_TOPOLOGY=false (compose, where a setup step declared it), the CLI needs no
    configure right: it only looks the queues up, so on a broker without them it fails instead of creating them."""
    exe = shutil.which("newsflow", path=str(Path(sys.executable).parent)) or "newsflow"
    env = {**os.environ, "NEWSFLOW_RABBITMQ_URL": vhost_url, "NEWSFLOW_DECLARE_TOPOLOGY": "false"}
    missing = subprocess.run([exe, "dlq", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no Newsflow queues" in missing.stderr, missing.stderr
    _newsflow(vhost_url, "dlq", "list")  # declares, as the local stack does
    found = subprocess.run([exe, "dlq", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr


async def test_dlq_purge_deletes_the_parked_messages_only_once_confirmed(
    channel: AbstractChannel, vhost_url: str
) -> None:
    for n in range(2):
        submission = _submission(f"Purged article {n}", f"Body of purged article number {n}.")
        await _publish(
            channel,
            topology.DEAD_EXCHANGE,
            topology.DEAD_ROUTING_KEY,
            submission.model_dump_json().encode(),
            message_id=submission.id,
            headers={topology.ERROR_HEADER: "invalid message: article.title: too short"},
        )
    exe = shutil.which("newsflow", path=str(Path(sys.executable).parent)) or "newsflow"
    env = {**os.environ, "NEWSFLOW_RABBITMQ_URL": vhost_url}
    declined = await asyncio.to_thread(
        subprocess.run, [exe, "dlq", "purge"], env=env, input="n\n", capture_output=True, text=True, timeout=60
    )
    assert declined.returncode == 1 and "delete 2 parked message(s)?" in declined.stdout, declined
    assert len((await asyncio.to_thread(_newsflow, vhost_url, "dlq", "list")).stdout.splitlines()) == 2

    purged = await asyncio.to_thread(_newsflow, vhost_url, "dlq", "purge", "--yes")
    assert "deleted 2 parked message(s)" in purged.stderr
    assert (await asyncio.to_thread(_newsflow, vhost_url, "dlq", "list")).stdout == ""
    empty = await asyncio.to_thread(_newsflow, vhost_url, "dlq", "purge")
    assert "the dead-letter queue is empty" in empty.stderr
