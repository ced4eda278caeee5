"""The OpenAPI document, rewritten so every operation lists the errors it can answer and their body."""

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from shared.http.auth import KEY_HEADERS
from shared.keys import Scope

ERROR_REASONS = {
    "400": "the request is malformed (e.g. a tampered or foreign cursor)",
    "401": "no API key, or an unknown one",
    "403": "the API key's scope does not allow this",
    "404": "not found",
    "408": "the request head or body arrived too slowly",
    "413": "the request body exceeds its byte limit",
    "415": "unsupported Content-Type",
    "422": "invalid request: the reason, and a short list of the fields at fault",
    "429": "rate limit exceeded; retry after `Retry-After` seconds",
    "431": "the request line and headers exceed their byte limit",
    "503": "temporarily unavailable; retry later",
}
_RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
# Answered by the server's protocol (`shared.http.protocol`) to any request, before it reaches an operation.
PROTOCOL_ERRORS = ("408", "431")


def document_errors(app: FastAPI, error_body: type[BaseModel]) -> None:
    """Every error an operation can answer is in its OpenAPI entry, with the `error_body` schema.

    Also the ones the routes do not list: 401 (and 403 for write operations) follow from the operation's key
    scheme, and 408 and 431 come from the server's protocol, whatever the operation. FastAPI's default 422
    schema (a list in `detail`) is replaced by the one the error handlers send.
    """
    name = error_body.__name__
    reference = {"$ref": f"#/components/schemas/{name}"}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        models = schema.setdefault("components", {}).setdefault("schemas", {})
        body_schema = error_body.model_json_schema(ref_template="#/components/schemas/{model}")
        models.update(body_schema.pop("$defs", {}))
        models[name] = body_schema
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _document_operation_errors(operation, reference)
        referenced = json.dumps(schema.get("paths", {}))
        for replaced in ("HTTPValidationError", "ValidationError"):
            if f'"#/components/schemas/{replaced}"' not in referenced:
                models.pop(replaced, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation_errors(operation: dict[str, Any], reference: dict[str, str]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        responses.setdefault("401", {})
    if KEY_HEADERS[Scope.WRITE].scheme_name in schemes:
        responses.setdefault("403", {})
    for code in PROTOCOL_ERRORS:
        responses.setdefault(code, {})
    for code, response in responses.items():
        if code[0] not in "45":
            continue
        if response.get("description", "") in ("", "Validation Error", _phrase(code)):
            response["description"] = ERROR_REASONS.get(code, _phrase(code))
        response["content"] = {"application/json": {"schema": reference}}
        if code in ("429", "503"):
            response.setdefault("headers", {})["Retry-After"] = _RETRY_AFTER | {"required": code == "429"}
    operation["responses"] = dict(sorted(responses.items()))


def _phrase(code: str) -> str:
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return ""
