"""One pathological article in a batch, through real processes: ingest, RabbitMQ, a worker with its model,
SecantusDB and the query API. Its neighbours come back enriched, it is stored bounded, and the worker's
heartbeat stays fresh while it works on it."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import bson
import pytest

from devstack.pipeline import RunningPipeline, running_pipeline
from services.enrich import heartbeat
from services.enrich.nlp.entities import MAX_MENTIONS_PER_ENTITY

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

# Four place names in every sentence, for most of the largest body ingest takes: uncapped, its mentions made a
# stored document several times the size of its text.
SENTENCE = "Officials from Paris, London, Berlin and Madrid met again today. "
BODY_CHARS = 900_000
# Generous for two shared cores: the worker's event loop must still touch the file every few seconds.
HEARTBEAT_MAX_AGE_S = heartbeat.INTERVAL_S * 3
WAIT_S = 600.0


@pytest.fixture(scope="module")
def alive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("heartbeat") / "enrich.alive"


@pytest.fixture(scope="module")
def pipeline(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory, alive: Path) -> Iterator[RunningPipeline]:
    with running_pipeline(mongodb_url, tmp_path_factory.mktemp("logs"), NEWSFLOW_HEARTBEAT_FILE=str(alive)) as running:
        yield running


class _HeartbeatWatch:
    """Samples the heartbeat file's age in a thread while the test waits for the worker."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self.oldest_s = 0.0
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "_HeartbeatWatch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self.oldest_s = max(self.oldest_s, time.time() - self._path.stat().st_mtime)


def _wait_for_heartbeat(path: Path) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert time.monotonic() < deadline, "the worker never started beating"
        time.sleep(0.2)


def test_a_pathological_article_is_stored_bounded_and_its_batch_neighbours_enriched(
    pipeline: RunningPipeline, alive: Path
) -> None:
    _wait_for_heartbeat(alive)
    body = (SENTENCE * (BODY_CHARS // len(SENTENCE) + 1))[:BODY_CHARS]
    normal = [
        {"title": f"Harbour news {n}", "body": f"The harbour in Wellington reopened on day {n}, officials said."}
        for n in range(4)
    ]
    batch = [normal[0], normal[1], {"title": "Four capitals in every sentence", "body": body}, *normal[2:]]
    with pipeline.http() as client:
        response = client.post(f"{pipeline.ingest_url}/v1/articles:batch", json=batch)
    assert response.status_code == 202, response.text
    ids = [item["id"] for item in response.json()["accepted"]]
    assert len(ids) == len(batch)

    with _HeartbeatWatch(alive) as watch:
        documents = [pipeline.wait_for(id, timeout_s=WAIT_S) for id in ids]
    assert watch.oldest_s < HEARTBEAT_MAX_AGE_S, f"the heartbeat went {watch.oldest_s:.1f}s without a beat"

    neighbours = [documents[n] for n in (0, 1, 3, 4)]
    assert [document["status"] for document in neighbours] == ["enriched"] * 4
    assert all(document["summary"]["text"].startswith("The harbour in Wellington") for document in neighbours)

    pathological = documents[2]
    assert pathological["status"] == "enriched"
    places = {entity["name"]: entity for entity in pathological["entities"]}
    assert {"Paris", "London", "Berlin", "Madrid"} <= set(places)
    for entity in pathological["entities"]:
        assert len(entity["mentions"]) <= MAX_MENTIONS_PER_ENTITY <= entity["count"]
    assert places["Paris"]["count"] >= BODY_CHARS // len(SENTENCE)
    stored = pipeline.collection().find_one({"_id": ids[2]})
    assert stored is not None
    assert len(bson.encode(stored)) < 1_000_000
