"""`newsflow reenrich`: every stored article enriched by an older pipeline goes back through the real work queue,
with its original arrival time, and the ones the current pipeline made stay where they are."""

from collections.abc import Iterator
from datetime import UTC, datetime

import aio_pika
import pytest
from pymongo import AsyncMongoClient

from cli.reenrichment import republish_outdated
from devstack.rabbitmq import rabbitmq_vhost
from shared import database, topology
from shared.database import to_mongo
from shared.messages import ArticleSubmitted
from shared.settings import BrokerSettings, DatabaseSettings
from tests.registry_documents import document

pytestmark = pytest.mark.integration

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def vhost_url() -> Iterator[str]:
    with rabbitmq_vhost() as (url, _):
        yield url


async def test_reenrich_republishes_only_articles_of_an_older_pipeline(
    vhost_url: str, mongodb_url: str, database_name: str, mongo_client: AsyncMongoClient[dict[str, object]]
) -> None:
    old = document("00000000000000a1", "Ann Lee met Bob Stone in Paris.", RECEIVED, version="1.0.0")
    current = document("00000000000000a2", "Carl Mo spoke in Rome.", RECEIVED, version="2.0.0")
    await database.articles(mongo_client[database_name]).insert_many([to_mongo(old), to_mongo(current)])
    broker_settings = BrokerSettings(rabbitmq_url=vhost_url)
    db_settings = DatabaseSettings(mongodb_url=mongodb_url, mongodb_database=database_name)

    assert await republish_outdated(broker_settings, db_settings, "2.0.0") == 1

    connection = await aio_pika.connect(vhost_url)
    async with connection:
        queue = await (await connection.channel()).get_queue(topology.WORK_QUEUE)
        messages = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            messages.append(ArticleSubmitted.model_validate_json(message.body))
    assert [(m.id, m.article.body, m.received_at) for m in messages] == [(old.id, old.body, RECEIVED)]
