"""Stand-ins at the worker's three boundaries, so its ack, retry and park decisions run without servers
(`tests/unit/test_worker.py`); the real-broker tests use `ScriptedEnricher` too, to load no model.

`StubBroker` plays RabbitMQ from the worker's side (one connection, the topology, deliveries, acks and
confirmed publishes); `MemoryStore` is the database; `ScriptedEnricher` is the NLP, told per title what to
do. The broker and the store write what happened on one `Timeline`, so a test can assert the order (stored,
then acked) and wait for a state without sleeping.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from aio_pika import Message
from aio_pika.abc import AbstractConnection
from aio_pika.exceptions import DeliveryError
from pamqp.commands import Basic
from pymongo.errors import AutoReconnect, DocumentTooLarge, OperationFailure

from services.enrich.model_process import ModelCrashed, NotStarted
from services.enrich.nlp.enrichment import ArticleText, UnprocessableArticle
from services.enrich.store import StoredVersion
from shared.documents import ArticleDocument, Enrichment, Pipeline, Summary, TextStats
from shared.messages import ArticleDeleted

Event = tuple[str, ...]
WAIT_S = 5.0

# Titles that tell `ScriptedEnricher` what to do with an article.
REJECTED = "rejected by the NLP"
KILLS_THE_MODEL = "kills the model"
HITS_A_BUG = "hits a bug"
TOO_LATE = "reaches the model after the stop"
# Titles that tell `MemoryStore` to refuse an article's enriched document.
TOO_LARGE = "too large to store once enriched"
REFUSED_BY_A_BUG = "refused by a bug in the database"


class Timeline:
    """What happened at the boundaries, in order; `until` waits for a condition on the stand-ins' state."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    def add(self, *event: str) -> None:
        self.events.append(event)
        self.changed()

    def changed(self) -> None:
        self._changed.set()

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT_S):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


class _Callbacks:
    def __init__(self) -> None:
        self._callbacks: list[Callable[..., object]] = []

    def add(self, callback: Callable[..., object]) -> None:
        self._callbacks.append(callback)

    def fire(self) -> None:
        for callback in self._callbacks:
            callback(None, ConnectionError("connection lost"))


class StubMessage:
    """A delivered message: records how the worker settled it."""

    def __init__(self, broker: "StubBroker", body: bytes, headers: dict[str, Any], message_id: str | None) -> None:
        self._broker = broker
        self.body = body
        self.headers = headers
        self.message_id = message_id
        self.settled: str | None = None

    async def ack(self) -> None:
        self._settle("ack")

    async def nack(self, requeue: bool = True) -> None:
        self._settle("requeue" if requeue else "reject")

    def _settle(self, how: str) -> None:
        assert self.settled is None, f"message {self.message_id} settled twice ({self.settled}, then {how})"
        self.settled = how
        self._broker.timeline.add(how, self.message_id or "")


@dataclass
class Published:
    exchange: str
    routing_key: str
    message: Message


class StubExchange:
    def __init__(self, broker: "StubBroker", name: str) -> None:
        self._broker = broker
        self.name = name

    async def publish(self, message: Message, routing_key: str, **_: object) -> None:
        if self.name in self._broker.refusing:
            raise DeliveryError(None, Basic.Nack())
        self._broker.published.append(Published(self.name, routing_key, message))
        self._broker.timeline.add("publish", message.message_id or "", self.name)


class StubQueue:
    def __init__(self, broker: "StubBroker", name: str) -> None:
        self._broker = broker
        self.name = name

    async def bind(self, exchange: StubExchange, routing_key: str) -> None:
        pass

    async def consume(self, callback: Callable[[Any], Awaitable[None]], no_ack: bool = False) -> str:
        self._broker.consumer = callback
        self._broker.timeline.changed()
        return "consumer"

    async def cancel(self, consumer_tag: str) -> None:
        self._broker.consumer = None


class StubChannel:
    def __init__(self, broker: "StubBroker") -> None:
        self._broker = broker
        self.close_callbacks = _Callbacks()

    async def set_qos(self, *, prefetch_count: int) -> None:
        pass

    async def declare_exchange(self, name: str, *_: object, **__: object) -> StubExchange:
        return StubExchange(self._broker, name)

    async def declare_queue(self, name: str, *_: object, **__: object) -> StubQueue:
        return StubQueue(self._broker, name)


class StubConnection:
    def __init__(self, broker: "StubBroker") -> None:
        self._broker = broker
        self.close_callbacks = _Callbacks()
        self.is_closed = False

    async def channel(self, **_: object) -> StubChannel:
        return StubChannel(self._broker)

    async def close(self) -> None:
        self.is_closed = True


class StubBroker:
    """RabbitMQ as one worker sees it; `connect` is what the worker is given as its `connect=`."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.published: list[Published] = []
        self.refusing: set[str] = set()  # exchanges whose publishes the broker nacks
        self.consumer: Callable[[Any], Awaitable[None]] | None = None
        self.connections: list[StubConnection] = []

    async def connect(self) -> AbstractConnection:
        connection = StubConnection(self)
        self.connections.append(connection)
        self.timeline.changed()
        return cast(AbstractConnection, connection)

    async def deliver(
        self, body: bytes, *, message_id: str | None = None, headers: dict[str, Any] | None = None
    ) -> StubMessage:
        assert self.consumer is not None, "the worker is not consuming"
        message = StubMessage(self, body, dict(headers or {}), message_id)
        await self.consumer(message)
        return message

    def lose_connection(self) -> None:
        self.consumer = None
        self.connections[-1].close_callbacks.fire()

    @property
    def events(self) -> list[Event]:
        return self.timeline.events

    def to(self, exchange: str) -> list[Published]:
        return [published for published in self.published if published.exchange == exchange]


@dataclass
class MemoryStore:
    """The database: documents by id, and the arrival times of deletions (tombstones); `outage` store calls in a
    row fail as if the server were unreachable.

    Like pymongo, a write with an enriched document titled `TOO_LARGE` fails whole with `DocumentTooLarge`
    (its failed document, without the enrichment, fits); one titled `REFUSED_BY_A_BUG` fails whole with an
    error that says nothing about the document.
    """

    timeline: Timeline
    documents: dict[str, ArticleDocument] = field(default_factory=dict)
    tombstones: dict[str, datetime] = field(default_factory=dict)
    outage: int = 0
    writes: list[list[str]] = field(default_factory=list)

    async def versions(self, ids: Iterable[str]) -> dict[str, StoredVersion]:
        found: dict[str, StoredVersion] = {}
        for id in ids:
            if (document := self.documents.get(id)) is not None:
                found[id] = StoredVersion(
                    content_hash=document.content_hash,
                    pipeline_version=document.pipeline.version if document.pipeline else None,
                    status=document.status,
                    received_at=document.received_at,
                )
            elif (deleted := self.tombstones.get(id)) is not None:
                found[id] = StoredVersion("", None, "deleted", received_at=deleted, deleted=True)
        return found

    async def store(self, documents: Sequence[ArticleDocument], deletions: Sequence[ArticleDeleted] = ()) -> None:
        if not documents and not deletions:
            return
        if self.outage:
            self.outage -= 1
            raise AutoReconnect("connection refused")
        for document in documents:
            if document.title == TOO_LARGE and document.status == "enriched":
                raise DocumentTooLarge("BSON document too large (17000000 bytes)")
            if document.title == REFUSED_BY_A_BUG:
                raise OperationFailure("an error nobody expected")
        self.writes.append([document.id for document in documents] + [deletion.id for deletion in deletions])
        for document in documents:
            self.documents[document.id] = document
            self.timeline.add("stored", document.id)
        for deletion in deletions:
            self.documents.pop(deletion.id, None)
            self.tombstones[deletion.id] = deletion.received_at
            self.timeline.add("deleted", deletion.id)


def enrichment_of(article: ArticleText) -> Enrichment:
    return Enrichment(
        language="en",
        language_source="detected",
        entities=[],
        summary=Summary(text=article.body, sentences=[]),
        keywords=[],
        stats=TextStats(words=len(article.body.split()), sentences=1, reading_time_minutes=0.01),
    )


@dataclass
class RecordingEnricher:
    """The NLP at its boundary, as a stand-in pipeline version that records the titles of each batch."""

    version: str = "1.0.0"
    batches: list[list[str]] = field(default_factory=list)

    def pipeline(self, worker: str | None = None) -> Pipeline:
        return Pipeline(version=self.version, model="stand-in", model_version="0", worker=worker)


@dataclass
class ScriptedEnricher(RecordingEnricher):
    """What it does with an article depends on the title (see the constants above)."""

    async def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int, stop: asyncio.Event
    ) -> list[Enrichment | UnprocessableArticle]:
        titles = [article.title for article in articles]
        self.batches.append(titles)
        if TOO_LATE in titles:
            raise NotStarted
        if KILLS_THE_MODEL in titles:
            raise ModelCrashed("the model process died while annotating this batch")
        if HITS_A_BUG in titles:
            raise KeyError("a bug in the enrichment")
        rejected = UnprocessableArticle("the article has no words to analyse")
        return [rejected if article.title == REJECTED else enrichment_of(article) for article in articles]

    @property
    def enriched(self) -> list[str]:
        return [title for batch in self.batches for title in batch]
