"""Ingest in-process against the real broker: each message carries the id of the request that submitted it."""

from collections.abc import AsyncIterator

import aio_pika
import pytest

from devstack.keys import API_KEYS, WRITE_KEY
from devstack.rabbitmq import rabbitmq_vhost
from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared import topology
from tests.integration.conftest import serving

pytestmark = pytest.mark.integration
WRITE = {"X-API-Key": WRITE_KEY}


@pytest.fixture
async def vhost() -> AsyncIterator[str]:
    with rabbitmq_vhost() as (url, _):
        yield url


async def _messages(url: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(url)
    found = []
    async with connection:
        queue = await (await connection.channel()).get_queue(topology.WORK_QUEUE, ensure=True)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            found.append(message)
    return found


async def test_every_article_of_a_request_carries_its_id_in_a_header(vhost: str) -> None:
    # Neither test deletes, so ingest never reads the database it names.
    settings = IngestSettings(rabbitmq_url=vhost, mongodb_url="mongodb://unused", api_keys=API_KEYS)
    async with serving(create_app(settings)) as ingest:
        given = await ingest.post(
            "/v1/articles", json={"title": "One", "body": "One body."}, headers={**WRITE, "X-Request-ID": "caller-1"}
        )
        batch = await ingest.post(
            "/v1/articles:batch",
            json=[{"title": "Two", "body": "Two body."}, {"title": "Three", "body": "Three body."}],
            headers=WRITE,
        )
    assert given.status_code == batch.status_code == 202
    assert given.headers["X-Request-ID"] == "caller-1"
    own = batch.headers["X-Request-ID"]
    assert len(own) == 32 and own != "caller-1"
    headers = {
        message.message_id: message.headers.get(topology.REQUEST_ID_HEADER) for message in await _messages(vhost)
    }
    assert headers[given.json()["id"]] == "caller-1"
    assert [headers[item["id"]] for item in batch.json()["accepted"]] == [own, own]


async def test_the_metrics_endpoint_needs_no_key_and_counts_the_requests(vhost: str) -> None:
    # Neither test deletes, so ingest never reads the database it names.
    settings = IngestSettings(rabbitmq_url=vhost, mongodb_url="mongodb://unused", api_keys=API_KEYS)
    async with serving(create_app(settings)) as ingest:
        await ingest.post("/v1/articles", json={"title": "Counted", "body": "A body."}, headers=WRITE)
        metrics = await ingest.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'newsflow_http_requests_total{handler="/v1/articles",method="POST",status="202"}' in metrics.text
    assert "/metrics" not in (await _openapi(settings))


async def _openapi(settings: IngestSettings) -> str:
    async with serving(create_app(settings)) as ingest:
        return (await ingest.get("/openapi.json")).text
