"""Response models of the ingest API and the OpenAPI blocks of its submit endpoints."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.articles import ArticleIn
from shared.http.errors import FieldError


class Accepted(BaseModel):
    id: str
    status: str = "queued"
    links: dict[str, str]


class DeleteAccepted(BaseModel):
    id: str
    status: Literal["delete-queued"] = Field(
        default="delete-queued",
        description="the delete is queued like a post; once a worker applied it, the article link answers 404",
    )
    links: dict[str, str]


class BatchItem(BaseModel):
    index: int
    id: str


class BatchRejection(BaseModel):
    index: int
    errors: list[FieldError]


class BatchAccepted(BaseModel):
    accepted: list[BatchItem]
    rejected: list[BatchRejection]


# What the submit endpoints may answer besides 202 (401 and 403 come with the key scheme; see
# shared.http.openapi).
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    408: {"description": "the body did not arrive within NEWSFLOW_BODY_TIMEOUT_S"},
    413: {"description": "the body exceeds NEWSFLOW_MAX_ARTICLE_BYTES (a batch: NEWSFLOW_MAX_BATCH_BYTES)"},
    415: {},
    422: {},
    429: {
        "description": "this key sent more articles than NEWSFLOW_RATE_LIMIT allows, or has more waiting in the"
        " queue than its share (NEWSFLOW_KEY_MAX_WAITING); retry after `Retry-After`"
    },
    503: {"description": "the broker did not take the article (queue full or unreachable); retry later"},
}

# What `DELETE /v1/articles/{id}` may answer besides 202.
DELETE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "the article belongs to another key and this key is not an admin key (or may not write)"},
    404: {"description": "no stored article has this id: never stored, not stored yet (still queued), or deleted"},
    422: {"description": "the id is not 16 lowercase hex digits"},
    429: SUBMIT_ERRORS[429],
    503: {"description": "the database (to read the owner) or the broker could not be reached; retry later"},
}

# The request bodies are read by the routes themselves (several media types), so they are declared here.
ARTICLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()},
            "text/plain": {"schema": {"type": "string"}, "example": "Title\n\nSource | March 17, 2023\n\nBody"},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}
# The default of NEWSFLOW_MAX_BATCH_ARTICLES: a deployment that changes it answers 422 past its own bound.
MAX_BATCH_ARTICLES = 1_000
_ARTICLES: dict[str, Any] = {
    "type": "array",
    "items": ArticleIn.model_json_schema(),
    "minItems": 1,
    "maxItems": MAX_BATCH_ARTICLES,
}
BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "The articles as a JSON array, or as NDJSON: the same articles, one JSON object per line. A batch with"
            " an invalid article is refused whole (422, each invalid article's errors under `[index]`)."
        ),
        "content": {
            "application/json": {"schema": _ARTICLES},
            # A sequence of articles, one per line: described as the array it carries.
            "application/x-ndjson": {"schema": _ARTICLES},
        },
    }
}
