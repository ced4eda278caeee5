"""Running the query service in-process for tests: settings, a client through the app's lifespan, stored data."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pymongo import AsyncMongoClient, ReplaceOne

from devstack.corpus_records import linked, rebuild
from devstack.keys import API_KEYS, CURSOR_SECRET, READ_KEY
from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.database import ARTICLES, to_mongo
from shared.documents import ArticleDocument


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
    """Write articles as the store does, replacing any with the same id, and the registry and counters with them.

    Each entity is linked to itself, and the registry and counters are rebuilt from every stored article
    (`devstack.corpus_records`): the one place to switch to the store's own path.
    """
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        writes = [ReplaceOne({"_id": document.id}, to_mongo(linked(document)), upsert=True) for document in documents]
        await client[database_name][ARTICLES].bulk_write(writes)
        await rebuild(client[database_name])
    finally:
        await client.close()


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
