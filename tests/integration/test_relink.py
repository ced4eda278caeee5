"""Operators' overrides and relinking against the real database and store: a split recorded in
`entity_overrides` moves stored mentions, and the registry's counts follow; a relink re-stores only what an
older linker linked."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from cli.relinking import affected, outdated, relink, split
from services.enrich.linking import LINKER_VERSION, Linker
from services.enrich.nlp.entities import slug
from services.enrich.store import ArticleStore
from shared import database
from shared.documents import ArticleDocument, Entity, EntityLabel, Mention

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
Client = AsyncMongoClient[dict[str, Any]]


def _article(article_id: str, name: str, label: EntityLabel = "PERSON") -> ArticleDocument:
    entity = Entity(
        id=f"{label.lower()}:{slug(name)}",
        name=name,
        label=label,
        count=1,
        salience=1.0,
        mentions=[Mention(field="body", start=0, end=len(name), text=name)],
    )
    return ArticleDocument(
        id=article_id,
        status="enriched",
        title=name,
        body=f"{name} spoke.",
        entities=[entity],
        content_hash=article_id,
        received_at=T0,
    )


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker()


async def _corpus_ids(client: Client, name: str) -> dict[str, list[str]]:
    found = client[name][database.ARTICLES].find({}, {"corpus_entities": 1})
    return {stored["_id"]: stored["corpus_entities"] async for stored in found}


async def _articles(client: Client, name: str, corpus_id: str) -> int:
    record = await client[name][database.ENTITIES].find_one({"_id": corpus_id})
    return int(record["articles"]) if record else 0


async def test_a_split_recorded_and_relinked_moves_the_mentions_and_the_counts(
    mongo_client: Client, database_name: str, linker: Linker
) -> None:
    db = mongo_client[database_name]
    store = ArticleStore(db, linker=linker)
    await store.store([_article(f"full-{n}", "Tony Blair") for n in range(3)])
    await store.store([_article("short", "Blair")])
    assert (await _corpus_ids(mongo_client, database_name))["short"] == ["person:tony-blair"]
    assert await _articles(mongo_client, database_name, "person:tony-blair") == 4

    override = split("person:tony-blair", alias="Blair", articles=(), into=None, taken=0)
    await db[database.ENTITY_OVERRIDES].insert_one(override.to_mongo())
    relinked = 0
    for condition in affected(override):
        relinked += await relink(database.articles(db), store.store, condition=condition, batch_size=2)

    assert relinked >= 4  # an article found by its corpus id and by its own entity id is re-stored twice
    assert (await _corpus_ids(mongo_client, database_name))["short"] == ["person:blair"]
    assert await _articles(mongo_client, database_name, "person:tony-blair") == 3
    assert await _articles(mongo_client, database_name, "person:blair") == 1


async def test_a_relink_re_stores_only_what_another_linker_version_linked(
    mongo_client: Client, database_name: str, linker: Linker
) -> None:
    db = mongo_client[database_name]
    store = ArticleStore(db, linker=linker)
    await store.store([_article("a1", "U.S.", "GPE"), _article("a2", "USA", "GPE")])
    await database.articles(db).update_one({"_id": "a1"}, {"$set": {"linker_version": "0"}})

    stored: list[str] = []

    async def counting(documents: Any) -> None:
        stored.extend(document.id for document in documents)
        await store.store(documents)

    assert await relink(database.articles(db), counting, condition=outdated(LINKER_VERSION)) == 1
    assert stored == ["a1"]
    assert (await database.articles(db).find_one({"_id": "a1"}) or {})["linker_version"] == LINKER_VERSION
    assert await _articles(mongo_client, database_name, "gpe:united-states") == 2


def test_newsflow_entities_merge_records_the_override_and_relinks(mongodb_url: str, database_name: str) -> None:
    env = {**os.environ, "NEWSFLOW_MONGODB_URL": mongodb_url, "NEWSFLOW_MONGODB_DATABASE": database_name}
    newsflow = [str(Path(sys.executable).parent / "newsflow")]
    bad = subprocess.run(
        [*newsflow, "entities", "merge", "person:a", "nonsense"], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert "not an entity id" in bad.stderr

    result = subprocess.run(
        [*newsflow, "entities", "merge", "person:tony-blair", "person:blair"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert (printed["_id"], printed["into"]) == ("merge:person:blair", "person:tony-blair")
    assert "relinked 0 article(s)" in result.stderr
