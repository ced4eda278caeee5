"""What both HTTP services share: API-key checks, bounded request bodies and JSON errors with a reason.

Every 4xx/5xx is `{"detail": "<reason>"}` (validation errors add a short `errors` list); no stack traces,
no echo of the input, whatever the client sent. The OpenAPI document says so for every operation, so a
client (or a schema-driven fuzzer) can hold the services to it.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as AsgiScope

from shared.keys import ApiKey, Scope, find_key

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 10
MAX_ERROR_MESSAGE_CHARS = 200
# A location names fields, but an unknown field's name is client input: only its start is repeated back.
MAX_ERROR_LOCATION_CHARS = 100

# Two schemes on the same header, so the OpenAPI document says which scope each operation needs.
_key_headers = {
    Scope.READ: APIKeyHeader(
        name="X-API-Key", scheme_name="ReadKey", auto_error=False, description="a `read` or `write` key"
    ),
    Scope.WRITE: APIKeyHeader(name="X-API-Key", scheme_name="WriteKey", auto_error=False, description="a `write` key"),
}


class FieldError(BaseModel):
    loc: str
    msg: str


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer."""

    detail: str
    errors: list[FieldError] | None = None


class AccessPolicy:
    """Which keys exist, and whether reads need one. Lives on `app.state.access`."""

    def __init__(self, keys: tuple[ApiKey, ...], *, public_reads: bool = False) -> None:
        self.keys = keys
        self.public_reads = public_reads


def require(scope: Scope) -> Callable[..., Awaitable[ApiKey | None]]:
    """A dependency that lets a request through only with a key of `scope` (or any, for public reads)."""

    async def check(request: Request, presented: Annotated[str | None, Depends(_key_headers[scope])]) -> ApiKey | None:
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


class BodyTooSlow(Exception):
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """Read at most `limit` bytes of the body within `timeout_s`, without buffering more.

    More bytes (declared or actually sent) → 413; a body still arriving after `timeout_s` → 408, so a
    client trickling a byte at a time cannot hold a request open (uvicorn itself has no such timeout).
    """
    declared = request.headers.get("content-length")
    # `isascii`: "²".isdigit() is true, and int("²") raises.
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTooSlow(timeout_s) from None
    return b"".join(chunks)


def _short(value: object, limit: int = MAX_ERROR_MESSAGE_CHARS) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def compact_errors(errors: Sequence[Any], *, limit: int = MAX_REPORTED_ERRORS) -> list[dict[str, str]]:
    """Pydantic errors without their `input` (which can be megabytes), capped in number and length."""
    return [
        {
            "loc": _short(".".join(str(part) for part in error.get("loc", ())), MAX_ERROR_LOCATION_CHARS),
            "msg": _short(error.get("msg", "")),
        }
        for error in list(errors)[:limit]
    ]


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors everywhere (unknown routes and methods included), documented, with safe response headers."""
    app.add_middleware(SafeHeaders)
    _document_errors(app)

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

    @app.exception_handler(BodyTooSlow)
    async def _too_slow(_: Request, exc: BodyTooSlow) -> JSONResponse:
        detail = f"request body not received within {exc.timeout_s:g} s"
        return JSONResponse({"detail": detail}, status_code=408, headers={"Connection": "close"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # Answered by Starlette's outermost middleware, outside `SafeHeaders`: the headers are set here.
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=dict(SafeHeaders.HEADERS))


class SafeHeaders:
    """Headers on every answer that keep a browser from reinterpreting it (the JSON API is never a page to frame)."""

    HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


ERROR_REASONS = {
    "400": "the request is malformed (e.g. a tampered or foreign cursor)",
    "401": "no API key, or an unknown one",
    "403": "the API key's scope does not allow this",
    "404": "not found",
    "408": "the request body arrived too slowly",
    "413": "the request body exceeds its byte limit",
    "415": "unsupported Content-Type",
    "422": "invalid request: the reason, and a short list of the fields at fault",
    "429": "rate limit exceeded; retry after `Retry-After` seconds",
    "503": "temporarily unavailable; retry later",
}
_RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def _document_errors(app: FastAPI) -> None:
    """Every error an operation can answer is in its OpenAPI entry, with the `ErrorBody` schema.

    Also the ones the routes do not list: 401 (and 403 for write operations) follow from the operation's key
    scheme. FastAPI's default 422 schema (a list in `detail`) is replaced by the one these handlers send.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        models = schema.setdefault("components", {}).setdefault("schemas", {})
        error_body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        models.update(error_body.pop("$defs", {}))
        models["ErrorBody"] = error_body
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _document_operation_errors(operation)
        referenced = json.dumps(schema.get("paths", {}))
        for replaced in ("HTTPValidationError", "ValidationError"):
            if f'"#/components/schemas/{replaced}"' not in referenced:
                models.pop(replaced, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        responses.setdefault("401", {})
    if _key_headers[Scope.WRITE].scheme_name in schemes:
        responses.setdefault("403", {})
    for code, response in responses.items():
        if code[0] not in "45":
            continue
        if response.get("description", "") in ("", "Validation Error", _phrase(code)):
            response["description"] = ERROR_REASONS.get(code, _phrase(code))
        response["content"] = {"application/json": {"schema": _ERROR_REF}}
        if code in ("429", "503"):
            response.setdefault("headers", {})["Retry-After"] = _RETRY_AFTER | {"required": code == "429"}
    operation["responses"] = dict(sorted(responses.items()))


def _phrase(code: str) -> str:
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return ""
