"""Connecting to any node of a RabbitMQ cluster, and publishing that a caller can rely on: persistent,
confirmed by the broker, routed, or an exception.

aio-pika connects to one URL; `Failover` keeps the list of the cluster's nodes and opens each connection on
the first node that answers, starting after the node it last reached, so a connection lost with its node
is reopened on another. Whoever holds the connection reconnects through it when the connection is lost
(the worker's consume loop, ingest's publisher). Confirms and acks keep their meaning across the change:
a publish whose confirm never came is reported as failed, and a delivery not acked before its connection
went is redelivered by the broker.
"""

import asyncio
import logging

import aio_pika
from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractConnection, AbstractExchange, HeadersType
from aio_pika.exceptions import CONNECTION_EXCEPTIONS, AMQPError, DeliveryError, PublishError
from pamqp.common import FieldTable

from shared.broker_addresses import redacted, split_addresses

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_S = 5.0
# What a failed connection attempt, or a lost connection, raises: try the next address, or later.
CONNECTION_ERRORS = CONNECTION_EXCEPTIONS
# Per address: a node that is down refuses at once, one that is unreachable costs this much.
CONNECT_TIMEOUT_S = 5.0


class BrokerUnreachable(ConnectionError):
    """No address of the list took the connection."""


class PublishFailed(Exception):
    """The broker did not take responsibility for the message; the caller must not report success."""


def persistent_message(body: bytes, *, message_id: str, headers: HeadersType | None = None) -> Message:
    return Message(
        body,
        delivery_mode=DeliveryMode.PERSISTENT,
        content_type="application/json",
        message_id=message_id,
        headers=headers or {},
    )


async def publish_confirmed(
    exchange: AbstractExchange, message: Message, routing_key: str, *, timeout_s: float = CONFIRM_TIMEOUT_S
) -> None:
    """Publish with `mandatory` and wait for the confirm; unroutable, nacked (queue full) or late → PublishFailed.

    The channel behind `exchange` must have publisher confirms on and `on_return_raises=True`.
    """
    try:
        # aio-pika's timeout covers the write and the confirm only: on a robust channel that is reconnecting,
        # publish first waits for the connection without any bound. This one bounds the whole call.
        async with asyncio.timeout(timeout_s):
            await exchange.publish(message, routing_key, mandatory=True, timeout=timeout_s)
    except PublishError as exc:
        raise PublishFailed("message was returned as unroutable") from exc
    except DeliveryError as exc:
        raise PublishFailed("broker refused the message (queue full or unavailable)") from exc
    except TimeoutError as exc:
        raise PublishFailed("no publisher confirm within the timeout") from exc
    except (AMQPError, ConnectionError, RuntimeError) as exc:
        raise PublishFailed(f"broker connection unusable: {type(exc).__name__}") from exc


class Failover:
    """The addresses of one broker (a single node, or every node of a cluster) and which to try next."""

    def __init__(self, url: str, *, name: str) -> None:
        """`url`: one AMQP URL or several, comma-separated. `name` shows in the management UI and in
        `rabbitmqctl list_connections`, to tell services apart."""
        self.addresses = split_addresses(url)
        self._properties: FieldTable = {"connection_name": f"newsflow-{name}"}
        self._next = 0
        self.current: str | None = None  # the address of the last connection opened

    async def connect(self) -> AbstractConnection:
        """A connection to the first address that answers, from the one after the address last reached.

        Raises the connection error itself when there is one address, `BrokerUnreachable` when there are more.
        """
        failures: list[str] = []
        for step in range(len(self.addresses)):
            index = (self._next + step) % len(self.addresses)
            address = self.addresses[index]
            try:
                connection = await aio_pika.connect(
                    address, timeout=CONNECT_TIMEOUT_S, client_properties=self._properties
                )
            except CONNECTION_ERRORS as exc:
                if len(self.addresses) == 1:
                    raise
                log.warning("broker %s unavailable (%s)", redacted(address), type(exc).__name__)
                failures.append(f"{redacted(address)}: {type(exc).__name__}")
                continue
            # After this connection is lost, the next attempt starts on another node.
            self._next = (index + 1) % len(self.addresses)
            self.current = address
            return connection
        raise BrokerUnreachable("no broker address answered (" + "; ".join(failures) + ")")


async def connect(url: str, *, name: str, robust: bool = False) -> AbstractConnection:
    """A connection to the first of the setting's addresses that answers.

    With `robust`, aio-pika reconnects it by itself and restores its channels, but only to the address it
    reached first: for a single-node broker. Against a cluster, hold a `Failover` and reconnect through it.
    """
    if not robust:
        return await Failover(url, name=name).connect()
    properties: FieldTable = {"connection_name": f"newsflow-{name}"}
    failures: list[BaseException] = []
    for address in split_addresses(url):
        try:
            return await aio_pika.connect_robust(address, timeout=CONNECT_TIMEOUT_S, client_properties=properties)
        except CONNECTION_ERRORS as exc:
            failures.append(exc)
    raise failures[-1]
