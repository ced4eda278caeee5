"""Request bodies → validated articles: JSON, the plain-text sample layout, HTML, and batches of JSON."""

from typing import Any

import pydantic_core
from pydantic import ValidationError

from services.ingest.errors import InvalidArticle, InvalidBatch, InvalidSubmission, UnsupportedMediaType
from services.ingest.framing import FramingError, array_frames, line_frames
from shared.articles import ArticleIn
from shared.layouts import ArticleFormatError, parse_html, parse_plain_text
from shared.validation import compact_errors

SINGLE_TYPES = ("application/json", "text/plain", "text/html")
BATCH_TYPES = ("application/json", "application/x-ndjson")
# Keeps the answer to a batch of 1,000 bad articles well under a megabyte (each error is at most ~300 bytes).
MAX_ERRORS_PER_BATCH_ITEM = 3


def media_type(content_type: str | None, allowed: tuple[str, ...]) -> str:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in allowed:
        raise UnsupportedMediaType(kind, allowed)
    return kind


def _decode(raw: bytes, invalid: type[InvalidSubmission], *, offset: int = 0) -> str:
    """The text of a non-JSON body: UTF-8 without NUL (HTML parsers would drop a NUL silently; we refuse it).

    `offset`: where `raw` starts in the request body, so a fault is reported at its place there.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid([{"loc": "body", "msg": f"not valid UTF-8 at byte {offset + exc.start}"}]) from None
    if "\x00" in text:
        raise invalid([{"loc": "body", "msg": f"NUL character at byte {offset + raw.index(0)}"}])
    return text


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
    text = _decode(raw, InvalidArticle)
    if kind == "text/html":
        try:
            return _validate(parse_html(text))
        except ArticleFormatError as exc:
            raise InvalidArticle([{"loc": "body", "msg": str(exc)}]) from None
    return _validate(parse_plain_text(text))


def _json(raw: str | bytes, where: str) -> Any:
    # pydantic-core's parser bounds nesting depth; `json.loads` of "[[[[…" raises RecursionError instead.
    try:
        return pydantic_core.from_json(raw)
    except ValueError as exc:
        raise InvalidBatch(compact_errors([{"loc": (where,), "msg": f"invalid JSON: {exc}"}])) from None


def split_batch(raw: bytes, kind: str, max_articles: int) -> list[Any]:
    """The batch's items, still unvalidated: a JSON array, or one JSON object per line (NDJSON).

    Items are counted, and their values bounded, before any is parsed (`framing`), so a body of millions of
    tiny items is refused without building them.
    """
    frame = array_frames if kind == "application/json" else line_frames
    try:
        frames = frame(raw, max_articles)
    except FramingError as exc:
        raise InvalidBatch([{"loc": "body", "msg": str(exc)}]) from None
    if not frames:
        raise InvalidBatch([{"loc": "body", "msg": "the batch is empty"}])
    if kind == "application/json":
        return [_json(raw[item.start : item.end], item.where) for item in frames]
    return [_json(_decode(raw[item.start : item.end], InvalidBatch, offset=item.start), item.where) for item in frames]


def validate_item(item: Any) -> ArticleIn:
    """One article of a batch; its errors are fewer than a single article's, as a batch has up to 1,000."""
    try:
        return ArticleIn.model_validate(item)
    except ValidationError as exc:
        raise InvalidArticle(compact_errors(exc.errors(), limit=MAX_ERRORS_PER_BATCH_ITEM)) from None
