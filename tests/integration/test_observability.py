"""What an operator sees through the real processes: the /metrics endpoints after N articles went through, and
one request followed by its id through the logs of ingest and the worker."""

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.scrape import Scrape, scrape
from devstack.corpus import load_articles
from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.prometheus import prometheus_server
from devstack.workspace import SEED_ARTICLE
from shared import topology

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

ARTICLES = 6
WORKERS = 2
STAGES = ("decode", "model", "nlp", "store")


@pytest.fixture(scope="module")
def pipeline(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPipeline]:
    with running_pipeline(mongodb_url, tmp_path_factory.mktemp("logs"), workers=WORKERS) as running:
        yield running


def _workers(pipeline: RunningPipeline, http: httpx.Client) -> Scrape:
    urls = [worker.metrics_url for worker in pipeline.workers()]
    assert len(urls) == WORKERS and all(urls)
    return Scrape.merge(scrape(http, url) for url in urls if url)


@pytest.fixture(scope="module")
def posted(pipeline: RunningPipeline) -> list[str]:
    """The ids of N corpus articles, posted in one batch and stored."""
    payloads = [article.payload for article in load_articles(ARTICLES)]
    with pipeline.http() as client:
        response = client.post(f"{pipeline.ingest_url}/v1/articles:batch", json=payloads)
    assert response.status_code == 202, response.text
    ids = [item["id"] for item in response.json()["accepted"]]
    assert len(ids) == ARTICLES
    for article_id in ids:
        pipeline.wait_for(article_id, status="enriched")
    return ids


def test_worker_counters_sum_to_the_articles_and_the_queue_drains(pipeline: RunningPipeline, posted: list[str]) -> None:
    with httpx.Client(timeout=10) as http:
        # Generous: the last ack follows the write the query service already sees, and depths are cached 3 s.
        deadline = time.monotonic() + 60
        while True:
            workers = _workers(pipeline, http)
            ingest = scrape(http, f"{pipeline.ingest_url}/metrics")
            enriched = workers.value("newsflow_worker_articles_enriched_total")
            ready = ingest.value("newsflow_queue_messages_ready", queue=topology.WORK_QUEUE)
            # A worker whose broker connection dropped on a loaded machine is back after its backoff: both
            # gauges must come back to every worker, not merely have been right once.
            connected = workers.value("newsflow_worker_consumer_connected")
            consumers = ingest.value("newsflow_queue_consumers", queue=topology.WORK_QUEUE)
            if (enriched, ready, connected, consumers) == (ARTICLES, 0, WORKERS, WORKERS) and ingest.has(
                "newsflow_queue_messages_ready"
            ):
                break
            assert time.monotonic() < deadline, (
                f"enriched={enriched}, work queue ready={ready}, connected={connected}, consumers={consumers}"
            )
            time.sleep(0.5)
    # Each stage saw each article once, and every article's lag from received to stored was measured.
    for stage in STAGES:
        assert workers.value("newsflow_worker_stage_seconds_count", stage=stage) == ARTICLES, stage
        assert workers.value("newsflow_worker_stage_seconds_sum", stage=stage) > 0, stage
    assert workers.value("newsflow_worker_end_to_end_lag_seconds_count") == ARTICLES
    assert workers.value("newsflow_worker_batch_size_sum") == ARTICLES
    assert workers.value("newsflow_worker_in_flight_messages") == 0
    assert workers.value("newsflow_worker_articles_failed_total") == 0
    assert ingest.value("newsflow_queue_messages_ready", queue=topology.DEAD_QUEUE) == 0


def test_ingest_counts_accepted_articles_requests_and_confirms(pipeline: RunningPipeline, posted: list[str]) -> None:
    with httpx.Client(timeout=10) as http:
        ingest = scrape(http, f"{pipeline.ingest_url}/metrics")
    assert ingest.value("newsflow_ingest_articles_accepted_total") == ARTICLES
    assert ingest.value("newsflow_ingest_publish_confirm_seconds_count") == ARTICLES
    batch = {"handler": "/v1/articles:batch", "method": "POST"}
    assert ingest.value("newsflow_http_requests_total", status="202", **batch) == 1
    assert ingest.value("newsflow_http_request_duration_seconds_count", **batch) == 1


def test_refusals_are_counted_by_reason(pipeline: RunningPipeline) -> None:
    with pipeline.http() as client:
        invalid = client.post(f"{pipeline.ingest_url}/v1/articles", json={"title": ""})
        unknown = client.get(f"{pipeline.ingest_url}/no/such/path/{'x' * 20}")
    assert (invalid.status_code, unknown.status_code) == (422, 404)
    with httpx.Client(timeout=10) as http:
        ingest = scrape(http, f"{pipeline.ingest_url}/metrics")
    assert ingest.value("newsflow_ingest_articles_rejected_total", reason="invalid_article") == 1
    # A path no route matches is counted under `none`, never under the path it asked for.
    assert ingest.value("newsflow_http_requests_total", handler="none", status="404") == 1
    assert not any("no/such/path" in str(sample.labels) for sample in ingest.samples)


def test_query_counts_stored_documents_once_each(pipeline: RunningPipeline, posted: list[str]) -> None:
    with httpx.Client(timeout=10) as http:
        query = scrape(http, f"{pipeline.query_url}/metrics")
    assert query.value("newsflow_documents", status="enriched") == ARTICLES
    assert query.value("newsflow_documents", status="failed") == 0


def test_metrics_need_no_key_and_name_no_article(pipeline: RunningPipeline, posted: list[str]) -> None:
    with httpx.Client(timeout=10) as http:
        texts = [http.get(f"{url}/metrics").text for url in (pipeline.ingest_url, pipeline.query_url)]
        texts += [http.get(worker.metrics_url).text for worker in pipeline.workers() if worker.metrics_url]
    for text in texts:
        assert "newsflow_" in text
        assert not any(article_id in text for article_id in posted)


def _log_records(pipeline: RunningPipeline, article_id: str) -> list[dict[str, object]]:
    """The JSON log records about one article, of every process of the pipeline."""
    records = []
    for process in pipeline.stack.processes:
        assert process.log_path is not None
        for line in process.log_path.read_text().splitlines():
            if article_id in line and line.startswith("{"):
                record = json.loads(line)
                if record.get("article_id") == article_id:
                    records.append({**record, "process": process.name})
    return records


def test_a_callers_request_id_follows_the_article_through_ingest_and_the_worker(pipeline: RunningPipeline) -> None:
    with pipeline.http() as client:
        response = client.post(
            f"{pipeline.ingest_url}/v1/articles",
            content=SEED_ARTICLE.read_bytes(),
            headers={"Content-Type": "text/plain", "X-Request-ID": "trace-7f3a:retry.1"},
        )
    assert response.status_code == 202, response.text
    assert response.headers["X-Request-ID"] == "trace-7f3a:retry.1"
    article_id = response.json()["id"]
    pipeline.wait_for(article_id)
    deadline = time.monotonic() + 10
    while not any(record["message"] == "article stored" for record in _log_records(pipeline, article_id)):
        assert time.monotonic() < deadline, "the worker logged no 'article stored' line"
        time.sleep(0.2)
    records = _log_records(pipeline, article_id)
    processes = {str(record["process"]) for record in records}
    assert "ingest" in processes and any(name.startswith("enrich") for name in processes), processes
    assert all(record["request_id"] == "trace-7f3a:retry.1" for record in records), records


def test_an_unfit_request_id_is_replaced_by_one_of_ingests_own(pipeline: RunningPipeline) -> None:
    with pipeline.http() as client:
        kept_out = client.get(f"{pipeline.ingest_url}/healthz", headers={"X-Request-ID": "a" * 129})
        spaced = client.get(f"{pipeline.ingest_url}/healthz", headers={"X-Request-ID": "two words"})
        none = client.get(f"{pipeline.ingest_url}/healthz")
    ids = [answer.headers["X-Request-ID"] for answer in (kept_out, spaced, none)]
    assert all(len(given) == 32 and int(given, 16) >= 0 for given in ids)
    assert len(set(ids)) == 3


def _newsflow_status(pipeline: RunningPipeline, cwd: Path, **env: str) -> dict[str, Any]:
    exe = shutil.which("newsflow", path=str(Path(sys.executable).parent)) or "newsflow"
    urls = ",".join(worker.metrics_url or "" for worker in pipeline.workers())
    environment = {
        **{key: value for key, value in os.environ.items() if key != "NEWSFLOW_PROMETHEUS_URL"},
        "NEWSFLOW_INGEST_URL": pipeline.ingest_url,
        "NEWSFLOW_QUERY_URL": pipeline.query_url,
        "NEWSFLOW_RABBITMQ_URL": pipeline.rabbitmq_url,
        "NEWSFLOW_WORKER_METRICS_URLS": urls,
        **env,
    }
    done = subprocess.run(
        [exe, "status", "--json", "--interval", "1"],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status: dict[str, Any] = json.loads(done.stdout)
    return status


def test_status_json_reports_what_the_metrics_say(pipeline: RunningPipeline, posted: list[str], tmp_path: Path) -> None:
    status = _newsflow_status(pipeline, tmp_path)
    with httpx.Client(timeout=10) as http:
        workers = _workers(pipeline, http)
        query = scrape(http, f"{pipeline.query_url}/metrics")
        ingest = scrape(http, f"{pipeline.ingest_url}/metrics")
    assert status["source"] == "metrics"
    assert status["problems"] == []
    assert status["queue"] == {"ready": 0, "unacked": 0, "consumers": WORKERS, "trend_per_s": 0.0}
    assert status["drain_s"] == 0.0
    assert status["workers"] == {"connected": WORKERS}
    assert status["dead_letters"] == {"size": 0, "top_reasons": []}
    assert status["documents"]["enriched"] == query.value("newsflow_documents", status="enriched") >= ARTICLES
    assert status["totals"]["enriched"] == workers.value("newsflow_worker_articles_enriched_total") >= ARTICLES
    assert status["totals"]["accepted"] == ingest.value("newsflow_ingest_articles_accepted_total")
    assert status["rates"]["window_s"] >= 1
    assert status["last_errors"] == []


def _address(url: str) -> str:
    return url.removeprefix("http://").removesuffix("/metrics")


def test_status_json_through_prometheus_reports_the_same(
    pipeline: RunningPipeline, posted: list[str], tmp_path: Path
) -> None:
    targets = {
        "newsflow-ingest": [_address(pipeline.ingest_url)],
        "newsflow-query": [_address(pipeline.query_url)],
        "newsflow-enrich": [_address(worker.metrics_url or "") for worker in pipeline.workers()],
    }
    with prometheus_server(targets, tmp_path / "prometheus") as url, httpx.Client(timeout=10) as http:
        deadline = time.monotonic() + 60
        while True:  # every target scraped, and up
            answer = http.get(f"{url}/api/v1/query", params={"query": "up"}).json()["data"]["result"]
            if len(answer) == 2 + WORKERS and all(series["value"][1] == "1" for series in answer):
                break
            assert time.monotonic() < deadline, answer
            time.sleep(0.5)
        rules = http.get(f"{url}/api/v1/rules").json()["data"]["groups"]
        status = _newsflow_status(pipeline, tmp_path, NEWSFLOW_PROMETHEUS_URL=url)
        workers = _workers(pipeline, http)
        query = scrape(http, f"{pipeline.query_url}/metrics")
    assert [len(group["rules"]) for group in rules] == [6]  # the shipped alert rules load in a real server
    assert status["source"] == "prometheus"
    assert status["problems"] == []
    assert status["queue"]["ready"] == 0 and status["queue"]["unacked"] == 0
    assert status["queue"]["consumers"] == WORKERS
    assert status["workers"] == {"connected": WORKERS}
    assert status["dead_letters"]["size"] == 0
    assert status["documents"]["enriched"] == query.value("newsflow_documents", status="enriched")
    assert status["totals"]["enriched"] == workers.value("newsflow_worker_articles_enriched_total") >= ARTICLES
