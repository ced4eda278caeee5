"""The article contract: what a client submits (`ArticleIn`), its size bounds, and its deterministic id.

The message to the workers carries an `ArticleIn`, so this module is all a worker needs of a submission;
the input formats that produce one (plain text, HTML) are `shared.layouts`.
"""

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

# Per-field bounds (the request body limit is enforced separately, in bytes, before parsing).
MAX_TITLE_CHARS = 1_000
MAX_BODY_CHARS = 1_048_576  # 1 MiB of text
MAX_SHORT_FIELD_CHARS = 300
MAX_URL_CHARS = 2_048
# `extra="forbid"` reports every unknown field, so 100,000 of them cost 100,000 errors to build (seconds of
# CPU and hundreds of MB for a 16 MiB batch); beyond this many fields the object is refused in one error.
MAX_ARTICLE_FIELDS = 32


def reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# What `_has_words` and `reject_nul` check, for the OpenAPI document: no NUL, and a letter or digit (Python's
# `[^\W_]` is exactly `str.isalnum`). Only documented: the validators say it with a clearer message.
TEXT_PATTERN = r"^[^\x00]*[^\W_][^\x00]*$"
_TEXT = Field(json_schema_extra={"pattern": TEXT_PATTERN})
# The length bounds come before the NUL check, so they are string constraints (with a message in characters).
Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE_CHARS), AfterValidator(reject_nul), _TEXT]
Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS), AfterValidator(reject_nul), _TEXT]
Url = Annotated[str, StringConstraints(max_length=MAX_URL_CHARS, pattern=r"^https?://\S+$"), AfterValidator(reject_nul)]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT_FIELD_CHARS),
    AfterValidator(reject_nul),
    Field(json_schema_extra={"pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"}),  # not blank once stripped; no NUL
]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text_moment(value: object) -> object:
    """A moment is an ISO 8601 text, as documented: a number (or `"0"`) is not read as a Unix timestamp."""
    if (isinstance(value, str) and not _ISO_DATE.match(value.strip())) or isinstance(value, int | float):
        raise ValueError("must be an ISO 8601 date-time string")
    return value


class ArticleIn(BaseModel):
    """An article as a client submits it (`POST /v1/articles`, JSON)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title
    body: Body
    source: ShortText | None = None
    url: Url | None = None
    published_at: Annotated[datetime | None, BeforeValidator(_text_moment)] = Field(
        default=None, description="ISO 8601; without a zone it means UTC"
    )
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = Field(
        default=None, description="ISO 639-1 code the client declares; it wins over detection"
    )
    external_id: ShortText | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_too_many_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) > MAX_ARTICLE_FIELDS:
            raise ValueError(f"{len(data)} fields, but an article has only these: {', '.join(cls.model_fields)}")
        return data

    @field_validator("title", "body")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not any(ch.isalnum() for ch in value):
            raise ValueError("must contain text, not only whitespace or punctuation")
        return value

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def article_id(article: ArticleIn, owner: str) -> str:
    """Deterministic 16-hex id: a re-post of the same article (or a correction of it) by its owner keeps its id.

    The identity is the publisher's own id when given, else the URL, else the text itself, so a `.txt` and a
    `.json` of the same article agree. It is scoped by the owner (the name of the key that submitted it), so
    another client's post of the same URL is another article and never replaces this one.
    """
    if article.external_id is not None:
        identity = f"external\x1f{_normalised(article.source or '')}\x1f{article.external_id}"
    elif article.url is not None:
        identity = f"url\x1f{article.url}"
    else:
        identity = f"text\x1f{_normalised(article.title)}\x1f{_normalised(article.body)}"
    # The name cannot hold the separator (`shared.keys.KEY_NAME`), so no two owners share an identity.
    return hashlib.sha256(f"{owner}\x1e{identity}".encode()).hexdigest()[:16]
