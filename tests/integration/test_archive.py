"""`newsflow export` and `newsflow import` as a user runs them, against the real database: backups that restore
into an equal database, imports that are safe to repeat, and `newsflow enrich` output stored under an owner."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.collection import Collection

from devstack.keys import READ_KEY, WRITER
from devstack.workspace import ROOT, SEED_ARTICLE
from shared import database
from shared.articles import ArticleIn, article_id
from shared.documents import ArticleDocument
from tests.integration import query_app, query_data

pytestmark = pytest.mark.integration
NEWSFLOW = [str(Path(sys.executable).parent / "newsflow")]


def _newsflow(
    mongodb_url: str, name: str, *arguments: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
    env |= {"PYTHONPATH": str(ROOT), "NEWSFLOW_MONGODB_URL": mongodb_url, "NEWSFLOW_MONGODB_DATABASE": name}
    return subprocess.run(
        [*NEWSFLOW, *arguments], env=env, input=stdin, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def mongo(mongodb_url: str) -> Iterator[MongoClient[dict[str, Any]]]:
    with MongoClient[dict[str, Any]](mongodb_url, tz_aware=True) as client:
        yield client


@pytest.fixture
def databases(mongo: MongoClient[dict[str, Any]], database_name: str) -> Iterator[tuple[str, str]]:
    """Two fresh databases: the one backed up, and the one restored into."""
    names = (f"{database_name}_a", f"{database_name}_b")
    yield names
    for name in names:
        mongo.drop_database(name)


def _articles(mongo: MongoClient[dict[str, Any]], name: str) -> Collection[dict[str, Any]]:
    return mongo[name][database.ARTICLES]


def _contents(mongo: MongoClient[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return list(_articles(mongo, name).find({}).sort("_id", 1))


def _corpus(count: int) -> list[ArticleDocument]:
    return [
        document.model_copy(update={"owner": WRITER if n % 3 else "other-writer"})
        for n, document in enumerate(query_data.corpus(count))
    ]


async def test_a_backup_restores_into_a_fresh_database_as_the_query_api_serves_it(
    mongodb_url: str, mongo: MongoClient[dict[str, Any]], databases: tuple[str, str], tmp_path: Path
) -> None:
    original, restored = databases
    # The original filled as the workers store articles (what a store adds, such as entity links, included).
    written = tmp_path / "written.jsonl"
    written.write_text("".join(document.model_dump_json() + "\n" for document in _corpus(30)))
    assert _newsflow(mongodb_url, original, "import", str(written)).returncode == 0
    backup = tmp_path / "backup.jsonl"

    exported = _newsflow(mongodb_url, original, "export", "--output", str(backup))
    assert exported.returncode == 0, exported.stderr
    assert "exported 30 article(s)" in exported.stderr
    lines = backup.read_text().splitlines()
    # Oldest first, each line the article as GET /v1/articles/{id} answers it.
    received = [json.loads(line)["received_at"] for line in lines]
    assert received == sorted(received) and len(lines) == 30
    async with query_app.serving(query_app.query_settings(mongodb_url, original)) as (_, query):
        for line in lines[:5]:
            answer = await query.get(f"/v1/articles/{json.loads(line)['id']}", headers={"X-API-Key": READ_KEY})
            assert json.loads(line) == answer.json()

    imported = _newsflow(mongodb_url, restored, "import", str(backup))
    assert imported.returncode == 0, imported.stderr
    assert "imported 30 article(s)" in imported.stderr

    assert _contents(mongo, restored) == _contents(mongo, original)
    again = tmp_path / "again.jsonl"
    assert _newsflow(mongodb_url, restored, "export", "--output", str(again)).returncode == 0
    # The same lines (articles received in the same millisecond may come in another order).
    assert sorted(again.read_bytes().splitlines()) == sorted(backup.read_bytes().splitlines())
    assert set(mongo[restored][database.ARTICLES].index_information()) >= {"received_at", "search_term_received_at"}


def test_export_since_a_date_takes_the_articles_received_from_then(
    mongodb_url: str, mongo: MongoClient[dict[str, Any]], databases: tuple[str, str]
) -> None:
    name = databases[0]
    documents = _corpus(20)
    _articles(mongo, name).insert_many([database.to_mongo(document) for document in documents])
    middle = sorted(document.received_at for document in documents)[10]

    exported = _newsflow(mongodb_url, name, "export", "--since", middle.strftime("%Y-%m-%dT%H:%M:%S%z"))

    assert exported.returncode == 0, exported.stderr
    ids = {json.loads(line)["id"] for line in exported.stdout.splitlines()}
    since = middle.replace(microsecond=0)
    assert ids == {document.id for document in documents if document.received_at >= since}
    assert 0 < len(ids) < len(documents)


def test_an_import_twice_changes_nothing_and_never_replaces_a_newer_version(
    mongodb_url: str, mongo: MongoClient[dict[str, Any]], databases: tuple[str, str], tmp_path: Path
) -> None:
    name = databases[0]
    documents = _corpus(12)
    lines = tmp_path / "articles.jsonl"
    lines.write_text("".join(document.model_dump_json() + "\n" for document in documents))
    assert _newsflow(mongodb_url, name, "import", str(lines)).returncode == 0
    first = _contents(mongo, name)

    again = _newsflow(mongodb_url, name, "import", str(lines))

    assert again.returncode == 0, again.stderr
    assert _contents(mongo, name) == first
    # A newer version stored since: an import of the older one leaves it, as a redelivery would.
    newer = documents[0].model_copy(
        update={"title": "Corrected", "received_at": documents[0].received_at + timedelta(hours=1)}
    )
    _articles(mongo, name).replace_one({"_id": newer.id}, database.to_mongo(newer))
    assert _newsflow(mongodb_url, name, "import", str(lines)).returncode == 0
    assert _articles(mongo, name).find_one({"_id": newer.id}, {"title": 1}) == {"_id": newer.id, "title": "Corrected"}


def test_lines_that_are_not_documents_are_named_and_the_rest_stored(
    mongodb_url: str, mongo: MongoClient[dict[str, Any]], databases: tuple[str, str]
) -> None:
    name = databases[0]
    good = _corpus(2)
    text = "\n".join([good[0].model_dump_json(), '{"title": "no body"}', "not json", "", good[1].model_dump_json()])

    imported = _newsflow(mongodb_url, name, "import", "-", stdin=text)

    assert imported.returncode == 1
    assert "-:2: not an article document" in imported.stderr and "-:3: not an article document" in imported.stderr
    assert "imported 2 article(s); 2 line(s) refused" in imported.stderr
    assert {doc["_id"] for doc in _contents(mongo, name)} == {good[0].id, good[1].id}


@pytest.mark.slow
def test_enrich_output_is_stored_under_the_owner_given_with_that_owner_ids(
    mongodb_url: str, mongo: MongoClient[dict[str, Any]], databases: tuple[str, str], tmp_path: Path
) -> None:
    name = databases[0]
    enriched = _newsflow(mongodb_url, name, "enrich", str(SEED_ARTICLE))
    assert enriched.returncode == 0, enriched.stderr
    output = tmp_path / "enriched.jsonl"
    output.write_text(enriched.stdout)
    printed = json.loads(enriched.stdout)

    imported = _newsflow(mongodb_url, name, "import", str(output), "--owner", WRITER)

    assert imported.returncode == 0, imported.stderr
    [stored] = _contents(mongo, name)
    # The id ingest gives the writer's post of the same article: a later post of it replaces this one.
    article = ArticleIn(title=printed["title"], body=printed["body"], source=printed["source"])
    assert stored["_id"] == article_id(article, WRITER) != printed["id"]
    assert stored["owner"] == WRITER
    assert [(e["id"], e["count"]) for e in stored["entities"]] == [(e["id"], e["count"]) for e in printed["entities"]]
    assert stored["summary"] == printed["summary"]
    assert _newsflow(mongodb_url, name, "import", str(output), "--owner", "not a name").returncode == 2
