"""Session-wide real servers. Unit tests need none of these; integration tests ask for them."""

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from devstack.rabbitmq import rabbitmq_vhost
from devstack.secantus import mongodb_server
from devstack.workspace import SEED_EXPECTED


@pytest.fixture(scope="session")
def mongodb_url() -> Iterator[str]:
    with mongodb_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    with rabbitmq_vhost() as (url, _):
        yield url


@pytest.fixture
def database_name() -> str:
    """A fresh database per test, so tests never see each other's documents."""
    return f"newsflow_test_{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def mongo_client(mongodb_url: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture(scope="session")
def seed_expected() -> dict[str, Any]:
    return dict(json.loads(SEED_EXPECTED.read_text()))
