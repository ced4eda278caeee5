"""Real processes losing the broker or the database, and finding them again by themselves.

While the run's vhost refuses connections, ingest answers 503 with Retry-After (neither hanging nor 500)
and 202 again once it has reconnected; the worker, on its own reconnect loop, resumes consuming.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.secantus import SecantusServer
from tests.faults.rabbitmq import accept_connections, close_connections, refuse_connections

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

# Behaviour deadlines, generous on a loaded two-core machine.
ANSWER_S = 15.0
RECOVER_S = 90.0
DATABASE_DOWN_S = 6.0


@contextmanager
def _pipeline(mongodb_url: str, log_dir: Path) -> Iterator[RunningPipeline]:
    with running_pipeline(mongodb_url, log_dir, workers=1) as running:
        yield running


def _article(n: int) -> dict[str, str]:
    return {"title": f"Recovery check {n}", "body": f"The harbour authority in Sydney reported item {n} on Monday."}


def _post(pipeline: RunningPipeline, article: dict[str, str]) -> httpx.Response:
    with pipeline.http() as client:
        return client.post(f"{pipeline.ingest_url}/v1/articles", json=article, timeout=ANSWER_S)


def _post_until_accepted(pipeline: RunningPipeline, article: dict[str, str]) -> str:
    deadline = time.monotonic() + RECOVER_S
    while time.monotonic() < deadline:
        response = _post(pipeline, article)
        if response.status_code == 202:
            return str(response.json()["id"])
        assert response.status_code == 503, response.text
        time.sleep(0.5)
    raise TimeoutError(f"ingest did not accept again within {RECOVER_S}s")


def _log(pipeline: RunningPipeline, name: str) -> str:
    assert pipeline.stack.log_dir is not None
    return (pipeline.stack.log_dir / f"{name}.log").read_text(errors="replace")


@pytest.fixture
def pipeline(mongodb_url: str, tmp_path: Path) -> Iterator[RunningPipeline]:
    with _pipeline(mongodb_url, tmp_path / "logs") as running:
        yield running


def test_ingest_answers_503_while_the_broker_is_gone_and_both_services_come_back(pipeline: RunningPipeline) -> None:
    [worker] = pipeline.workers()
    first = _post_until_accepted(pipeline, _article(1))
    pipeline.wait_for(first, timeout_s=RECOVER_S)

    refuse_connections(pipeline.vhost)
    try:
        close_connections(pipeline.vhost)
        for n in range(3):
            started = time.monotonic()
            response = _post(pipeline, _article(2))
            assert response.status_code == 503, f"attempt {n}: {response.status_code} {response.text}"
            assert int(response.headers["Retry-After"]) > 0
            assert time.monotonic() - started < ANSWER_S
            time.sleep(1)
        with pipeline.http() as client:
            assert client.get(f"{pipeline.ingest_url}/readyz").status_code == 503
    finally:
        accept_connections(pipeline.vhost)

    second = _post_until_accepted(pipeline, _article(2))
    document = pipeline.wait_for(second, timeout_s=RECOVER_S)
    assert document["status"] == "enriched"
    # The same worker process consumed it: it reconnected by itself.
    assert worker.running
    assert _log(pipeline, worker.name).count("consuming from") >= 2


def test_worker_carries_on_after_the_database_comes_back(own_database: SecantusServer, tmp_path: Path) -> None:
    with _pipeline(own_database.url, tmp_path / "logs") as pipeline:
        [worker] = pipeline.workers()
        first = _post_until_accepted(pipeline, _article(1))
        pipeline.wait_for(first, timeout_s=RECOVER_S)

        own_database.stop()
        try:
            # Ingest does not need the database: the article is accepted and waits in the broker.
            second = _post_until_accepted(pipeline, _article(2))
            time.sleep(DATABASE_DOWN_S)
        finally:
            own_database.start()

        document = pipeline.wait_for(second, timeout_s=RECOVER_S)
        assert document["status"] == "enriched"
        assert worker.running
        assert "database unavailable" in _log(pipeline, worker.name)
