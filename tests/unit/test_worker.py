"""The worker's promises about each message, with stand-ins for the broker, the database and the NLP.

A message is acked only once its outcome is safe: its document stored, or a copy confirmed in a delay queue
(transient trouble) or in the dead-letter queue (the article itself is at fault). The real-broker tests
(`tests/integration/test_deadletters.py`, the fault suite) prove the wiring; these prove the decisions.
"""

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from services.enrich.nlp.enrichment import ArticleText
from services.enrich.settings import WorkerSettings
from services.enrich.stored_document import content_hash, enriched_document
from services.enrich.worker import Worker
from shared import topology
from shared.documents import Pipeline
from shared.messages import ArticleDeleted, ArticleSubmitted
from tests.worker_doubles import (
    HITS_A_BUG,
    KILLS_THE_MODEL,
    REFUSED_BY_A_BUG,
    REJECTED,
    TOO_LARGE,
    TOO_LATE,
    WAIT_S,
    MemoryStore,
    ScriptedEnricher,
    StubBroker,
    StubMessage,
    Timeline,
    enrichment_of,
)

BODY = "The council met on Monday and agreed the budget for the coming year."


@dataclass
class Harness:
    broker: StubBroker
    store: MemoryStore
    enricher: ScriptedEnricher


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    timeline = Timeline()
    broker = StubBroker(timeline)
    store = MemoryStore(timeline)
    enricher = ScriptedEnricher()
    settings = WorkerSettings(
        rabbitmq_url="amqp://stand-in", mongodb_url="mongodb://stand-in", batch_size=16, batch_wait_ms=20
    )
    worker = Worker(settings=settings, enricher=enricher, store=store, connect=broker.connect)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await timeline.until(lambda: broker.consumer is not None)
    yield Harness(broker, store, enricher)
    stop.set()
    await asyncio.wait_for(running, WAIT_S)


def submission(title: str, body: str = BODY, *, id: str | None = None) -> ArticleSubmitted:
    return ArticleSubmitted.model_validate(
        {
            "id": id or hashlib.sha256(title.encode()).hexdigest()[:16],
            "article": {"title": title, "body": body},
            "received_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
    )


async def send(h: Harness, *submissions: ArticleSubmitted, headers: dict[str, Any] | None = None) -> None:
    """Deliver the articles in one go (so they make one batch) and wait until the worker settled each."""
    messages = [
        await h.broker.deliver(item.model_dump_json().encode(), message_id=item.id, headers=headers)
        for item in submissions
    ]
    await settled(h, *messages)


async def settled(h: Harness, *messages: StubMessage) -> None:
    await h.broker.timeline.until(lambda: all(message.settled is not None for message in messages))


def position(h: Harness, event: tuple[str, ...]) -> int:
    return h.broker.events.index(event)


async def test_an_article_is_acked_only_after_its_document_is_stored(harness: Harness) -> None:
    article = submission("Council agrees budget")
    await send(harness, article)
    stored = harness.store.documents[article.id]
    assert stored.status == "enriched" and stored.title == "Council agrees budget"
    assert stored.content_hash == content_hash(article)
    assert position(harness, ("stored", article.id)) < position(harness, ("ack", article.id))
    assert harness.broker.published == []


async def test_the_articles_that_arrive_together_are_written_in_one_bulk_write(harness: Harness) -> None:
    articles = [submission(f"Article {n}") for n in range(5)]
    await send(harness, *articles)
    assert harness.store.writes == [[article.id for article in articles]]
    assert harness.enricher.batches == [[f"Article {n}" for n in range(5)]]


async def test_a_redelivered_article_already_stored_is_acked_without_running_the_model_again(
    harness: Harness,
) -> None:
    article = submission("Delivered twice")
    await send(harness, article)
    await send(harness, article)
    assert harness.enricher.enriched == ["Delivered twice"]
    assert harness.store.writes == [[article.id]]
    assert [event for event in harness.broker.events if event[0] == "ack"] == [("ack", article.id)] * 2


async def test_a_corrected_article_is_enriched_again_and_replaces_the_stored_one(harness: Harness) -> None:
    first = submission("Corrected later", "The first version of the story.")
    corrected = submission("Corrected later", "The corrected version of the story.", id=first.id)
    await send(harness, first)
    await send(harness, corrected)
    assert harness.enricher.enriched == ["Corrected later", "Corrected later"]
    assert harness.store.documents[first.id].body == "The corrected version of the story."


async def test_an_article_stored_by_an_older_pipeline_is_enriched_again(harness: Harness) -> None:
    article = submission("Enriched by last year's code")
    older = Pipeline(version="0.9.0", model="stand-in", model_version="0")
    enrichment = enrichment_of(ArticleText(article.article.title, article.article.body))
    harness.store.documents[article.id] = enriched_document(
        article, enrichment, older, content_hash=content_hash(article)
    )
    await send(harness, article)
    stored = harness.store.documents[article.id]
    assert stored.pipeline is not None and stored.pipeline.version == harness.enricher.version
    assert harness.enricher.enriched == ["Enriched by last year's code"]


async def test_an_article_the_nlp_rejects_is_stored_as_failed_and_parked_with_the_reason(harness: Harness) -> None:
    rejected, fine = submission(REJECTED), submission("An ordinary article")
    await send(harness, rejected, fine)

    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    assert parked.message.message_id == rejected.id
    assert parked.message.headers[topology.ERROR_HEADER] == "enrichment failed: the article has no words to analyse"
    failed = harness.store.documents[rejected.id]
    assert failed.status == "failed" and failed.error == "enrichment failed: the article has no words to analyse"
    assert position(harness, ("publish", rejected.id, topology.DEAD_EXCHANGE)) < position(harness, ("ack", rejected.id))
    # Its neighbour in the batch is not held back by it.
    assert harness.store.documents[fine.id].status == "enriched"
    assert ("ack", fine.id) in harness.broker.events


async def test_a_message_that_is_not_an_article_is_parked_naming_the_field_at_fault(harness: Harness) -> None:
    message = await harness.broker.deliver(b'{"id": "0123456789abcdef", "received_at": "2026-01-01T00:00:00Z"}')
    await settled(harness, message)
    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    assert parked.message.headers[topology.ERROR_HEADER] == "invalid message: article: Field required"
    assert message.settled == "ack"
    assert harness.enricher.batches == [] and harness.store.documents == {}


async def test_a_deletion_is_stored_with_its_batch_and_acked_once_written(harness: Harness) -> None:
    kept, gone = submission("Kept"), submission("Deleted")
    await send(harness, gone)
    deletion = ArticleDeleted(
        kind="deleted", id=gone.id, requested_by="writer", received_at=datetime(2026, 1, 2, tzinfo=UTC)
    )
    messages = [
        await harness.broker.deliver(kept.model_dump_json().encode(), message_id=kept.id),
        await harness.broker.deliver(deletion.model_dump_json().encode(), message_id=deletion.id),
    ]
    await settled(harness, *messages)

    assert harness.store.writes[-1] == [kept.id, gone.id]  # one store call for the posts and deletes of a batch
    assert set(harness.store.documents) == {kept.id}
    assert position(harness, ("deleted", gone.id)) < harness.broker.events.index(
        ("ack", gone.id), position(harness, ("deleted", gone.id))
    )


async def test_a_post_no_newer_than_its_deletion_is_acked_without_running_the_model(harness: Harness) -> None:
    late = submission("Posted before it was deleted")
    deletion = ArticleDeleted(kind="deleted", id=late.id, received_at=late.received_at)
    message = await harness.broker.deliver(deletion.model_dump_json().encode(), message_id=late.id)
    await settled(harness, message)
    await send(harness, late)

    assert harness.enricher.enriched == [] and harness.store.documents == {}
    assert [event for event in harness.broker.events if event[0] == "ack"] == [("ack", late.id)] * 2


async def test_a_message_without_a_kind_is_a_post_as_older_ingests_send_them(harness: Harness) -> None:
    article = submission("From an older ingest")
    body = article.model_dump(mode="json")
    del body["kind"]
    message = await harness.broker.deliver(json.dumps(body).encode(), message_id=article.id)
    await settled(harness, message)
    assert harness.store.documents[article.id].title == "From an older ingest"


async def test_a_message_of_an_unknown_kind_is_parked_saying_so(harness: Harness) -> None:
    message = await harness.broker.deliver(b'{"kind": "renamed", "id": "0123456789abcdef"}')
    await settled(harness, message)
    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    reason = "invalid message: kind: 'renamed' is neither 'submitted' nor 'deleted'"
    assert parked.message.headers[topology.ERROR_HEADER] == reason
    assert harness.store.writes == []


async def test_a_database_outage_sends_the_batch_to_the_first_delay_queue_not_to_the_bin(harness: Harness) -> None:
    articles = [submission("Written during an outage"), submission("Also written during it")]
    harness.store.outage = 1
    await send(harness, *articles)

    assert harness.store.documents == {}
    delayed = harness.broker.to(topology.RETRY_EXCHANGE)
    assert [item.message.message_id for item in delayed] == [article.id for article in articles]
    for article, item in zip(articles, delayed, strict=True):
        assert item.routing_key == topology.retry_routing_key(0)
        assert item.message.headers[topology.ATTEMPT_HEADER] == 1
        assert item.message.body == article.model_dump_json().encode()
        # Acked only once its copy is safe in the delay queue.
        assert position(harness, ("publish", article.id, topology.RETRY_EXCHANGE)) < position(
            harness, ("ack", article.id)
        )


async def test_each_retry_waits_in_a_longer_delay_queue(harness: Harness) -> None:
    article = submission("Third attempt")
    harness.store.outage = 1
    await send(harness, article, headers={topology.ATTEMPT_HEADER: 2})
    [delayed] = harness.broker.to(topology.RETRY_EXCHANGE)
    assert delayed.routing_key == topology.retry_routing_key(2)
    assert delayed.message.headers[topology.ATTEMPT_HEADER] == 3


async def test_an_article_that_spent_every_retry_is_parked(harness: Harness) -> None:
    article = submission("Never got through")
    harness.store.outage = 1
    spent = len(topology.RETRY_DELAYS_S)
    await send(harness, article, headers={topology.ATTEMPT_HEADER: spent})
    assert harness.broker.to(topology.RETRY_EXCHANGE) == []
    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    assert parked.message.headers[topology.ERROR_HEADER] == (
        f"database error: AutoReconnect; gave up after {spent} retries"
    )


async def test_a_message_at_the_delivery_limit_is_recorded_as_failed_and_parked_unread(harness: Harness) -> None:
    article = submission("Crashed every worker it met")
    headers = {"x-delivery-count": topology.DELIVERY_LIMIT - 1}
    await send(harness, article, headers=headers)

    assert harness.enricher.batches == []  # not given to the model again
    reason = f"delivered {topology.DELIVERY_LIMIT} times without being acknowledged (workers crashed or stopped on it)"
    assert harness.store.documents[article.id].error == reason
    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    assert parked.message.headers == {**headers, topology.ERROR_HEADER: reason}


async def test_at_the_delivery_limit_a_database_outage_does_not_keep_the_message(harness: Harness) -> None:
    article = submission("Crashed every worker, then the database went down")
    harness.store.outage = 1
    await send(harness, article, headers={"x-delivery-count": topology.DELIVERY_LIMIT - 1})
    assert harness.store.documents == {}
    assert [item.message.message_id for item in harness.broker.to(topology.DEAD_EXCHANGE)] == [article.id]


async def test_when_the_model_dies_under_a_batch_only_the_article_that_kills_it_is_retried(harness: Harness) -> None:
    before, killer, after = submission("Before"), submission(KILLS_THE_MODEL), submission("After")
    await send(harness, before, killer, after)

    assert harness.enricher.batches == [["Before", KILLS_THE_MODEL, "After"], ["Before"], [KILLS_THE_MODEL], ["After"]]
    assert set(harness.store.documents) == {before.id, after.id}
    [delayed] = harness.broker.to(topology.RETRY_EXCHANGE)
    assert delayed.message.message_id == killer.id


async def test_a_bug_in_the_enrichment_delays_the_batch_instead_of_dropping_it(harness: Harness) -> None:
    article = submission(HITS_A_BUG)
    await send(harness, article)
    assert harness.store.documents == {}
    [delayed] = harness.broker.to(topology.RETRY_EXCHANGE)
    assert delayed.message.message_id == article.id
    assert ("ack", article.id) in harness.broker.events


async def test_a_bug_enriching_one_article_of_a_batch_retries_that_article_alone(harness: Harness) -> None:
    before, buggy, after = submission("Before"), submission(HITS_A_BUG), submission("After")
    await send(harness, before, buggy, after)

    assert harness.enricher.batches == [["Before", HITS_A_BUG, "After"], ["Before"], [HITS_A_BUG], ["After"]]
    assert set(harness.store.documents) == {before.id, after.id}
    assert {("ack", before.id), ("ack", after.id)} <= set(harness.broker.events)
    [delayed] = harness.broker.to(topology.RETRY_EXCHANGE)
    assert delayed.message.message_id == buggy.id
    assert harness.broker.to(topology.DEAD_EXCHANGE) == []


async def test_a_document_too_large_to_store_is_recorded_as_failed_and_parked_while_its_neighbours_are_stored(
    harness: Harness,
) -> None:
    before, huge, after = submission("Before"), submission(TOO_LARGE), submission("After")
    await send(harness, before, huge, after)

    assert harness.store.documents[before.id].status == "enriched"
    assert harness.store.documents[after.id].status == "enriched"
    assert {("ack", before.id), ("ack", after.id)} <= set(harness.broker.events)
    failed = harness.store.documents[huge.id]
    assert failed.status == "failed" and failed.entities == []
    assert failed.error is not None and failed.error.startswith("the database refused the document: DocumentTooLarge")
    [parked] = harness.broker.to(topology.DEAD_EXCHANGE)
    assert parked.message.message_id == huge.id
    assert parked.message.headers[topology.ERROR_HEADER] == failed.error
    assert harness.broker.to(topology.RETRY_EXCHANGE) == []
    # The model ran once: only the write was split.
    assert harness.enricher.batches == [["Before", TOO_LARGE, "After"]]


async def test_an_unexpected_write_error_on_one_document_retries_that_article_alone(harness: Harness) -> None:
    before, refused, after = submission("Before"), submission(REFUSED_BY_A_BUG), submission("After")
    await send(harness, before, refused, after)

    assert set(harness.store.documents) == {before.id, after.id}
    assert {("ack", before.id), ("ack", after.id)} <= set(harness.broker.events)
    [delayed] = harness.broker.to(topology.RETRY_EXCHANGE)
    assert delayed.message.message_id == refused.id
    assert delayed.message.headers[topology.ATTEMPT_HEADER] == 1
    assert harness.broker.to(topology.DEAD_EXCHANGE) == []


async def test_a_batch_that_had_not_reached_the_model_when_stopping_goes_straight_back_to_the_queue(
    harness: Harness,
) -> None:
    article = submission(TOO_LATE)
    await send(harness, article)
    assert harness.broker.events == [("requeue", article.id)]
    assert harness.broker.published == [] and harness.store.documents == {}


async def test_when_the_broker_refuses_the_dead_letter_copy_the_message_returns_to_the_queue(
    harness: Harness,
) -> None:
    article = submission(REJECTED)
    harness.broker.refusing.add(topology.DEAD_EXCHANGE)
    await send(harness, article)
    assert ("requeue", article.id) in harness.broker.events
    assert ("ack", article.id) not in harness.broker.events


async def test_the_worker_reconnects_after_losing_the_broker_and_consumes_again(harness: Harness) -> None:
    harness.broker.lose_connection()
    await harness.broker.timeline.until(
        lambda: len(harness.broker.connections) == 2 and harness.broker.consumer is not None
    )
    assert harness.broker.connections[0].is_closed
    article = submission("After the reconnect")
    await send(harness, article)
    assert harness.store.documents[article.id].status == "enriched"
