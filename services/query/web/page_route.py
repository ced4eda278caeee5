"""The reader's route class: a page that cannot be served answers with an HTML error page, not the API's JSON.

The API's handlers are app-wide and answer JSON, which a browser shows as raw text. A page's refusals (the
read rate limit's 429, no free slot's 503) and the database's failures (a query over its time, no server) are
rendered here instead, keeping the status and `Retry-After`, so a reader sees what happened and when to retry.
"""

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pymongo.errors import ConnectionFailure, ExecutionTimeout

from services.query.admission import RETRY_LATER
from services.query.scorer import ScoringTimeout
from services.query.web.rendering import page

log = logging.getLogger(__name__)

SLOW = "The search took too long to answer. Narrow it (a word, an entity, a date range) or retry in a few seconds."
DOWN = "The article database is not answering. Retry in a few seconds."


class PageRoute(APIRoute):
    """An `APIRoute` whose refusals and database failures are rendered as the reader's error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            try:
                return await handle(request)
            except HTTPException as exc:
                if exc.status_code < 400:
                    raise
                return _error(request, exc.status_code, str(exc.detail), exc.headers)
            except (ExecutionTimeout, ScoringTimeout) as exc:
                log.warning("page read too slow on %s: %s", request.url.path, type(exc).__name__)
                return _error(request, 503, SLOW, RETRY_LATER)
            except ConnectionFailure as exc:
                log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
                return _error(request, 503, DOWN, RETRY_LATER)

        return handle_page


def _error(request: Request, status: int, message: str, headers: Mapping[str, str] | None) -> Response:
    answer = page(request, "error.html", {"status": status, "message": message}, status=status)
    answer.headers.update(headers or {})
    return answer
