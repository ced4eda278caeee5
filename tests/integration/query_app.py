"""Running the query service in-process for tests: settings, a client through the app's lifespan, stored data."""

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pymongo import AsyncMongoClient, ReplaceOne

from cli.recount import recount
from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY
from devstack.ports import free_port
from services.enrich.linker import SameIdLinker
from services.query.app import create_app
from services.query.repository import Repository
from services.query.settings import QuerySettings
from shared.database import ARTICLES, to_mongo
from shared.documents import ArticleDocument

SAME_ID = SameIdLinker()


def linked(document: ArticleDocument) -> ArticleDocument:
    """The document as the store writes it when each entity is its own corpus entity (`SameIdLinker`)."""
    return SAME_ID.link([document], {}, []).documents[0]


def query_settings(mongodb_url: str, database_name: str, **overrides: Any) -> QuerySettings:
    values: dict[str, Any] = {
        "mongodb_url": mongodb_url,
        "mongodb_database": database_name,
        "api_keys": API_KEYS,
        "cursor_secret": CURSOR_SECRET,
    }
    return QuerySettings(**(values | overrides))


@asynccontextmanager
async def serving(settings: QuerySettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its lifespan running, and a client that sends the read key."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://query", headers={"X-API-Key": READ_KEY}) as client,
    ):
        yield app, client


async def store(mongodb_url: str, database_name: str, documents: Sequence[ArticleDocument]) -> None:
    """Write articles, replacing any with the same id whatever its time, then the registry and counters as the
    store keeps them (the real recount, `newsflow entities recount`).

    A document a linker has not seen (no `linker_version`) is linked by `SameIdLinker`; one that carries links
    (a test that plays the linker) is stored as it is.
    """
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        writes = [
            ReplaceOne(
                {"_id": document.id}, to_mongo(document if document.linker_version else linked(document)), upsert=True
            )
            for document in documents
        ]
        await client[database_name][ARTICLES].bulk_write(writes)
        await recount(client[database_name], write=True)
    finally:
        await client.close()


@asynccontextmanager
async def stored(mongodb_url: str, prefix: str, documents: Sequence[ArticleDocument]) -> AsyncIterator[str]:
    """A database of its own (`prefix` and a random suffix) holding `documents` as `store` writes them; its name,
    dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await store(mongodb_url, name, documents)
    try:
        yield name
    finally:
        await drop(mongodb_url, name)


@asynccontextmanager
async def unreachable_repository() -> AsyncIterator[Repository]:
    """A repository whose MongoDB does not answer (nothing listens on its port), failing within a second."""
    dead: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=300, connectTimeoutMS=300
    )
    try:
        yield Repository(
            dead["newsflow"], timeout_ms=1_000, relevance_candidates=10, related_candidates=10, stats_values=10
        )
    finally:
        await dead.close()


async def drop(mongodb_url: str, database_name: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        await client.drop_database(database_name)
    finally:
        await client.close()


async def all_pages(client: httpx.AsyncClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a listing, following `next_cursor` to the end (asserting each page is 200)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1_000):
        response = await client.get(path, params=params | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")
