"""The enrichment worker: the only place that knows about acknowledgements.

For each batch: decode → skip what is stored already → enrich off the event loop → one store call (the
documents and the batch's deletions, in one transaction) → ack. A message is acked only after its document
or deletion is written (or after it was parked in the dead-letter queue or handed to a delay queue, each
confirmed by the broker), so a crash at any point means redelivery, never loss; the store keeps the newest
version of each article, so a redelivery is harmless. A failure other than the database being down is
isolated to the article that caused it: the batch is enriched or written again article by article, so its
neighbours are stored and acked.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

from aio_pika import Message
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange, AbstractIncomingMessage
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError
from bson.errors import InvalidDocument
from pydantic import ValidationError
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError, WriteConcernError, WriteError

from services.enrich import metrics
from services.enrich.model_process import ModelCrashed, NotStarted
from services.enrich.nlp.enrichment import ArticleText, UnprocessableArticle
from services.enrich.settings import WorkerSettings
from services.enrich.store import StoredVersion
from services.enrich.stored_document import content_hash, enriched_document, failed_document
from shared import broker, topology
from shared.documents import ArticleDocument, Enrichment, Pipeline
from shared.logs import article_context
from shared.messages import ARTICLE_MESSAGE, ArticleDeleted, ArticleSubmitted

log = logging.getLogger(__name__)

# Connection-level failures after which the worker reconnects (its unacked messages return to the queue).
BROKER_ERRORS = (AMQPError, ChannelInvalidStateError, ConnectionError, OSError)
RECONNECT_DELAYS_S = (0.5, 1, 2, 5, 10)
# The database cannot take any write now: the whole batch waits in a delay queue. Any other write failure is
# looked for in each document alone.
DATABASE_UNAVAILABLE = (ConnectionFailure, WriteConcernError)
# A document the database will never take as it is: too large (`DocumentTooLarge` is an `InvalidDocument`, not
# a `PyMongoError`), not encodable, or refused by the server's checks. Retrying would not help.
UNWRITABLE = (InvalidDocument, WriteError, BulkWriteError)
# Batches in progress at once: while one is written and acked, the next is already in the model (which runs
# one batch at a time), so the model does not sit idle while the database writes (docs/performance.md).
BATCHES_IN_PROGRESS = 2
# How long a stopping worker lets its batches in progress finish before cancelling them: with the model's
# shutdown and the connection's close it stays inside Docker's 10 s grace period.
STOP_DRAIN_S = 4.0


def _header_int(message: AbstractIncomingMessage, name: str) -> int:
    value = message.headers.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _superseded(known: StoredVersion, submission: ArticleSubmitted, content_hash: str, pipeline_version: str) -> bool:
    """Whether storing this submission would change nothing: the same content enriched by this pipeline version
    is stored, or the store would keep what it has (a newer version, or a tombstone no older than this)."""
    if known.received_at is not None:
        received = submission.received_at
        if received.tzinfo is None:
            received = received.replace(tzinfo=UTC)
        if known.received_at > received or (known.deleted and known.received_at >= received):
            return True
    return (
        known.status == "enriched" and known.content_hash == content_hash and known.pipeline_version == pipeline_version
    )


def _request_id(message: AbstractIncomingMessage) -> str | None:
    """The id of the request that submitted the article, for the log lines about it."""
    value = message.headers.get(topology.REQUEST_ID_HEADER)
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    return text[:128] if isinstance(text, str) else None  # ingest sends at most 128; a log line stays short


def _first_error(tasks: Iterable[asyncio.Task[None]]) -> BaseException | None:
    """The first failure among finished tasks; every outcome is read, so none is logged as never retrieved."""
    errors = [task.exception() for task in tasks if not task.cancelled()]
    return next((error for error in errors if error is not None), None)


class BatchEnricher(Protocol):
    """The NLP as the worker sees it (`OffloadedEnricher` in the service; a stand-in in tests)."""

    def pipeline(self, worker: str | None = None) -> Pipeline: ...

    async def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int, stop: asyncio.Event
    ) -> list[Enrichment | UnprocessableArticle]:
        """Raises `NotStarted` when `stop` is set before the batch reaches the model: the worker is stopping,
        and the batch goes back to the queue instead."""
        ...


class DocumentStore(Protocol):
    """Where documents are written (`ArticleStore` in the service; a stand-in in tests)."""

    async def versions(self, ids: Iterable[str]) -> dict[str, StoredVersion]:
        """What is stored for these ids, to tell whether a redelivered message needs any work."""
        ...

    async def store(self, documents: Sequence[ArticleDocument], deletions: Sequence[ArticleDeleted] = ()) -> None:
        """Raises `PyMongoError` when the database cannot take the write (the worker retries later)."""
        ...


Connect = Callable[[], Awaitable[AbstractConnection]]


@dataclass(frozen=True)
class _Refusal:
    """Why the database did not take one document, and whether that is the document's fault (then it is
    recorded as failed and parked) or not (then its message is retried)."""

    reason: str
    permanent: bool

    @classmethod
    def of(cls, error: Exception) -> "_Refusal":
        permanent = isinstance(error, UNWRITABLE)
        what = "the database refused the document" if permanent else "unexpected error writing the document"
        return cls(f"{what}: {type(error).__name__}: {error}"[:500], permanent)


@dataclass
class _Job:
    message: AbstractIncomingMessage
    submission: ArticleSubmitted
    content_hash: str


@dataclass
class _Removal:
    message: AbstractIncomingMessage
    deletion: ArticleDeleted


class _Session:
    """One broker connection's worth of state: channel, topology, and the messages it delivered."""

    def __init__(self, connection: AbstractConnection, channel: AbstractChannel, topo: topology.Topology) -> None:
        self.connection = connection
        self.channel = channel
        self.topology = topo
        self.inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self.lost = asyncio.Event()
        connection.close_callbacks.add(lambda *_: self.lost.set())
        channel.close_callbacks.add(lambda *_: self.lost.set())

    async def deliver(self, message: AbstractIncomingMessage) -> None:
        metrics.IN_FLIGHT.inc()
        await self.inbox.put(message)


class Worker:
    def __init__(
        self,
        *,
        settings: WorkerSettings,
        enricher: BatchEnricher,
        store: DocumentStore,
        connect: Connect | None = None,
    ) -> None:
        """`connect` opens a broker connection (by default to `settings.rabbitmq_url`); tests pass a stand-in."""
        self._settings = settings
        self._enricher = enricher
        self._store = store
        self._failover = broker.Failover(settings.rabbitmq_url, name="enrich")
        self._connect = connect or self._failover.connect
        self._pipeline = enricher.pipeline(worker=settings.worker_name)
        self._stop = asyncio.Event()
        self.consuming = False  # holds a consumer on the work queue right now

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; reconnect with backoff whenever the broker connection is lost.

        Not a robust connection: a lost connection returns the unacked messages to the queue at once, and
        each reconnection goes through the failover, to another node of a cluster first.
        """
        self._stop = stop
        failures = 0
        while not stop.is_set():
            try:
                await self._consume(stop)
                failures = 0
            except BROKER_ERRORS as exc:
                delay = RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)]
                failures += 1
                log.warning("broker unavailable (%s); reconnecting in %ss", type(exc).__name__, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)

    async def _consume(self, stop: asyncio.Event) -> None:
        connection = await self._connect()
        try:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            await channel.set_qos(prefetch_count=self._settings.prefetch_count)
            topo = await topology.declare_topology(
                channel,
                max_length=self._settings.queue_max_length,
                passive=not self._settings.declare_topology,
                replicas=self._settings.quorum_group_size,
            )
            session = _Session(connection, channel, topo)
            consumer_tag = await topo.work_queue.consume(session.deliver, no_ack=False)
            self.consuming = True
            log.info("consuming from %s", topology.WORK_QUEUE)
            in_progress: set[asyncio.Task[None]] = set()
            try:
                while not stop.is_set() and not session.lost.is_set():
                    batch = await self._next_batch(session, stop)
                    if batch:
                        in_progress.add(asyncio.create_task(metrics.batch(self._process(session, batch), len(batch))))
                    if len(in_progress) >= BATCHES_IN_PROGRESS:
                        # A stop is heard at once, not only once a batch is done: the drain below is timed.
                        stopping = asyncio.ensure_future(stop.wait())
                        await asyncio.wait({*in_progress, stopping}, return_when=asyncio.FIRST_COMPLETED)
                        stopping.cancel()
                        done = {task for task in in_progress if task.done()}
                        in_progress -= done
                        if (error := _first_error(done)) is not None:
                            raise error  # a broker error ends this session, as it did when awaited directly
            finally:
                # Whatever ended the loop, no batch is left running unobserved after its session is gone. A batch
                # still unfinished after STOP_DRAIN_S (a slow or contended store) is cancelled, so the worker exits
                # within Docker's grace period: its transaction commits whole or not at all, and its unacked
                # messages are redelivered when the connection closes (a committed one is then found stored).
                if in_progress:
                    _, late = await asyncio.wait(in_progress, timeout=STOP_DRAIN_S)
                    for task in late:
                        task.cancel()
                    if late:
                        log.warning("cancelled %d unfinished batch(es) to stop in time", len(late))
                        await asyncio.wait(late)
                error = _first_error(in_progress)
            if error is not None:
                raise error
            if session.lost.is_set():
                raise ConnectionError("broker connection lost")
            # Stopping: take no more deliveries; what was delivered but not started goes back at once.
            await topo.work_queue.cancel(consumer_tag)
            while not session.inbox.empty():
                await session.inbox.get_nowait().nack(requeue=True)
        finally:
            self.consuming = False
            metrics.IN_FLIGHT.set(0)  # what the session held went back to the queue with it
            if not connection.is_closed:
                await connection.close()

    async def _next_batch(self, session: _Session, stop: asyncio.Event) -> list[AbstractIncomingMessage]:
        """Wait for one message, then up to `batch_wait_ms` more for the batch to fill."""
        first = asyncio.ensure_future(session.inbox.get())
        stopped = asyncio.ensure_future(stop.wait())
        lost = asyncio.ensure_future(session.lost.wait())
        await asyncio.wait({first, stopped, lost}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        lost.cancel()
        if not first.done():
            first.cancel()
            return []
        batch = [first.result()]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.batch_wait_ms / 1000
        while len(batch) < self._settings.batch_size and not stop.is_set():
            try:
                batch.append(await asyncio.wait_for(session.inbox.get(), timeout=max(0, deadline - loop.time())))
            except TimeoutError:
                break
        return batch

    async def _process(self, session: _Session, batch: list[AbstractIncomingMessage]) -> None:
        jobs: list[_Job] = []
        removals: list[_Removal] = []
        for message in batch:
            decoded = await self._decode(session, message)
            if isinstance(decoded, _Job):
                jobs.append(decoded)
            elif isinstance(decoded, _Removal):
                removals.append(decoded)
        if jobs or removals:
            await self._handle(session, jobs, removals)

    async def _handle(self, session: _Session, jobs: list[_Job], removals: list[_Removal]) -> None:
        messages = [(job.message, job.submission.id) for job in jobs] + [
            (removal.message, removal.deletion.id) for removal in removals
        ]
        try:
            documents, parked = await self._enrich(jobs)
            refused = await self._write(documents, [removal.deletion for removal in removals])
        except NotStarted:
            # Only the batch already in the model is finished after SIGTERM, so the worker exits within
            # Docker's grace period; these messages are redelivered to another worker at once.
            for message, _ in messages:
                await message.nack(requeue=True)
            return
        except ModelCrashed:
            if len(messages) > 1:
                # Perhaps one article killed the model: one at a time, only that one is retried and parked.
                log.warning("the model process died under a batch; retrying its %d articles one by one", len(jobs))
                await self._one_by_one(session, jobs, removals)
                return
            await self._retry(session, *messages[0], "the model process died on this article")
            return
        except DATABASE_UNAVAILABLE as exc:
            log.warning("database unavailable (%s); delaying %d messages", type(exc).__name__, len(messages))
            for message, article_id in messages:
                await self._retry(session, message, article_id, f"database error: {type(exc).__name__}")
            return
        except Exception as exc:  # a bug, not the article's fault: retried, then parked if it persists
            if len(messages) > 1:
                # Perhaps one article trips it: alone, the others are stored and only that one is retried.
                log.exception("unexpected error while processing a batch; processing its articles one by one")
                await self._one_by_one(session, jobs, removals)
                return
            log.exception("unexpected error while processing an article")
            await self._retry(session, *messages[0], f"unexpected error: {type(exc).__name__}")
            return
        for job in jobs:
            with article_context(job.submission.id, request_id=_request_id(job.message)):
                refusal = refused.get(job.submission.id)
                reason = parked.get(job.submission.id)
                if refusal is not None and not refusal.permanent:
                    await self._retry(session, job.message, job.submission.id, refusal.reason)
                elif refusal is not None:
                    await self._record_failure(session, job, refusal.reason)
                elif reason is not None:
                    await self._park(session, job.message, reason)
                else:
                    await job.message.ack()
                    metrics.stored(job.submission.received_at)
                    log.info("article stored")
        for removal in removals:
            with article_context(removal.deletion.id, request_id=_request_id(removal.message)):
                refusal = refused.get(removal.deletion.id)
                if refusal is not None and not refusal.permanent:
                    await self._retry(session, removal.message, removal.deletion.id, refusal.reason)
                elif refusal is not None:
                    await self._park(session, removal.message, refusal.reason)
                else:
                    await removal.message.ack()
                    log.info("article deleted")

    async def _one_by_one(self, session: _Session, jobs: Sequence[_Job], removals: Sequence[_Removal]) -> None:
        for job in jobs:
            await self._handle(session, [job], [])
        for removal in removals:
            await self._handle(session, [], [removal])

    async def _write(
        self, documents: Sequence[ArticleDocument], deletions: Sequence[ArticleDeleted] = ()
    ) -> dict[str, _Refusal]:
        """Write the documents and deletions; those the database would not take, by id, with the reason.

        When a batch write fails for any reason but the database being unavailable, each document and deletion
        is written alone, so only the one at fault is held back and its neighbours are stored.
        """
        try:
            with metrics.stage("store", len(documents)):
                await self._store.store(documents, deletions)
            return {}
        except DATABASE_UNAVAILABLE:
            raise
        except Exception as exc:
            if len(documents) + len(deletions) == 1:
                return {(documents or deletions)[0].id: _Refusal.of(exc)}
            log.warning("the database refused a batch (%s); writing its documents one by one", type(exc).__name__)
        refused: dict[str, _Refusal] = {}
        for document in documents:
            refused |= await self._write([document])
        for deletion in deletions:
            refused |= await self._write([], [deletion])
        return refused

    async def _record_failure(self, session: _Session, job: _Job, reason: str) -> None:
        """Store the article as failed, without its enrichment (what made the document unwritable), and park it."""
        document = failed_document(job.submission, reason, self._pipeline, content_hash=job.content_hash)
        try:
            await self._store.store([document])
        except Exception as exc:  # parked all the same: the dead-letter queue holds the reason
            log.warning("could not record the failed article (%s); parking it anyway", type(exc).__name__)
        await self._park(session, job.message, reason)

    async def _decode(self, session: _Session, message: AbstractIncomingMessage) -> _Job | _Removal | None:
        try:
            with metrics.stage("decode", 1):
                decoded = ARTICLE_MESSAGE.validate_json(message.body)
        except ValidationError as exc:
            error = exc.errors()[0]
            # The first part of the location is the message kind, which says nothing to a reader.
            where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "message"
            what = error["msg"]
            if error["type"] == "union_tag_invalid":
                where, what = "kind", f"{error.get('ctx', {}).get('tag')!r} is neither 'submitted' nor 'deleted'"
            await self._park(session, message, f"invalid message: {where}: {what}"[:500])
            return None
        deliveries = _header_int(message, "x-delivery-count")
        stuck = deliveries >= topology.DELIVERY_LIMIT - 1
        reason = f"delivered {deliveries + 1} times without being acknowledged (workers crashed or stopped on it)"
        if isinstance(decoded, ArticleDeleted):
            if stuck:
                with article_context(decoded.id, request_id=_request_id(message)):
                    await self._park(session, message, reason)
                return None
            return _Removal(message, decoded)
        submission = decoded
        if stuck:
            with article_context(submission.id, request_id=_request_id(message)):
                document = failed_document(submission, reason, self._pipeline, content_hash=content_hash(submission))
                try:
                    await self._store.store([document])
                except (PyMongoError, InvalidDocument):
                    log.warning("could not record the failed article; parking it anyway")
                await self._park(session, message, reason)
            return None
        return _Job(message, submission, content_hash(submission))

    async def _enrich(self, jobs: Sequence[_Job]) -> tuple[list[ArticleDocument], dict[str, str]]:
        """Documents to write for the batch, and the reasons of those that are parked instead."""
        if not jobs:
            return [], {}
        stored = await self._store.versions(job.submission.id for job in jobs)
        todo: list[_Job] = []
        for job in jobs:
            known = stored.get(job.submission.id)
            if known is not None and _superseded(known, job.submission, job.content_hash, self._pipeline.version):
                continue  # a redelivery of work already done, or a version the store would drop: no model run
            todo.append(job)
        texts = [
            ArticleText(
                title=job.submission.article.title,
                body=job.submission.article.body,
                language=job.submission.article.language,
            )
            for job in todo
        ]
        results = await self._enricher.enrich_batch(texts, batch_size=self._settings.batch_size, stop=self._stop)
        documents: list[ArticleDocument] = []
        parked: dict[str, str] = {}
        for job, result in zip(todo, results, strict=True):
            if isinstance(result, UnprocessableArticle):
                reason = f"enrichment failed: {result}"[:500]
                parked[job.submission.id] = reason
                documents.append(failed_document(job.submission, reason, self._pipeline, content_hash=job.content_hash))
            else:
                documents.append(
                    enriched_document(job.submission, result, self._pipeline, content_hash=job.content_hash)
                )
        return documents, parked

    async def _retry(self, session: _Session, original: AbstractIncomingMessage, article_id: str, reason: str) -> None:
        """Hand the message to the next delay queue (it comes back after the delay), or park it when spent."""
        attempt = _header_int(original, topology.ATTEMPT_HEADER)
        if attempt >= len(topology.RETRY_DELAYS_S):
            await self._park(session, original, f"{reason}; gave up after {attempt} retries")
            return
        message = broker.persistent_message(
            original.body,
            message_id=article_id,
            headers={**original.headers, topology.ATTEMPT_HEADER: attempt + 1},
        )
        if await self._hand_over(
            original, message, session.topology.retry_exchange, topology.retry_routing_key(attempt)
        ):
            metrics.retried(topology.RETRY_DELAYS_S[attempt])

    async def _park(self, session: _Session, original: AbstractIncomingMessage, reason: str) -> None:
        """Move a message to the dead-letter queue with our reason beside the broker's own headers."""
        log.error("parking message in the dead-letter queue: %s", reason)
        message = broker.persistent_message(
            original.body,
            message_id=original.message_id or "",
            headers={**original.headers, topology.ERROR_HEADER: reason},
        )
        if await self._hand_over(original, message, session.topology.dead_exchange, topology.DEAD_ROUTING_KEY):
            metrics.parked(reason)

    @staticmethod
    async def _hand_over(
        original: AbstractIncomingMessage, copy: Message, exchange: AbstractExchange, key: str
    ) -> bool:
        """Publish `copy` (confirmed) and only then ack `original`; if the broker refuses, requeue instead.

        True when handed over, False when returned to the queue."""
        try:
            await broker.publish_confirmed(exchange, copy, key)
        except broker.PublishFailed as exc:
            log.warning("could not hand the message over (%s); returning it to the queue", exc)
            await original.nack(requeue=True)
            return False
        await original.ack()
        return True
