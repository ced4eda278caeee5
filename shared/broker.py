"""Publishing that a caller can rely on: persistent, confirmed by the broker, routed, or an exception."""

import asyncio

import aio_pika
from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractExchange, HeadersType
from aio_pika.exceptions import AMQPError, DeliveryError, PublishError
from pamqp.common import FieldTable

CONFIRM_TIMEOUT_S = 5.0


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


async def connect(url: str, *, name: str, robust: bool = True) -> aio_pika.abc.AbstractConnection:
    """Connect with a short timeout; a robust connection reconnects and restores its channels by itself.

    `name` shows in the management UI and `rabbitmqctl list_connections`, to tell services apart.
    """
    properties: FieldTable = {"connection_name": f"newsflow-{name}"}
    if robust:
        return await aio_pika.connect_robust(url, timeout=5, client_properties=properties)
    return await aio_pika.connect(url, timeout=5, client_properties=properties)
