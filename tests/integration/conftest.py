"""In-process apps against the real broker and database of the test session."""

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from devstack.secantus import SecantusServer, secantus_server


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it over ASGI (real routing, middleware and serialisation)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
            yield client


AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[SecantusServer]:
    """A database process of the test's own, which it may stop or pause: never an external one."""
    if os.environ.get("NEWSFLOW_TEST_MONGODB_URL"):
        pytest.skip("needs a database process of its own to stop or pause; NEWSFLOW_TEST_MONGODB_URL names another")
    with secantus_server(tmp_path / "data") as server:
        yield server
