"""Dependencies the routes take as parameters; tests may swap them with `app.dependency_overrides`."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute

from services.query.admission import ExpensiveReads
from services.query.cursor import CursorCodec, Position, fingerprint
from services.query.params import ListParams
from services.query.repository import Repository
from services.query.web.session import KEY_COOKIE
from shared.http.auth import require
from shared.keys import ApiKey, Scope

MAX_NAMED_UNKNOWN = 5


# Async, because FastAPI runs a plain `def` dependency in its thread pool: a thread hop per request.
async def get_repository(request: Request) -> Repository:
    repository: Repository = request.app.state.repository
    return repository


async def get_cursors(request: Request) -> CursorCodec:
    cursors: CursorCodec = request.app.state.cursors
    return cursors


RepositoryDep = Annotated[Repository, Depends(get_repository)]
CursorsDep = Annotated[CursorCodec, Depends(get_cursors)]
# A browser signed in to the reader (`web.session`) may follow a link to the API: its key comes in the cookie.
read_access = Depends(require(Scope.READ, cookie=KEY_COOKIE))


def reader(request: Request, key: ApiKey | None) -> str:
    """Who a read is counted against: its key's name, or its client address when reads need no key."""
    if key is not None:
        return f"key:{key.name}"
    # A public reader could send a new made-up key with every request; its address it cannot change as freely.
    return f"address:{request.client.host if request.client else 'unknown'}"


class Admission:
    """This request's way into the expensive reads (`ExpensiveReads.admit`)."""

    def __init__(self, request: Request, key: ApiKey | None) -> None:
        self._reads: ExpensiveReads = request.app.state.expensive_reads
        self._reader = reader(request, key)

    def slot(self) -> AbstractAsyncContextManager[None]:
        return self._reads.admit(self._reader)


async def get_admission(request: Request, key: Annotated[ApiKey | None, read_access]) -> Admission:
    # `read_access` already ran for the route: FastAPI hands over its cached answer, the key it found.
    return Admission(request, key)


AdmissionDep = Annotated[Admission, Depends(get_admission)]


async def _expensive_read(admission: AdmissionDep) -> AsyncIterator[None]:
    async with admission.slot():
        yield


# For a route that is expensive whatever its parameters; the slot is released before the answer is sent.
expensive_read = Depends(_expensive_read, scope="function")


def _query_names(request: Request) -> frozenset[str]:
    """The query parameters the OpenAPI document lists for the route that matched (computed once per route)."""
    route: APIRoute = request.scope["route"]
    known: dict[str, frozenset[str]] = request.app.state.query_names
    if route.unique_id not in known:
        paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
        operations = paths.get(route.path_format, {})
        parameters = [
            p for method in route.methods or () for p in operations.get(method.lower(), {}).get("parameters", [])
        ]
        known[route.unique_id] = frozenset(p["name"] for p in parameters if p["in"] == "query")
    return known[route.unique_id]


async def _known_parameters(request: Request) -> None:
    # A misspelt filter (`entitiy=`) silently ignored would answer everything, as if it had matched.
    unknown = sorted(set(request.query_params) - _query_names(request))
    if unknown:
        named = ", ".join(name[:40] for name in unknown[:MAX_NAMED_UNKNOWN])
        raise HTTPException(422, f"unknown query parameter: {named}; /docs lists the parameters of each operation")


known_parameters = Depends(_known_parameters)


class Pages:
    """Turns `cursor` into a position of one listing and back (`InvalidCursor` answers 400)."""

    def __init__(self, cursors: CursorsDep) -> None:
        self._cursors = cursors

    def position(self, params: ListParams) -> Position | None:
        if params.cursor is None:
            return None
        return self._cursors.decode(params.cursor, query=fingerprint(params.fingerprint_fields()))

    def next_cursor(self, params: ListParams, position: Position | None) -> str | None:
        if position is None:
            return None
        return self._cursors.encode(position, query=fingerprint(params.fingerprint_fields()))


async def get_pages(cursors: CursorsDep) -> Pages:
    return Pages(cursors)


PagesDep = Annotated[Pages, Depends(get_pages)]
