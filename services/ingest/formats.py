"""Request bodies → validated articles: JSON, the plain-text sample layout, HTML, and batches of JSON."""

import json
from typing import Any

from fastapi import HTTPException
from pydantic import ValidationError

from shared.api import compact_errors
from shared.submission import ArticleFormatError, ArticleIn, parse_html, parse_plain_text

SINGLE_TYPES = ("application/json", "text/plain", "text/html")
BATCH_TYPES = ("application/json", "application/x-ndjson")


class InvalidArticle(Exception):
    """One article that cannot be accepted, with errors fit to send back (short, no echo of input)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors[0]["msg"] if errors else "invalid article")
        self.errors = errors


def media_type(content_type: str | None, allowed: tuple[str, ...]) -> str:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in allowed:
        raise HTTPException(415, f"unsupported Content-Type {kind or '(none)'!r}; use one of {', '.join(allowed)}")
    return kind


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle([{"loc": "body", "msg": f"not valid UTF-8 at byte {exc.start}"}]) from None


def _validate(fields: Any) -> ArticleIn:
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as exc:
        raise InvalidArticle(compact_errors(exc.errors())) from None


def parse_article(raw: bytes, kind: str) -> ArticleIn:
    if kind == "application/json":
        try:
            return ArticleIn.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidArticle(compact_errors(exc.errors())) from None
    text = _decode(raw)
    if kind == "text/html":
        try:
            return _validate(parse_html(text))
        except ArticleFormatError as exc:
            raise InvalidArticle([{"loc": "body", "msg": str(exc)}]) from None
    return _validate(parse_plain_text(text))


def split_batch(raw: bytes, kind: str, max_articles: int) -> list[Any]:
    """The batch's items, still unvalidated: a JSON array, or one JSON object per line (NDJSON)."""
    text = _decode(raw)
    try:
        if kind == "application/json":
            items = json.loads(text)
            if not isinstance(items, list):
                raise InvalidArticle([{"loc": "body", "msg": "a batch must be a JSON array of articles"}])
        else:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise InvalidArticle([{"loc": f"line {exc.lineno}", "msg": f"invalid JSON: {exc.msg}"}]) from None
    if not items:
        raise InvalidArticle([{"loc": "body", "msg": "the batch is empty"}])
    if len(items) > max_articles:
        raise InvalidArticle([{"loc": "body", "msg": f"at most {max_articles} articles per batch"}])
    return items


def validate_item(item: Any) -> ArticleIn:
    return _validate(item)
