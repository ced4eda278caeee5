"""What both HTTP services share: API-key checks, bounded request bodies and JSON errors with a reason.

Every 4xx/5xx is `{"detail": "<reason>"}` (validation errors add a short `errors` list); no stack traces,
no echo of the input, whatever the client sent.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.keys import ApiKey, Scope, find_key

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 10
MAX_ERROR_MESSAGE_CHARS = 200

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key from NEWSFLOW_API_KEYS")


class AccessPolicy:
    """Which keys exist, and whether reads need one. Lives on `app.state.access`."""

    def __init__(self, keys: tuple[ApiKey, ...], *, public_reads: bool = False) -> None:
        self.keys = keys
        self.public_reads = public_reads


def require(scope: Scope) -> Callable[..., Awaitable[ApiKey | None]]:
    """A dependency that lets a request through only with a key of `scope` (or any, for public reads)."""

    async def check(request: Request, presented: Annotated[str | None, Depends(_api_key_header)]) -> ApiKey | None:
        policy: AccessPolicy = request.app.state.access
        if scope is Scope.READ and policy.public_reads:
            return None
        if not presented:
            raise HTTPException(
                401, "missing API key: send it in the X-API-Key header", headers={"WWW-Authenticate": "X-API-Key"}
            )
        key = find_key(policy.keys, presented)
        if key is None:
            raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "X-API-Key"})
        if not key.allows(scope):
            raise HTTPException(403, f"this API key may not {scope.value}")
        return key

    return check


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """Read at most `limit` bytes of the body; more (declared or actually sent) → 413, without buffering it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_ERROR_MESSAGE_CHARS else text[:MAX_ERROR_MESSAGE_CHARS] + "…"


def compact_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic errors without their `input` (which can be megabytes), capped in number and length."""
    return [
        {"loc": _short(".".join(str(part) for part in error.get("loc", ()))), "msg": _short(error.get("msg", ""))}
        for error in list(errors)[:MAX_REPORTED_ERRORS]
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = compact_errors(exc.errors())
        first = f"{errors[0]['loc']}: {errors[0]['msg']}" if errors else "invalid request"
        return JSONResponse({"detail": f"invalid request: {first}", "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": _short(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_: Request, exc: BodyTooLarge) -> JSONResponse:
        return JSONResponse({"detail": f"request body exceeds the limit of {exc.limit} bytes"}, status_code=413)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)
