"""In-process apps against the real broker and database of the test session."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI

WRITE_KEY = "test-write-key-0123456789"
READ_KEY = "test-read-key-0123456789"
API_KEYS = f"{WRITE_KEY},{READ_KEY}:read"


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it over ASGI (real routing, middleware and serialisation)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
            yield client


AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
