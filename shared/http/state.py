"""What an app keeps for its requests on `app.state`, read by the routes through typed dependencies."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


def app_state(name: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency that returns `app.state.<name>`, typed as `kind`.

    Async, because FastAPI runs a plain `def` dependency in its thread pool: a thread hop per request.
    """

    async def get(request: Request) -> T:
        value: T = getattr(request.app.state, name)
        return value

    get.__name__ = f"get_{name}"
    return get
