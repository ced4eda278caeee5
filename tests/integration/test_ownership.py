"""`newsflow migrate-owners` against the real database: unowned articles move to their owner's ids, once."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from devstack.workspace import ROOT
from shared import database
from shared.articles import ArticleIn, article_id
from shared.documents import ArticleDocument, Pipeline

pytestmark = pytest.mark.integration
NEWSFLOW = [str(Path(sys.executable).parent / "newsflow")]
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _document(old_id: str, received_at: datetime = T0, **fields: Any) -> ArticleDocument:
    """A document as the worker stored it before key names: no owner, an id of the old kind."""
    return ArticleDocument.model_validate(
        {
            "id": old_id,
            "title": "Harbour bridge closes",
            "body": "The council met on Monday.",
            "content_hash": "h",
            "received_at": received_at,
            "status": "failed",
            "error": "not enriched in this test",
            "pipeline": Pipeline(version="test", model="none", model_version="0"),
        }
        | fields
    )


def _migrate(mongodb_url: str, name: str, owner: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
    env |= {"PYTHONPATH": str(ROOT), "NEWSFLOW_MONGODB_URL": mongodb_url, "NEWSFLOW_MONGODB_DATABASE": name}
    done = subprocess.run(
        [*NEWSFLOW, "migrate-owners", "--owner", owner],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_unowned_articles_move_to_the_owner_ids_once_and_owned_ones_stay(mongodb_url: str, database_name: str) -> None:
    by_url = _document("0000000000000001", url="https://example.org/a")
    by_external_id = _document("0000000000000002", source="Wire", external_id="42")
    by_text = _document("0000000000000003", title="Budget agreed")
    reposted = _document("0000000000000004", url="https://example.org/b")
    newer_id = article_id(ArticleIn(title="T", body="B", url="https://example.org/b"), "feed")
    newer = _document(newer_id, T0 + timedelta(hours=1), url="https://example.org/b", owner="feed", title="Newer")
    others = _document("00000000000000ff", url="https://example.org/a", owner="other")
    with MongoClient[dict[str, Any]](mongodb_url, tz_aware=True) as mongo:
        articles = mongo[database_name][database.ARTICLES]
        articles.insert_many(
            [database.to_mongo(doc) for doc in (by_url, by_external_id, by_text, reposted, newer, others)]
        )

        said = _migrate(mongodb_url, database_name, "feed")

        assert "3 article(s) now owned by 'feed'; 1 superseded" in said
        stored = {doc["_id"]: doc for doc in articles.find({})}
        expected_ids = {
            article_id(ArticleIn(title="x", body="x", url="https://example.org/a"), "feed"),
            article_id(ArticleIn(title="x", body="x", source="Wire", external_id="42"), "feed"),
            article_id(ArticleIn(title="Budget agreed", body="The council met on Monday."), "feed"),
        }
        assert set(stored) == expected_ids | {newer_id, others.id}
        assert all(stored[moved]["owner"] == "feed" for moved in expected_ids)
        assert stored[newer_id]["title"] == "Newer"  # the owner's newer post was kept, the older one dropped
        assert stored[others.id] == database.to_mongo(others) | {"_id": others.id}  # another owner's: untouched

        again = _migrate(mongodb_url, database_name, "feed")

        assert "0 article(s) now owned" in again
        assert {doc["_id"]: doc for doc in articles.find({})} == stored


def test_the_owner_must_be_a_key_name(mongodb_url: str, database_name: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
    env |= {"PYTHONPATH": str(ROOT), "NEWSFLOW_MONGODB_URL": mongodb_url, "NEWSFLOW_MONGODB_DATABASE": database_name}
    done = subprocess.run(
        [*NEWSFLOW, "migrate-owners", "--owner", "not a name"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "key name" in done.stderr
