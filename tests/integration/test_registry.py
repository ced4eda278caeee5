"""The entity registry and the counters against the real database: after the disorder a queue delivers
(redeliveries, duplicates, re-posts with changed text, re-enrichments, deletes before and after the post, old
versions arriving late, several workers storing at once) they equal a full recount of the stored articles, and
the recount finds and repairs counts that something else changed."""

import asyncio
import hashlib
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cli.recount import recount, registry_drift
from devstack.rabbitmq import rabbitmq_vhost
from services.enrich.settings import WorkerSettings
from services.enrich.store import ArticleStore
from services.enrich.worker import Worker
from shared import database, topology
from shared.articles import ArticleIn
from shared.database import to_mongo
from shared.documents import ArticleDocument
from shared.messages import ArticleDeleted, ArticleSubmitted
from shared.registry import contribution
from tests.registry_documents import NamingEnricher, document

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WAIT_S = 60.0
Db = AsyncDatabase[dict[str, Any]]


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _id(name: str) -> str:
    """An article id as ingest makes them (16 hex digits), for a name the test reads more easily."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def _name(id: str) -> str:
    return next(name for name in NAMES if _id(name) == id)


NAMES = [f"a{n}" for n in range(10)] + [f"c{n}" for n in range(12)] + ["kept", "gone", "unknown", "never-stored"]


def _doc(name: str, body: str, minutes: int, **fields: Any) -> ArticleDocument:
    return document(_id(name), body, _at(minutes), **fields)


def _deleted(name: str, minutes: int) -> ArticleDeleted:
    return ArticleDeleted(kind="deleted", id=_id(name), requested_by="admin", received_at=_at(minutes))


@pytest.fixture
async def db(mongo_client: AsyncMongoClient[dict[str, Any]], database_name: str) -> Db:
    db = mongo_client[database_name]
    await database.ensure_indexes(db)
    return db


@pytest.fixture
def store(db: Db) -> ArticleStore:
    return ArticleStore(db)


async def _bodies(db: Db) -> dict[str, str]:
    return {_name(stored["_id"]): stored["body"] async for stored in database.articles(db).find({})}


async def _ids(db: Db) -> set[str]:
    return {stored["_id"] async for stored in database.articles(db).find({}, {"_id": 1})}


async def _entity(db: Db, id: str) -> dict[str, Any]:
    found = await database.entities(db).find_one({"_id": id})
    assert found is not None, id
    return found


async def _buckets(db: Db, entity: str) -> dict[str, dict[str, Any]]:
    """The entity's day buckets by `_id`, without it; days counted 0 left out."""
    found = database.entity_days(db).find({"entity": entity})
    return {
        bucket.pop("_id"): bucket | {"days": {day: n for day, n in bucket["days"].items() if n}}
        async for bucket in found
    }


async def test_a_stored_article_is_linked_and_counted(store: ArticleStore, db: Db) -> None:
    await store.store([_doc("a1", "Brussels hosted Merkel; Brussels agreed.", 0, published_at=_at(-60 * 24))])

    stored = await database.articles(db).find_one({"_id": _id("a1")})
    assert stored is not None
    assert stored["corpus_entities"] == ["gpe:brussels", "person:merkel"]
    assert stored["linker_version"] and all(entity["corpus_id"] for entity in stored["entities"])
    brussels = await _entity(db, "gpe:brussels")
    assert {key: brussels[key] for key in ("name", "label", "articles", "mentions", "ids", "keys")} == {
        "name": "Brussels",
        "label": "GPE",
        "articles": 1,
        "mentions": 2,
        "ids": ["gpe:brussels"],
        "keys": ["brussels"],
    }
    assert brussels["aliases"] == {"brussels": {"name": "BRUSSELS", "count": 1}}
    assert "days" not in brussels  # its days are counted in its month's bucket, the day it was published
    assert await _buckets(db, "gpe:brussels") == {
        "gpe:brussels|2026-11": {"entity": "gpe:brussels", "month": "2026-11", "days": {"26": 1}}
    }
    totals = await database.counters(db).find_one({"_id": "articles"})
    assert totals is not None and totals["total"] == 1 and totals["label"] == {"GPE": 1, "PERSON": 1}
    assert await registry_drift(db) == []


async def test_the_registry_equals_a_recount_after_the_disorder_of_a_queue(store: ArticleStore, db: Db) -> None:
    first = _doc("a1", "Brussels hosted Merkel.", 0)
    await store.store([first, _doc("a2", "Paris and Brussels.", 1), _doc("a3", "Obama in Rome.", 2)])
    await store.store([first])  # a redelivery
    await store.store([first, first, _doc("a4", "Lisbon.", 3, status="failed")])  # duplicates
    # A re-post with changed text, and a re-enrichment (same arrival time, another pipeline version).
    await store.store([_doc("a2", "Paris and Madrid and Paris.", 10)])
    await store.store([_doc("a3", "Obama in Rome and Berlin.", 2, version="2")])
    # Deleted after the post; then the older version is redelivered: it stays deleted.
    await store.store([], [_deleted("a1", 20)])
    await store.store([first])
    # Deleted before its post arrives (another queue order): the post is older, so it never appears...
    await store.store([], [_deleted("a5", 30)])
    await store.store([_doc("a5", "Vienna.", 25)])
    # ...while a newer post of a deleted article wins over the tombstone.
    await store.store([_doc("a1", "Brussels again, with Obama.", 40)])
    # A delete older than the stored version changes nothing; a delete of an id never stored leaves a tombstone.
    await store.store([], [_deleted("a2", 5), _deleted("never-stored", 50)])
    # A batch mixing all of it, in an order no queue promises (the winner published in another month).
    october = _at(-60 * 24 * 40)
    await store.store(
        [
            _doc("a6", "Oslo.", 60),
            _doc("a6", "Oslo and Bergen.", 61, published_at=october),
            _doc("a3", "Rome.", 1),
        ],
        [_deleted("a4", 70), _deleted("a6", 60)],
    )
    # A re-post moving an article to another month takes its days from the old bucket to the new one.
    await store.store([_doc("a7", "Oslo.", 80)])
    await store.store([_doc("a7", "Oslo.", 81, published_at=october)])

    assert await _bodies(db) == {
        "a1": "Brussels again, with Obama.",
        "a2": "Paris and Madrid and Paris.",
        "a3": "Obama in Rome and Berlin.",
        "a6": "Oslo and Bergen.",
        "a7": "Oslo.",
    }
    tombstones = {_name(found["_id"]) async for found in database.tombstones(db).find({})}
    assert tombstones == {"a4", "a5", "never-stored"}
    assert await registry_drift(db) == []
    assert (await _entity(db, "gpe:brussels"))["articles"] == 1
    assert (await _entity(db, "gpe:paris"))["mentions"] == 2
    assert await database.entities(db).count_documents({"_id": "gpe:vienna"}) == 0  # never stored, never counted
    totals = await database.counters(db).find_one({"_id": "articles"})
    assert totals is not None and totals["total"] == 5 and totals["status"]["failed"] == 0
    # The day counts live in the buckets, which the drift check above compares with a recount, not in records.
    assert await database.entities(db).count_documents({"days": {"$exists": True}}) == 0
    assert await _buckets(db, "gpe:oslo") == {
        "gpe:oslo|2026-10": {"entity": "gpe:oslo", "month": "2026-10", "days": {"18": 2}},
        "gpe:oslo|2026-11": {"entity": "gpe:oslo", "month": "2026-11", "days": {}},
    }
    assert await _buckets(db, "gpe:vienna") == {}


async def test_a_new_record_inserted_equals_the_one_its_upsert_would_make(db: Db) -> None:
    """The store inserts the records that do not exist yet instead of upserting them (on SecantusDB an upsert
    that finds nothing costs twice an insert): the two must leave the same record."""
    tally = contribution(
        to_mongo(_doc("a1", "Brussels hosted Merkel and Obama; Brussels agreed.", 0, published_at=_at(-60)))
    )
    for collection, changes in (
        (database.entities(db), tally.entities),
        (database.entity_days(db), tally.days),
        (database.counters(db), tally.counters),
    ):
        upserted = db[f"upserted_{collection.name}"]
        for id, change in changes.items():
            await collection.insert_one(change.record(id))
            await upserted.update_one({"_id": id}, change.update(), upsert=True)
            assert await collection.find_one({"_id": id}) == await upserted.find_one({"_id": id}), id


async def test_versions_report_stored_and_deleted_articles(store: ArticleStore) -> None:
    await store.store([_doc("kept", "Rome.", 0), _doc("gone", "Oslo.", 0)], [_deleted("gone", 5)])

    versions = await store.versions([_id("kept"), _id("gone"), _id("unknown")])

    assert set(versions) == {_id("kept"), _id("gone")}
    kept, gone = versions[_id("kept")], versions[_id("gone")]
    assert not kept.deleted and kept.received_at == _at(0)
    assert gone.deleted and gone.received_at == _at(5)


async def test_concurrent_stores_of_the_same_articles_keep_the_counts_exact(
    mongodb_url: str, database_name: str, db: Db
) -> None:
    """Several workers (each its own client) store overlapping batches at once: versions, re-posts, deletes."""
    rng = random.Random(16)
    places = ["Rome", "Oslo", "Paris", "Vienna", "Lisbon", "Madrid", "Berlin"]
    names = [f"c{n}" for n in range(12)]

    def batch() -> tuple[list[ArticleDocument], list[ArticleDeleted]]:
        documents = [
            _doc(name, " and ".join(rng.sample(places, 3)) + ".", rng.randrange(5)) for name in rng.sample(names, 6)
        ]
        deletions = [_deleted(name, rng.randrange(5)) for name in rng.sample(names, 2)]
        return documents, deletions

    async def worker(rounds: int) -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
        try:
            store = ArticleStore(client[database_name])
            for _ in range(rounds):
                await store.store(*batch())
        finally:
            await client.close()

    await asyncio.gather(*(worker(6) for _ in range(4)))

    assert await registry_drift(db) == []
    totals = await database.counters(db).find_one({"_id": "articles"})
    assert totals is not None and totals["total"] == await database.articles(db).count_documents({})


async def test_the_recount_finds_counts_changed_behind_the_stores_back_and_repairs_them(
    store: ArticleStore, db: Db
) -> None:
    await store.store([_doc("a1", "Rome and Oslo.", 0), _doc("a2", "Rome.", 1)])
    await database.entities(db).update_one({"_id": "gpe:rome"}, {"$inc": {"articles": 5}})
    await database.entities(db).delete_one({"_id": "gpe:oslo"})
    await database.counters(db).update_one({"_id": "articles"}, {"$inc": {"total": -1}})
    await database.entity_days(db).update_one({"_id": "gpe:rome|2026-11"}, {"$inc": {"days.27": 3}})
    await database.entity_days(db).insert_one({"_id": "gpe:rome|2026-01", "entity": "gpe:rome", "month": "2026-01"})
    await database.entity_days(db).update_one({"_id": "gpe:rome|2026-01"}, {"$inc": {"days.05": 1}})

    drift = await registry_drift(db)

    assert {(d.collection, d.record, d.field, d.maintained, d.recounted) for d in drift} >= {
        ("entities", "gpe:rome", "articles", 7, 2),
        ("entities", "gpe:oslo", "articles", 0, 1),
        ("counters", "articles", "total", 1, 2),
        ("entity_days", "gpe:rome|2026-11", "days.27", 5, 2),
        ("entity_days", "gpe:rome|2026-01", "days.05", 1, 0),
    }
    repaired = await recount(db, write=True)
    assert repaired.articles == 2 and repaired.differences == drift
    assert await registry_drift(db) == []
    oslo = await _entity(db, "gpe:oslo")
    assert oslo["name"] == "Oslo" and oslo["ids"] == ["gpe:oslo"] and oslo["aliases"]["oslo"]["count"] == 1
    assert await _buckets(db, "gpe:rome") == {
        "gpe:rome|2026-11": {"entity": "gpe:rome", "month": "2026-11", "days": {"27": 2}}
    }


async def test_a_recount_moves_the_day_counts_of_an_earlier_layout_to_the_buckets(store: ArticleStore, db: Db) -> None:
    """A database written before the buckets: each record holds its own `days` and `entity_days` is empty."""
    await store.store([_doc("a1", "Rome and Oslo.", 0), _doc("a2", "Rome.", 1, published_at=_at(-60 * 24 * 30))])
    await database.entity_days(db).drop()
    await database.entities(db).update_one({"_id": "gpe:rome"}, {"$set": {"days": {"2026-10-28": 1, "2026-11-27": 1}}})
    await database.entities(db).update_one({"_id": "gpe:oslo"}, {"$set": {"days": {"2026-11-27": 1}}})

    drift = await registry_drift(db)

    assert {(d.collection, d.record, d.field, d.maintained, d.recounted) for d in drift} == {
        ("entities", "gpe:rome", "days.2026-10-28", 1, 0),
        ("entities", "gpe:rome", "days.2026-11-27", 1, 0),
        ("entities", "gpe:oslo", "days.2026-11-27", 1, 0),
        ("entity_days", "gpe:rome|2026-10", "days.28", 0, 1),
        ("entity_days", "gpe:rome|2026-11", "days.27", 0, 1),
        ("entity_days", "gpe:oslo|2026-11", "days.27", 0, 1),
    }
    await recount(db, write=True)
    assert await registry_drift(db) == []
    assert await database.entities(db).count_documents({"days": {"$exists": True}}) == 0
    assert (await _entity(db, "gpe:rome"))["articles"] == 2
    assert await _buckets(db, "gpe:rome") == {
        "gpe:rome|2026-10": {"entity": "gpe:rome", "month": "2026-10", "days": {"28": 1}},
        "gpe:rome|2026-11": {"entity": "gpe:rome", "month": "2026-11", "days": {"27": 1}},
    }


async def test_a_recount_rebuilds_a_lost_registry_as_the_store_kept_it(store: ArticleStore, db: Db) -> None:
    await store.store([_doc("a1", "Rome and Oslo.", 0), _doc("a2", "Rome in Brussels.", 1)])
    await store.store([], [_deleted("a1", 2)])
    kept = {found["_id"]: found async for found in database.entities(db).find({"articles": {"$gt": 0}})}
    counted = {found["_id"]: found async for found in database.counters(db).find({})}
    buckets = {found["_id"]: found async for found in database.entity_days(db).find({})}
    await database.entities(db).drop()
    await database.entity_days(db).drop()
    await database.counters(db).drop()

    await recount(db, write=True)

    rebuilt = {found["_id"]: found async for found in database.entities(db).find({"articles": {"$gt": 0}})}
    assert rebuilt.keys() == kept.keys()
    assert rebuilt == kept
    # A bucket whose days all fell to 0 is not rebuilt; every other one is, with the days counted.
    rebuilt_buckets = {found["_id"]: found async for found in database.entity_days(db).find({})}
    assert rebuilt_buckets == {
        id: bucket | {"days": {day: n for day, n in bucket["days"].items() if n}}
        for id, bucket in buckets.items()
        if any(bucket["days"].values())
    }
    recounted = {found["_id"]: found async for found in database.counters(db).find({})}
    assert recounted["articles"]["total"] == counted["articles"]["total"] == 1


async def test_without_the_registry_only_articles_and_tombstones_are_written(db: Db) -> None:
    store = ArticleStore(db, registry=False)
    await store.store([_doc("a1", "Rome.", 0), _doc("a2", "Oslo.", 0)], [_deleted("a2", 1)])

    assert await _bodies(db) == {"a1": "Rome."}
    assert await database.tombstones(db).count_documents({}) == 1
    assert await database.entities(db).count_documents({}) == 0
    assert await database.entity_days(db).count_documents({}) == 0
    assert await database.counters(db).count_documents({}) == 0


async def test_the_worker_takes_posts_and_deletes_from_the_queue_and_the_registry_follows(
    mongodb_url: str, database_name: str, db: Db
) -> None:
    """Through the real broker: a message delivered twice, a re-post, a delete after the post and one before
    it, an older version after the delete and a delete of an id never posted, in one queue."""

    def post(name: str, body: str, minutes: int) -> bytes:
        article = ArticleIn(title=f"Article {name}", body=body)
        return (
            ArticleSubmitted(id=_id(name), owner="writer", article=article, received_at=_at(minutes))
            .model_dump_json()
            .encode()
        )

    def delete(name: str, minutes: int) -> bytes:
        return _deleted(name, minutes).model_dump_json().encode()

    messages = [
        post("a1", "Brussels hosted Merkel.", 0),
        post("a1", "Brussels hosted Merkel.", 0),
        post("a2", "Paris and Rome.", 1),
        post("a2", "Paris and Madrid.", 5),
        post("a3", "Oslo.", 2),
        delete("a3", 6),
        post("a3", "Oslo.", 2),
        delete("a4", 7),
        post("a4", "Vienna.", 3),
        delete("never-stored", 8),
        post("a5", "Lisbon and Berlin.", 9),
    ]
    with rabbitmq_vhost() as (vhost_url, _):
        settings = WorkerSettings(
            rabbitmq_url=vhost_url, mongodb_url=mongodb_url, mongodb_database=database_name, batch_size=4
        )
        connection = await aio_pika.connect(vhost_url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            topo = await topology.declare_topology(channel, max_length=settings.queue_max_length)
            for body in messages:
                message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
                await topo.exchange.publish(message, topology.ARTICLE_ROUTING_KEY)
            stop = asyncio.Event()
            worker = Worker(settings=settings, enricher=NamingEnricher(), store=ArticleStore(db))
            running = asyncio.create_task(worker.run(stop))
            try:
                async with asyncio.timeout(WAIT_S):
                    # The last post stored and the three tombstones laid: then stopping finishes what is in hand.
                    while True:
                        if await database.tombstones(db).count_documents({}) == 3 and _id("a5") in await _ids(db):
                            break
                        await asyncio.sleep(0.2)
            finally:
                stop.set()
                await asyncio.wait_for(running, timeout=WAIT_S)
            left = await channel.declare_queue(topology.WORK_QUEUE, passive=True)
            dead = await channel.declare_queue(topology.DEAD_QUEUE, passive=True)
            assert left.declaration_result.message_count == 0 and dead.declaration_result.message_count == 0

    assert await _bodies(db) == {"a1": "Brussels hosted Merkel.", "a2": "Paris and Madrid.", "a5": "Lisbon and Berlin."}
    assert {_name(found["_id"]) async for found in database.tombstones(db).find({})} == {"a3", "a4", "never-stored"}
    assert await registry_drift(db) == []
    assert (await _entity(db, "gpe:brussels"))["articles"] == 1
    # The re-post dropped Rome, and the deleted articles count nowhere.
    for gone in ("gpe:rome", "gpe:oslo", "gpe:vienna"):
        assert await database.entities(db).count_documents({"_id": gone, "articles": {"$gt": 0}}) == 0


@pytest.mark.e2e
async def test_newsflow_entities_recount_checks_then_repairs(
    store: ArticleStore, db: Db, mongodb_url: str, database_name: str
) -> None:
    await store.store([_doc("a1", "Rome and Oslo.", 0)])
    await database.entities(db).update_one({"_id": "gpe:rome"}, {"$inc": {"mentions": 3}})
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")},
        "NEWSFLOW_MONGODB_URL": mongodb_url,
        "NEWSFLOW_MONGODB_DATABASE": database_name,
    }

    def newsflow(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).parent / "newsflow"), "entities", "recount", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    checked = await asyncio.to_thread(newsflow, "--check")
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.splitlines() == ["entities/gpe:rome mentions: 4 maintained, 1 recounted"]
    assert "1 record(s) differ" in checked.stderr

    repaired = await asyncio.to_thread(newsflow)
    assert repaired.returncode == 0, repaired.stderr
    again = await asyncio.to_thread(newsflow, "--check")
    assert again.returncode == 0 and again.stdout == "", again.stderr
    assert "exact" in again.stderr
