"""Broker topology, declared in one place by every process that touches it (declaring is idempotent).

Where a setup step declared it already (compose: `python -m services.setup` with the administrator account),
the services look it up passively instead (`passive=True`): a passive declare needs no configure permission,
so their broker users need none.

    ingest ──publish──▶ [newsflow] ──article──▶ (newsflow.articles, quorum, bounded)
                                                     │ worker acks after the DB write
                     ┌── delivery limit / poison ────┤
                     ▼                               │ transient error: republish with a delay
    [newsflow.dead] ──▶ (newsflow.articles.dead)      ▼
                                       [newsflow.retry] ──retry.<n>──▶ (newsflow.retry.<n>s, TTL)
                                                     └──TTL expires: dead-lettered back to [newsflow]

Quorum queues dead-letter at-most-once unless `x-dead-letter-strategy: at-least-once`, which in turn needs
`x-overflow: reject-publish`; every queue that dead-letters uses both, so a parked or delayed message
survives a broker failure. Works on RabbitMQ 3.10+ and 4.x.
"""

from dataclasses import dataclass

from aio_pika import ExchangeType
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue
from pamqp.common import FieldTable, FieldValue

EXCHANGE = "newsflow"
DEAD_EXCHANGE = "newsflow.dead"
RETRY_EXCHANGE = "newsflow.retry"
WORK_QUEUE = "newsflow.articles"
DEAD_QUEUE = "newsflow.articles.dead"
ARTICLE_ROUTING_KEY = "article"
DEAD_ROUTING_KEY = "dead"

# Backoff for transient failures (database down, timeouts): the n-th retry waits RETRY_DELAYS_S[n].
# A message that still fails after the last delay is parked in the dead-letter queue.
RETRY_DELAYS_S: tuple[int, ...] = (1, 5, 15, 30, 60, 120)

# Redeliveries before the broker itself parks a message. A worker killed with a full prefetch returns
# every message it held with its delivery count raised by one; ten such crashes in a row are needed
# before a good message is parked, while a message that kills every worker it meets stops after ten.
DELIVERY_LIMIT = 10

# Our header on parked messages, beside the broker's own `x-death`.
ERROR_HEADER = "x-newsflow-error"
ATTEMPT_HEADER = "x-newsflow-attempt"
# The id of the request that submitted the article (`shared.http.request_ids`), kept through retries and parking.
REQUEST_ID_HEADER = "x-request-id"


def retry_queue_name(attempt: int) -> str:
    return f"newsflow.retry.{RETRY_DELAYS_S[attempt]}s"


def retry_routing_key(attempt: int) -> str:
    return f"retry.{RETRY_DELAYS_S[attempt]}s"


@dataclass(frozen=True)
class Topology:
    exchange: AbstractExchange
    dead_exchange: AbstractExchange
    retry_exchange: AbstractExchange
    work_queue: AbstractQueue
    dead_queue: AbstractQueue


def _dead_letters_to(exchange: str, routing_key: str) -> FieldTable:
    return {
        "x-dead-letter-exchange": exchange,
        "x-dead-letter-routing-key": routing_key,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


async def declare_topology(
    channel: AbstractChannel, *, max_length: int, passive: bool = False, replicas: int | None = None
) -> Topology:
    """Declare every exchange, queue and binding; with `passive`, only check that those a service uses exist.

    `replicas`: each quorum queue's initial group size (the broker's default when None).
    """
    if passive:
        return await _existing_topology(channel)

    def _quorum(**arguments: FieldValue) -> FieldTable:
        group: FieldTable = {} if replicas is None else {"x-quorum-initial-group-size": replicas}
        return {"x-queue-type": "quorum", **group, **arguments}

    exchange = await channel.declare_exchange(EXCHANGE, ExchangeType.DIRECT, durable=True)
    dead_exchange = await channel.declare_exchange(DEAD_EXCHANGE, ExchangeType.DIRECT, durable=True)
    retry_exchange = await channel.declare_exchange(RETRY_EXCHANGE, ExchangeType.DIRECT, durable=True)

    dead_queue = await channel.declare_queue(DEAD_QUEUE, durable=True, arguments=_quorum())
    await dead_queue.bind(dead_exchange, DEAD_ROUTING_KEY)

    work_queue = await channel.declare_queue(
        WORK_QUEUE,
        durable=True,
        arguments=_quorum(
            **_dead_letters_to(DEAD_EXCHANGE, DEAD_ROUTING_KEY),
            **{"x-delivery-limit": DELIVERY_LIMIT, "x-max-length": max_length},
        ),
    )
    await work_queue.bind(exchange, ARTICLE_ROUTING_KEY)

    for attempt, delay_s in enumerate(RETRY_DELAYS_S):
        retry_queue = await channel.declare_queue(
            retry_queue_name(attempt),
            durable=True,
            arguments=_quorum(**_dead_letters_to(EXCHANGE, ARTICLE_ROUTING_KEY), **{"x-message-ttl": delay_s * 1000}),
        )
        await retry_queue.bind(retry_exchange, retry_routing_key(attempt))

    return Topology(exchange, dead_exchange, retry_exchange, work_queue, dead_queue)


async def _existing_topology(channel: AbstractChannel) -> Topology:
    """The topology a setup step declared; a missing exchange or queue closes the channel (404 NOT_FOUND)."""
    return Topology(
        exchange=await channel.get_exchange(EXCHANGE, ensure=True),
        dead_exchange=await channel.get_exchange(DEAD_EXCHANGE, ensure=True),
        retry_exchange=await channel.get_exchange(RETRY_EXCHANGE, ensure=True),
        work_queue=await channel.get_queue(WORK_QUEUE, ensure=True),
        dead_queue=await channel.get_queue(DEAD_QUEUE, ensure=True),
    )
