"""Dependencies the routes take as parameters; tests may swap them with `app.dependency_overrides`."""

from typing import Annotated

from fastapi import Depends, Request

from services.query.cursor import CursorCodec, Position, fingerprint
from services.query.params import ListParams
from services.query.repository import Repository
from shared.http.auth import require
from shared.keys import Scope


# Async, because FastAPI runs a plain `def` dependency in its thread pool: a thread hop per request.
async def get_repository(request: Request) -> Repository:
    repository: Repository = request.app.state.repository
    return repository


async def get_cursors(request: Request) -> CursorCodec:
    cursors: CursorCodec = request.app.state.cursors
    return cursors


RepositoryDep = Annotated[Repository, Depends(get_repository)]
CursorsDep = Annotated[CursorCodec, Depends(get_cursors)]
read_access = Depends(require(Scope.READ))


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
