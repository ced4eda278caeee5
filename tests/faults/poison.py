"""Messages no worker can ever process, published straight to the work queue, and a look at where they end up."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika

from shared import topology


@dataclass(frozen=True)
class Poison:
    message_id: str
    body: bytes
    kind: str  # "invalid message" or "enrichment failed": the start of the reason the worker must give


# Articles without a single word: exactly what the NLP cannot analyse (`UnprocessableArticle`). No valid message
# reaches the NLP like that, because the message schema already demands words in title and body; so these are
# parked as invalid messages, before any model runs. (No valid article was found that the NLP rejects.)
WITHOUT_WORDS = [
    {"title": "!!!", "body": "..."},
    {"title": "Headline", "body": "\u2014 \u2013 \u2026 ?!"},
    {"title": "🙂", "body": "🙂🙂🙂"},
    {"title": "Headline", "body": "   \n\t  "},
    {"title": "?", "body": "%%% ### @@@"},
    {"title": "Headline", "body": "\u200b\u200b"},
]


def _with_words_missing(article: dict[str, str]) -> tuple[str, bytes]:
    """A message shaped like ingest's, with the id ingest would give the article, but an article without words."""
    identity = hashlib.sha256(f"text\x1f{article['title']}\x1f{article['body']}".encode()).hexdigest()[:16]
    message = {"schema_version": 1, "id": identity, "article": article, "received_at": datetime.now(UTC).isoformat()}
    return identity, json.dumps(message).encode()


NOT_JSON = [b"not json at all", b"", b"{", b"[1, 2", b"\xff\xfe\x00garbage", b"<html><body>hi</body></html>", b"null"]
WRONG_SCHEMA: list[Any] = [
    {"id": "x"},
    [1, 2, 3],
    42,
    {"id": "0123456789abcdef", "article": {"title": "No body"}, "received_at": "2024-01-01T00:00:00Z"},
    {"id": "NOT-HEX-ID", "article": {"title": "t", "body": "b"}, "received_at": "2024-01-01T00:00:00Z"},
    {"schema_version": 2, "id": "0123456789abcdef", "article": {"title": "t", "body": "b"}, "received_at": "now"},
    {"id": "0123456789abcdef", "article": {"title": "t", "body": "b", "colour": "red"}, "received_at": "x"},
]


def poison_messages() -> list[Poison]:
    """Twenty: not JSON, JSON of the wrong shape, and well-formed messages whose article has no words."""
    messages = [Poison(f"poison-not-json-{n}", body, "invalid message") for n, body in enumerate(NOT_JSON)]
    messages += [
        Poison(f"poison-schema-{n}", json.dumps(body).encode(), "invalid message")
        for n, body in enumerate(WRONG_SCHEMA)
    ]
    for article in WITHOUT_WORDS:
        identity, body = _with_words_missing(article)
        messages.append(Poison(identity, body, "invalid message"))
    return messages


async def publish_straight_to_queue(rabbitmq_url: str, messages: list[Poison]) -> None:
    """Through the default exchange, bypassing ingest and its validation; confirmed like any publish."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        for message in messages:
            await channel.default_exchange.publish(
                aio_pika.Message(
                    message.body, message_id=message.message_id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                ),
                routing_key=topology.WORK_QUEUE,
            )


async def parked_messages(rabbitmq_url: str) -> dict[str, dict[str, Any]]:
    """Headers of every message in the dead-letter queue, by message id; all stay parked."""
    connection = await aio_pika.connect(rabbitmq_url)
    parked: dict[str, dict[str, Any]] = {}
    async with connection:
        channel = await connection.channel()
        dead = await channel.get_queue(topology.DEAD_QUEUE, ensure=True)
        while (message := await dead.get(no_ack=False, fail=False)) is not None:
            parked[message.message_id or ""] = dict(message.headers)
        # Closing the channel without acks returns every fetched message to the queue.
    return parked
