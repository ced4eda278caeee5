"""`DELETE /v1/articles/{id}` and the retention sweep against the real RabbitMQ and database: who may delete,
what the workers receive, and which articles a retention period deletes."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest
from pymongo import AsyncMongoClient

from devstack.keys import ADMIN, ADMIN_KEY, API_KEYS, OTHER_WRITE_KEY, READ_KEY, WRITE_KEY, WRITER
from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared import database, topology
from shared.documents import ArticleDocument
from shared.messages import ARTICLE_MESSAGE, ArticleDeleted
from tests.integration import query_data
from tests.integration.conftest import serving

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


def _settings(rabbitmq_url: str, mongodb_url: str, database_name: str, **overrides: Any) -> IngestSettings:
    values = {
        "rabbitmq_url": rabbitmq_url,
        "mongodb_url": mongodb_url,
        "mongodb_database": database_name,
        "api_keys": API_KEYS,
    }
    return IngestSettings(**(values | overrides))


async def _store(mongo: AsyncMongoClient[dict[str, Any]], name: str, documents: list[ArticleDocument]) -> None:
    await database.articles(mongo[name]).insert_many([database.to_mongo(document) for document in documents])


async def _drain(rabbitmq_url: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(rabbitmq_url)
    messages = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(topology.WORK_QUEUE, ensure=True)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            messages.append(message)
    return messages


def _deleted(message: aio_pika.abc.AbstractIncomingMessage) -> ArticleDeleted:
    parsed = ARTICLE_MESSAGE.validate_json(message.body)
    assert isinstance(parsed, ArticleDeleted), parsed
    return parsed


@pytest.fixture
async def stored(
    mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> AsyncIterator[dict[str, ArticleDocument]]:
    """Three stored articles: the writer's, the other writer's, and one stored before key names (no owner)."""
    mine, theirs, unowned = query_data.corpus(3, received_from=NOW - timedelta(days=1))
    articles = {
        "mine": mine.model_copy(update={"owner": WRITER}),
        "theirs": theirs.model_copy(update={"owner": "other-writer"}),
        "unowned": unowned,
    }
    await _store(mongo_client, database_name, list(articles.values()))
    yield articles
    await mongo_client.drop_database(database_name)


@pytest.fixture
async def ingest(rabbitmq_url: str, mongodb_url: str, database_name: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_app(_settings(rabbitmq_url, mongodb_url, database_name))) as client:
        yield client


async def test_the_owner_deletes_its_article_through_the_queue(
    ingest: httpx.AsyncClient, stored: dict[str, ArticleDocument], rabbitmq_url: str
) -> None:
    await _drain(rabbitmq_url)
    article = stored["mine"]
    before = datetime.now(UTC)

    response = await ingest.delete(f"/v1/articles/{article.id}", headers={"X-API-Key": WRITE_KEY})

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["id"] == article.id and body["status"] == "delete-queued"
    assert body["links"]["article"].endswith(f"/v1/articles/{article.id}")
    [message] = await _drain(rabbitmq_url)
    assert message.message_id == article.id
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    deleted = _deleted(message)
    assert deleted.id == article.id and deleted.requested_by == WRITER
    # Now: newer than every version received so far, so none of them comes back.
    assert before <= deleted.received_at <= datetime.now(UTC)


async def test_another_writer_may_not_delete_and_nothing_is_queued(
    ingest: httpx.AsyncClient, stored: dict[str, ArticleDocument], rabbitmq_url: str
) -> None:
    await _drain(rabbitmq_url)
    for article in (stored["theirs"], stored["unowned"]):
        response = await ingest.delete(f"/v1/articles/{article.id}", headers={"X-API-Key": WRITE_KEY})

        assert response.status_code == 403, response.text
        assert "belongs to another key" in response.json()["detail"]
    assert await _drain(rabbitmq_url) == []


async def test_an_admin_key_deletes_any_article(
    ingest: httpx.AsyncClient, stored: dict[str, ArticleDocument], rabbitmq_url: str
) -> None:
    await _drain(rabbitmq_url)
    for article in (stored["theirs"], stored["unowned"]):
        response = await ingest.delete(f"/v1/articles/{article.id}", headers={"X-API-Key": ADMIN_KEY})
        assert response.status_code == 202, response.text

    messages = [_deleted(message) for message in await _drain(rabbitmq_url)]
    assert [(m.id, m.requested_by) for m in messages] == [(stored["theirs"].id, ADMIN), (stored["unowned"].id, ADMIN)]


@pytest.mark.parametrize(
    ("path", "key", "status", "reason"),
    [
        ("/v1/articles/0123456789abcdef", WRITE_KEY, 404, "no stored article has the id 0123456789abcdef"),
        ("/v1/articles/0123456789abcdef", ADMIN_KEY, 404, "not stored yet, or deleted"),
        ("/v1/articles/not-an-id", WRITE_KEY, 422, "pattern"),
        ("/v1/articles/0123456789ABCDEF", WRITE_KEY, 422, "pattern"),
        ("/v1/articles/0123456789abcdef", READ_KEY, 403, "may not write"),
        ("/v1/articles/0123456789abcdef", "", 401, "missing API key"),
    ],
)
async def test_a_delete_that_cannot_be_done_says_why_and_queues_nothing(
    ingest: httpx.AsyncClient,
    stored: dict[str, ArticleDocument],
    rabbitmq_url: str,
    path: str,
    key: str,
    status: int,
    reason: str,
) -> None:
    await _drain(rabbitmq_url)
    response = await ingest.delete(path, headers={"X-API-Key": key} if key else {})
    assert response.status_code == status, response.text
    assert reason in response.json()["detail"]
    assert await _drain(rabbitmq_url) == []


async def test_deletes_count_against_the_key_rate_like_posts(
    stored: dict[str, ArticleDocument], rabbitmq_url: str, mongodb_url: str, database_name: str
) -> None:
    settings = _settings(rabbitmq_url, mongodb_url, database_name, rate_limit="2/minute")
    async with serving(create_app(settings)) as limited:
        await _drain(rabbitmq_url)
        path = f"/v1/articles/{stored['mine'].id}"
        answers = [(await limited.delete(path, headers={"X-API-Key": WRITE_KEY})).status_code for _ in range(2)]
        refused = await limited.delete(path, headers={"X-API-Key": WRITE_KEY})
        other = await limited.delete(path, headers={"X-API-Key": OTHER_WRITE_KEY})
    assert answers == [202, 202]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert other.status_code == 403  # another key has its own rate
    assert len(await _drain(rabbitmq_url)) == 2


async def test_the_database_down_answers_503_and_posts_still_pass(rabbitmq_url: str) -> None:
    # Nothing listens on port 9: the owner cannot be read, while a post needs no database.
    settings = _settings(rabbitmq_url, "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500", "unreachable")
    async with serving(create_app(settings)) as ingest:
        await _drain(rabbitmq_url)
        refused = await ingest.delete("/v1/articles/0123456789abcdef", headers={"X-API-Key": WRITE_KEY})
        posted = await ingest.post("/v1/articles", json={"title": "T", "body": "B"}, headers={"X-API-Key": WRITE_KEY})
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert "retry later" in refused.json()["detail"]
    assert posted.status_code == 202
    [message] = await _drain(rabbitmq_url)
    assert ARTICLE_MESSAGE.validate_json(message.body).kind == "submitted"


async def test_retention_deletes_only_articles_older_than_the_period(
    mongo_client: AsyncMongoClient[dict[str, Any]], rabbitmq_url: str, mongodb_url: str, database_name: str
) -> None:
    # Received 40 days ago and 20 days ago: a period of 30 days deletes the first six only, a batch per sweep.
    old = query_data.corpus(6, namespace="old", received_from=NOW - timedelta(days=40))
    recent = query_data.corpus(6, namespace="recent", received_from=NOW - timedelta(days=20))
    await _store(mongo_client, database_name, [*old, *recent])
    await _drain(rabbitmq_url)
    settings = _settings(rabbitmq_url, mongodb_url, database_name, retention_days=30, retention_batch=3)
    try:
        async with serving(create_app(settings)):
            messages = await _wait_for_messages(rabbitmq_url, 3)
    finally:
        await mongo_client.drop_database(database_name)

    deletes = [_deleted(message) for message in messages]
    # The oldest first, at most a batch per sweep; each the stored version's time plus a millisecond, so a
    # re-post received since the sweep read the article wins over the delete.
    oldest = sorted(old, key=lambda document: (document.received_at, document.id))[:3]
    assert sorted(d.id for d in deletes) == sorted(document.id for document in oldest)
    by_id = {document.id: document for document in old}
    assert all(d.received_at == by_id[d.id].received_at + timedelta(milliseconds=1) for d in deletes)
    assert {d.requested_by for d in deletes} == {"retention"}


async def _wait_for_messages(rabbitmq_url: str, count: int, timeout_s: float = 30) -> list[Any]:
    """The messages of the work queue once it holds `count`, and a moment longer to catch any extra one."""
    deadline = time.monotonic() + timeout_s
    messages: list[Any] = []
    while len(messages) < count and time.monotonic() < deadline:
        messages += await _drain(rabbitmq_url)
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    return messages + await _drain(rabbitmq_url)
