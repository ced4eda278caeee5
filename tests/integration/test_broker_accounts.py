"""The services' broker accounts against the real broker: each can do its job and nothing more.

A vhost and two users of this test's own, with exactly the permissions `python -m services.setup` gives the
ingest and enrich accounts in compose (`services/setup/accounts.py`). The topology is declared by the
administrator, as the setup step does; the services look it up passively (NEWSFLOW_DECLARE_TOPOLOGY=false),
which needs no configure permission.
"""

import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage
from aiormq.exceptions import ChannelAccessRefused

from devstack.rabbitmq import rabbitmq_vhost, rabbitmqctl
from services.ingest.publisher import ArticlePublisher
from services.setup import accounts
from shared import broker, topology

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl to create users"),
]

MAX_LENGTH = 1_000


@dataclass(frozen=True)
class Broker:
    admin_url: str
    ingest_url: str
    enrich_url: str


def _url_as(admin_url: str, user: str, password: str) -> str:
    parts = urlsplit(admin_url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port or 5672}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@pytest.fixture
def broker_accounts() -> Iterator[Broker]:
    with rabbitmq_vhost() as (admin_url, vhost):
        suffix = uuid.uuid4().hex[:8]
        users: dict[str, str] = {}
        try:
            for role, permissions in (("ingest", accounts.INGEST), ("enrich", accounts.ENRICH)):
                # Hex: a password starting with "-" would be read by rabbitmqctl as an option.
                user, password = f"newsflow-test-{role}-{suffix}", secrets.token_hex(24)
                rabbitmqctl("add_user", user, password)
                users[role] = user
                rabbitmqctl(
                    "set_permissions", "-p", vhost, user, permissions.configure, permissions.write, permissions.read
                )
                users[f"{role}-url"] = _url_as(admin_url, user, password)
            yield Broker(admin_url, users["ingest-url"], users["enrich-url"])
        finally:
            for role in ("ingest", "enrich"):
                if role in users:
                    rabbitmqctl("delete_user", users[role])


@pytest.fixture
async def declared(broker_accounts: Broker) -> Broker:
    """The setup step's part: the administrator declares the topology."""
    connection = await aio_pika.connect(broker_accounts.admin_url)
    async with connection:
        await topology.declare_topology(await connection.channel(), max_length=MAX_LENGTH)
    return broker_accounts


async def _open(url: str) -> tuple[AbstractConnection, AbstractChannel]:
    connection = await broker.connect(url, name="test", robust=False)
    return connection, await connection.channel(publisher_confirms=True, on_return_raises=True)


async def _discard(message: AbstractIncomingMessage) -> None:
    await message.nack()


def _message(body: bytes) -> aio_pika.Message:
    return broker.persistent_message(body, message_id=uuid.uuid4().hex)


async def test_ingest_account_publishes_and_nothing_else(declared: Broker) -> None:
    connection, channel = await _open(declared.ingest_url)
    async with connection:
        topo = await topology.declare_topology(channel, max_length=MAX_LENGTH, passive=True)
        await broker.publish_confirmed(topo.exchange, _message(b"{}"), topology.ARTICLE_ROUTING_KEY)
        with pytest.raises(ChannelAccessRefused):
            await topo.work_queue.get(no_ack=True, fail=False)
    connection, channel = await _open(declared.ingest_url)
    async with connection:
        queue = await channel.get_queue(topology.WORK_QUEUE, ensure=True)
        with pytest.raises(ChannelAccessRefused):
            await queue.consume(_discard)
    connection, channel = await _open(declared.ingest_url)
    async with connection:
        with pytest.raises(ChannelAccessRefused):
            await topology.declare_topology(channel, max_length=MAX_LENGTH)
    # The queue's depth, which bounds each key's share, needs no permission beyond that.
    publisher = await ArticlePublisher.open(declared.ingest_url, max_length=MAX_LENGTH, declare=False)
    try:
        assert await publisher.queue_depth() is not None
    finally:
        await publisher.close()


async def test_enrich_account_consumes_and_hands_over_only(declared: Broker) -> None:
    admin = await aio_pika.connect(declared.admin_url)
    async with admin:
        admin_topology = await topology.declare_topology(await admin.channel(), max_length=MAX_LENGTH, passive=True)
        await admin_topology.exchange.publish(_message(b"{}"), topology.ARTICLE_ROUTING_KEY)
    connection, channel = await _open(declared.enrich_url)
    async with connection:
        topo = await topology.declare_topology(channel, max_length=MAX_LENGTH, passive=True)
        message = await topo.work_queue.get(timeout=10)
        assert message is not None
        await broker.publish_confirmed(topo.retry_exchange, _message(b"{}"), topology.retry_routing_key(0))
        await broker.publish_confirmed(topo.dead_exchange, _message(b"{}"), topology.DEAD_ROUTING_KEY)
        await message.ack()
    # Publishing to the main exchange would let a worker inject articles past ingest's checks.
    connection, channel = await _open(declared.enrich_url)
    async with connection:
        main = await channel.get_exchange(topology.EXCHANGE, ensure=False)
        with pytest.raises(broker.PublishFailed) as refused:
            await broker.publish_confirmed(main, _message(b"{}"), topology.ARTICLE_ROUTING_KEY)
        assert isinstance(refused.value.__cause__, ChannelAccessRefused)
    connection, channel = await _open(declared.enrich_url)
    async with connection:
        with pytest.raises(ChannelAccessRefused):
            await channel.declare_queue("newsflow.anything", durable=True)
