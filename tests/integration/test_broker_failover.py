"""Several broker addresses against the real RabbitMQ: a dead address is passed over, a lost connection is
reopened on the next address, and a publish whose confirm never came is reported as failed.

A TCP relay in front of the broker stands for one node of a cluster: stopping it is that node going away,
holding it is a node that takes a publish and never answers.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage

from devstack.ports import free_port
from devstack.rabbitmq import rabbitmq_vhost
from services.ingest.publisher import ArticlePublisher
from shared import broker, topology
from shared.articles import ArticleIn, article_id
from shared.messages import ArticleSubmitted

pytestmark = pytest.mark.integration

MAX_LENGTH = 1_000
RECOVER_S = 30.0


class NodeRelay:
    """Forwards TCP connections to the broker; `hold` stops the broker's answers, `stop` drops everything."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._answers = asyncio.Event()
        self._answers.set()
        self.port = free_port()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    def hold(self) -> None:
        self._answers.clear()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._answers.set()  # held pipes find their connection gone and end
        if self._server is not None:
            await self._server.wait_closed()

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        broker_reader, broker_writer = await asyncio.open_connection(*self._target)
        self._writers |= {client_writer, broker_writer}
        await asyncio.gather(
            self._pipe(client_reader, broker_writer, held=False),
            self._pipe(broker_reader, client_writer, held=True),
            return_exceptions=True,
        )
        for writer in (client_writer, broker_writer):
            writer.transport.abort()
            self._writers.discard(writer)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, held: bool) -> None:
        while data := await reader.read(65536):
            if held:
                await self._answers.wait()
            writer.write(data)
            await writer.drain()
        writer.transport.abort()


def _at(url: str, port: int) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{port}"))


@pytest.fixture
def vhost_url() -> Iterator[str]:
    with rabbitmq_vhost() as (url, _):
        yield url


@pytest.fixture
async def relay(vhost_url: str) -> AsyncIterator[NodeRelay]:
    parts = urlsplit(vhost_url)
    node = NodeRelay(parts.hostname or "127.0.0.1", parts.port or 5672)
    await node.start()
    yield node
    await node.stop()


def _submission(n: int) -> ArticleSubmitted:
    article = ArticleIn(title=f"Failover {n}", body=f"The ferry left Dover on Monday ({n}).")
    return ArticleSubmitted(id=article_id(article, "test"), article=article, received_at=datetime.now(UTC))


async def _queued(url: str) -> int:
    async with await aio_pika.connect(url) as connection:
        queue = await (await connection.channel()).get_queue(topology.WORK_QUEUE, ensure=True)
        declared = await queue.declare()
        return declared.message_count or 0


async def test_a_dead_address_first_is_passed_over(vhost_url: str) -> None:
    dead = _at(vhost_url, free_port())
    failover = broker.Failover(f"{dead},{vhost_url}", name="test")
    connection = await failover.connect()
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue("failover.check", auto_delete=True)
    assert failover.current == vhost_url


async def test_no_address_answering_is_one_clear_error(vhost_url: str) -> None:
    dead = [_at(vhost_url, free_port()) for _ in range(2)]
    with pytest.raises(broker.BrokerUnreachable) as raised:
        await broker.Failover(",".join(dead), name="test").connect()
    assert raised.value.args[0].count("127.0.0.1") == 2
    assert "guest:guest" not in str(raised.value)  # passwords stay out of the message


async def test_publisher_reopens_on_the_next_node_and_an_unconfirmed_publish_is_not_accepted(
    vhost_url: str, relay: NodeRelay
) -> None:
    publisher = await ArticlePublisher.open(f"{_at(vhost_url, relay.port)},{vhost_url}", max_length=MAX_LENGTH)
    try:
        await publisher.publish(_submission(1))  # through the relay: the first address

        # The node takes the message but its confirm never comes back: the caller hears of a failure.
        relay.hold()
        with pytest.raises(broker.PublishFailed):
            await publisher.publish(_submission(2))

        # The node goes away: the publisher reopens its connection on the next address by itself, and a
        # client retrying as told by the 503 is accepted again.
        await relay.stop()
        async with asyncio.timeout(RECOVER_S):
            while True:
                try:
                    await publisher.publish(_submission(3))
                    break
                except broker.PublishFailed:
                    await asyncio.sleep(0.2)
    finally:
        await publisher.close()
    # 1 and 3 were confirmed; 2 may or may not have reached the queue, and was reported as not accepted.
    assert await _queued(vhost_url) in {2, 3}


async def test_an_unacked_delivery_comes_back_through_the_next_node(vhost_url: str, relay: NodeRelay) -> None:
    publisher = await ArticlePublisher.open(vhost_url, max_length=MAX_LENGTH)
    try:
        await publisher.publish(_submission(4))
    finally:
        await publisher.close()
    failover = broker.Failover(f"{_at(vhost_url, relay.port)},{vhost_url}", name="test")

    first = await failover.connect()
    queue = await (await first.channel()).get_queue(topology.WORK_QUEUE, ensure=True)
    held = await queue.get(no_ack=False)
    assert not held.redelivered
    await relay.stop()  # the node goes before the ack

    second = await failover.connect()
    async with second:
        assert failover.current == vhost_url
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        queue = await (await second.channel()).get_queue(topology.WORK_QUEUE, ensure=True)
        await queue.consume(inbox.put)
        again = await asyncio.wait_for(inbox.get(), timeout=RECOVER_S)
        assert again.message_id == held.message_id and again.redelivered
        await again.ack()
    with contextlib.suppress(*broker.CONNECTION_ERRORS):
        await first.close()
