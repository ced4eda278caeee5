"""A delete through the whole running pipeline: ingest checks the owner, a worker removes the article and keeps a
tombstone, and neither an older backup nor anything but a newer post brings it back."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.keys import OTHER_WRITE_KEY, WRITER
from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.workspace import ROOT
from shared import database

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
NEWSFLOW = [str(Path(sys.executable).parent / "newsflow")]
ARTICLE = {
    "title": "Harbour bridge closes for repairs",
    "url": "https://news.example.org/2026/harbour-bridge",
    "body": "The harbour bridge in Sydney will close for two weeks, the council said on Monday.",
}


@pytest.fixture(scope="module")
def pipeline(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPipeline]:
    with running_pipeline(mongodb_url, tmp_path_factory.mktemp("logs")) as running:
        yield running


def _newsflow(pipeline: RunningPipeline, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "NEWSFLOW_MONGODB_URL": pipeline.mongodb_url,
        "NEWSFLOW_MONGODB_DATABASE": pipeline.database,
    }
    return subprocess.run([*NEWSFLOW, *arguments], env=env, capture_output=True, text=True, timeout=300, check=False)


def _gone(pipeline: RunningPipeline, article_id: str, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    with pipeline.http() as client:
        while time.monotonic() < deadline:
            if client.get(f"{pipeline.query_url}/v1/articles/{article_id}").status_code == 404:
                return True
            time.sleep(0.25)
    return False


def test_the_owner_deletes_and_only_a_newer_post_brings_the_article_back(
    pipeline: RunningPipeline, tmp_path: Path
) -> None:
    with pipeline.http() as writer:
        article_id = writer.post(f"{pipeline.ingest_url}/v1/articles", json=ARTICLE).json()["id"]
    stored = pipeline.wait_for(article_id)
    backup = tmp_path / "backup.jsonl"
    assert _newsflow(pipeline, "export", "--output", str(backup)).returncode == 0

    with pipeline.http(OTHER_WRITE_KEY) as other:
        refused = other.delete(f"{pipeline.ingest_url}/v1/articles/{article_id}")
    assert refused.status_code == 403
    with pipeline.http() as writer:
        accepted = writer.delete(f"{pipeline.ingest_url}/v1/articles/{article_id}")
    assert accepted.status_code == 202, accepted.text
    assert _gone(pipeline, article_id)
    tombstone = pipeline.mongo[pipeline.database][database.TOMBSTONES].find_one({"_id": article_id})
    assert tombstone is not None and tombstone["requested_by"] == WRITER

    # The backup holds an older version: restoring it does not undo the delete.
    assert _newsflow(pipeline, "import", str(backup)).returncode == 0
    with pipeline.http() as writer:
        assert writer.get(f"{pipeline.query_url}/v1/articles/{article_id}").status_code == 404
        assert writer.delete(f"{pipeline.ingest_url}/v1/articles/{article_id}").status_code == 404

        # A post received after the delete is a new submission: the article is back, under the same id.
        reposted = writer.post(f"{pipeline.ingest_url}/v1/articles", json=ARTICLE).json()["id"]
    assert reposted == article_id
    assert pipeline.wait_for(article_id)["received_at"] > stored["received_at"]
