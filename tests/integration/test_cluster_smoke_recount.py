"""The cluster smoke test's registry check is not void: the recount it runs in a worker's container
(scripts/cluster_smoke.py, RECOUNT) reads the database the worker's settings name, counts its articles, and
reports a registry changed behind the store's back as drift, which the smoke test's verdict refuses.

Run here with this checkout's Python and a real SecantusDB, as `docker exec <enrich> python -c RECOUNT` runs it
with the image's.
"""

import asyncio
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from devstack.workspace import ROOT
from scripts.cluster_smoke import RECOUNT, Recounted, parse_recount
from scripts.smoke_stack import SmokeFailure
from services.enrich.store import ArticleStore
from shared import database
from tests.registry_documents import document

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def _recount(mongodb_url: str, database_name: str) -> Recounted:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")},
        # As in the worker's container: its own settings, the broker's address required but not used.
        "NEWSFLOW_MONGODB_URL": mongodb_url,
        "NEWSFLOW_MONGODB_DATABASE": database_name,
        "NEWSFLOW_RABBITMQ_URL": "amqp://unused:unused@127.0.0.1:1/",
    }
    done = subprocess.run(
        [sys.executable, "-c", RECOUNT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return parse_recount((done.stdout + done.stderr).strip(), done.returncode)


async def test_the_smoke_recount_counts_the_articles_and_sees_a_changed_registry(
    mongo_client: AsyncMongoClient[dict[str, Any]], mongodb_url: str, database_name: str
) -> None:
    db = mongo_client[database_name]
    await database.ensure_indexes(db)
    await ArticleStore(db).store([document(_id("a1"), "Rome and Oslo.", T0), document(_id("a2"), "Rome.", T0)])

    assert await asyncio.to_thread(_recount, mongodb_url, database_name) == Recounted(articles=2, drift=0)

    await database.entities(db).update_one({"_id": "gpe:rome"}, {"$inc": {"articles": 1}})
    await database.counters(db).update_one({"_id": "articles"}, {"$inc": {"total": 1}})
    assert await asyncio.to_thread(_recount, mongodb_url, database_name) == Recounted(articles=2, drift=2)


def test_a_recount_that_failed_fails_the_smoke_test() -> None:
    with pytest.raises(SmokeFailure, match="exit 1"):
        parse_recount("ModuleNotFoundError: No module named 'cli.recount'", 1)
    with pytest.raises(SmokeFailure):
        parse_recount("", 0)
    assert parse_recount("articles=1000 drift=0", 0) == Recounted(1000, 0)
