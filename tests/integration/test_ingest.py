"""Ingest against the real RabbitMQ: 202 only for confirmed messages, clear 4xx for bad input, 503 when full."""

import json
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import httpx
import pytest

from devstack.keys import ADMIN, ADMIN_KEY, API_KEYS, OTHER_WRITE_KEY, OTHER_WRITER, READ_KEY, WRITE_KEY, WRITER
from devstack.rabbitmq import rabbitmq_vhost
from devstack.workspace import SEED_ARTICLE
from services.ingest.app import create_app
from services.ingest.deps import OWNER_HEADER
from services.ingest.settings import IngestSettings
from shared import topology
from shared.messages import ArticleSubmitted
from tests.integration.conftest import serving

pytestmark = pytest.mark.integration
WRITE = {"X-API-Key": WRITE_KEY}
ARTICLE = {"title": "Talks resume", "body": "Delegates met in Geneva on Tuesday."}


# These tests never delete, so ingest never reads its database (PyMongo connects on first use).
UNUSED_DATABASE = "mongodb://unused"


def _settings(rabbitmq_url: str, **overrides: Any) -> IngestSettings:
    return IngestSettings(
        **({"rabbitmq_url": rabbitmq_url, "mongodb_url": UNUSED_DATABASE, "api_keys": API_KEYS} | overrides)
    )


@pytest.fixture
async def ingest(rabbitmq_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_app(_settings(rabbitmq_url))) as client:
        yield client


async def _drain(rabbitmq_url: str, queue: str = topology.WORK_QUEUE) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(rabbitmq_url)
    messages = []
    async with connection:
        channel = await connection.channel()
        q = await channel.get_queue(queue, ensure=True)
        while (message := await q.get(no_ack=True, fail=False)) is not None:
            messages.append(message)
    return messages


async def test_text_article_is_queued_persistently_with_its_id(ingest: httpx.AsyncClient, rabbitmq_url: str) -> None:
    await _drain(rabbitmq_url)
    response = await ingest.post(
        "/v1/articles", content=SEED_ARTICLE.read_bytes(), headers={**WRITE, "Content-Type": "text/plain"}
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and len(body["id"]) == 16
    assert body["links"]["article"].endswith(f"/v1/articles/{body['id']}")

    [message] = await _drain(rabbitmq_url)
    assert message.message_id == body["id"]
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    submitted = ArticleSubmitted.model_validate_json(message.body)
    assert submitted.id == body["id"] and submitted.schema_version == 1
    assert submitted.article.source == "China Daily"
    assert submitted.article.title == "Beijing calls for dialogue on Ukraine crisis"


async def test_json_and_text_of_one_article_share_an_id(ingest: httpx.AsyncClient, rabbitmq_url: str) -> None:
    text = await ingest.post(
        "/v1/articles",
        content=SEED_ARTICLE.read_bytes(),
        headers={**WRITE, "Content-Type": "text/plain; charset=utf-8"},
    )
    [message] = await _drain(rabbitmq_url)
    article = ArticleSubmitted.model_validate_json(message.body).article
    as_json = await ingest.post("/v1/articles", json=article.model_dump(mode="json"), headers=WRITE)
    assert as_json.status_code == 202
    assert as_json.json()["id"] == text.json()["id"]
    await _drain(rabbitmq_url)


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"X-API-Key": "not-a-key-at-all-000"}, 401), ({"X-API-Key": READ_KEY}, 403)],
)
async def test_writes_need_a_write_key(ingest: httpx.AsyncClient, headers: dict[str, str], status: int) -> None:
    response = await ingest.post("/v1/articles", json={"title": "t", "body": "b"}, headers=headers)
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "reason"),
    [
        (json.dumps({"title": "", "body": "text"}), "application/json", 422, "title"),
        (json.dumps({"title": "t", "body": "b", "extra": 1}), "application/json", 422, "extra"),
        ("{not json", "application/json", 422, "invalid"),
        (b"Title\n\n\xff\xfe body", "text/plain", 422, "UTF-8"),
        ("Title\n\nbody with \x00 nul", "text/plain", 422, "NUL"),
        ("only a title", "text/plain", 422, "body"),
        ("title,body", "text/csv", 415, "Content-Type"),
    ],
)
async def test_bad_input_gets_a_short_reason(
    ingest: httpx.AsyncClient, content: str | bytes, content_type: str, status: int, reason: str
) -> None:
    response = await ingest.post("/v1/articles", content=content, headers={**WRITE, "Content-Type": content_type})
    assert response.status_code == status, response.text
    assert reason in response.text
    assert len(response.content) < 4_000


async def test_body_over_the_limit_is_413(ingest: httpx.AsyncClient) -> None:
    body = "x" * (1_048_576 + 1)
    response = await ingest.post("/v1/articles", content=body, headers={**WRITE, "Content-Type": "text/plain"})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


async def test_batch_accepts_valid_items_and_refuses_one_with_an_invalid_item(
    ingest: httpx.AsyncClient, rabbitmq_url: str
) -> None:
    await _drain(rabbitmq_url)
    items = [{"title": f"Story {i}", "body": f"Body of story {i}."} for i in range(5)] + [{"title": "", "body": "x"}]
    refused = await ingest.post("/v1/articles:batch", json=items, headers=WRITE)
    assert refused.status_code == 422, refused.text
    assert [error["loc"] for error in refused.json()["errors"]] == ["[5].title"]
    assert await _drain(rabbitmq_url) == []  # nothing of a refused batch is queued

    response = await ingest.post("/v1/articles:batch", json=items[:5], headers=WRITE)
    assert response.status_code == 202, response.text
    result = response.json()
    assert [a["index"] for a in result["accepted"]] == [0, 1, 2, 3, 4] and result["rejected"] == []
    queued = {m.message_id for m in await _drain(rabbitmq_url)}
    assert queued == {a["id"] for a in result["accepted"]}

    ndjson = "\n".join(json.dumps(item) for item in items[:3])
    response = await ingest.post(
        "/v1/articles:batch", content=ndjson, headers={**WRITE, "Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 202 and len(response.json()["accepted"]) == 3
    await _drain(rabbitmq_url)


async def test_full_queue_answers_503_with_retry_after_then_recovers() -> None:
    # A queue bounded at 100 messages, in a vhost of its own (queue arguments cannot change once declared).
    # Quorum queues apply the bound a little lazily, so a few publishes past 100 may still be confirmed.
    with rabbitmq_vhost() as (url, _):
        async with serving(create_app(_settings(url, queue_max_length=100))) as bounded:
            statuses = []
            for i in range(130):
                response = await bounded.post(
                    "/v1/articles", json={"title": f"Flood {i}", "body": f"Body {i}."}, headers=WRITE
                )
                statuses.append(response.status_code)
                if response.status_code == 503:
                    break
            assert statuses[:100] == [202] * 100
            assert statuses[-1] == 503, "the queue was never reported full"
            assert response.headers["Retry-After"].isdigit()
            assert "retry later" in response.json()["detail"]

            drained = await _drain(url)
            assert len(drained) == statuses.count(202), "every confirmed article is in the queue"
            again = await bounded.post("/v1/articles", json={"title": "After", "body": "Room again."}, headers=WRITE)
            assert again.status_code == 202


async def test_health_and_readiness(ingest: httpx.AsyncClient) -> None:
    assert (await ingest.get("/healthz")).json() == {"status": "ok"}
    assert (await ingest.get("/readyz")).status_code == 200


async def test_during_a_rotation_both_secrets_submit_as_the_same_name(rabbitmq_url: str) -> None:
    rotated = "dev-rotated-key-0123456789abcdef"
    keys = f"{API_KEYS},{WRITER}:{rotated}"
    await _drain(rabbitmq_url)
    async with serving(create_app(_settings(rabbitmq_url, api_keys=keys))) as ingest:
        ids = {
            (await ingest.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": key})).json()["id"]
            for key in (WRITE_KEY, rotated)
        }
        other = await ingest.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": OTHER_WRITE_KEY})
    assert len(ids) == 1 and other.json()["id"] not in ids
    owners = [ArticleSubmitted.model_validate_json(message.body).owner for message in await _drain(rabbitmq_url)]
    assert owners == [WRITER, WRITER, OTHER_WRITER]


async def test_only_an_admin_key_submits_as_another_owner(ingest: httpx.AsyncClient, rabbitmq_url: str) -> None:
    await _drain(rabbitmq_url)
    as_writer = {OWNER_HEADER: WRITER}
    refused = await ingest.post("/v1/articles:batch", json=[ARTICLE], headers={**WRITE, **as_writer})
    bad_name = await ingest.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": ADMIN_KEY, OWNER_HEADER: "a b"})
    batch = await ingest.post("/v1/articles:batch", json=[ARTICLE], headers={"X-API-Key": ADMIN_KEY, **as_writer})
    own = await ingest.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": ADMIN_KEY})
    assert (refused.status_code, bad_name.status_code, batch.status_code, own.status_code) == (403, 400, 202, 202)
    owners = [ArticleSubmitted.model_validate_json(message.body).owner for message in await _drain(rabbitmq_url)]
    assert owners == [WRITER, ADMIN]


async def test_the_rate_limit_counts_articles_not_requests(rabbitmq_url: str) -> None:
    items = [{"title": f"Counted {i}", "body": f"Body {i}."} for i in range(7)]
    async with serving(create_app(_settings(rabbitmq_url, rate_limit="10/minute"))) as limited:
        await _drain(rabbitmq_url)
        first = await limited.post("/v1/articles:batch", json=items[:4], headers=WRITE)
        assert first.status_code == 202
        # 4 of 10 are spent: a batch of 7 is more than the rest, and none of it is queued.
        refused = await limited.post("/v1/articles:batch", json=items, headers=WRITE)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        assert len(await _drain(rabbitmq_url)) == 4
        # The refused batch cost one article on arrival: 5 are left.
        fits = await limited.post("/v1/articles:batch", json=items[:5], headers=WRITE)
        assert fits.status_code == 202, fits.text
        assert (await limited.post("/v1/articles", json=items[0], headers=WRITE)).status_code == 429
        await _drain(rabbitmq_url)
