"""JSON errors with a reason: the body of every 4xx and 5xx answer, and the handlers that send it.

Every 4xx/5xx is `{"detail": "<reason>"}` (validation errors add a short `errors` list); no stack traces,
no echo of the input, whatever the client sent. The OpenAPI document says so for every operation
(`shared.http.openapi`), so a client (or a schema-driven fuzzer) can hold the services to it.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.http.bodies import BodyTooLarge, BodyTooSlow
from shared.http.headers import SafeHeaders
from shared.http.openapi import document_errors
from shared.validation import compact_errors, shorten

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    loc: str
    msg: str


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer."""

    detail: str
    errors: list[FieldError] | None = None


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors everywhere (unknown routes and methods included), documented, with safe response headers."""
    app.add_middleware(SafeHeaders)
    document_errors(app, ErrorBody)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = compact_errors(exc.errors())
        first = f"{errors[0]['loc']}: {errors[0]['msg']}" if errors else "invalid request"
        return JSONResponse({"detail": f"invalid request: {first}", "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": shorten(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

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
