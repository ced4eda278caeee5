"""Query-string parameters, validated at the edge: typed, bounded, patterned, before any query is built.

Only the fields declared here are read; anything else in the query string (`source[$regex]=...`, a misspelt
`entitiy=`) is refused with 422 naming it (`deps.known_parameters`).
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import HTTPException
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from services.query.cursor import MAX_CURSOR_CHARS
from services.query.repository import ArticleFilter, ArticleSort, EntityFilter, RelatedSort
from shared.documents import EntityLabel, Status
from shared.search_terms import normalise, terms

MAX_Q_CHARS = 200
# NFKD can expand one character 18-fold (U+FDFA): `q` is bounded again once normalised.
MAX_Q_NORMALISED_CHARS = 400
MAX_ENTITY_PARAMS = 10
MAX_Q_TERMS = 20
# `<label>:<slug>`; a slug keeps letters that have no ASCII form ("gpe:łodz"), and repeats get "-2".
ENTITY_ID_PATTERN = r"^[a-z_]+:[\w-]{1,100}$"


def _utc(moment: datetime | None) -> datetime | None:
    """In UTC; a time without a zone means UTC, as at ingest."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00
        raise ValueError("out of range") from None


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _whole_day(value: object) -> object:
    """An end given as a date without a time includes that day: `published_to=2023-03-17` ends at 18 March 00:00."""
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value):
        try:
            return datetime.fromisoformat(value) + timedelta(days=1)
        except ValueError:  # e.g. 2023-02-30, reported by the datetime validation
            return value
        except OverflowError:  # 9999-12-31
            raise ValueError("out of range") from None
    return value


def _printable(text: str | None) -> str | None:
    # NUL cannot be in a BSON regex (nor is any control character part of a name or a word).
    if text is not None and not text.isprintable():
        raise ValueError("must not contain control characters")
    return text


EntityId = Annotated[str, StringConstraints(pattern=ENTITY_ID_PATTERN, max_length=120)]
Moment = Annotated[datetime | None, AfterValidator(_utc)]
End = Annotated[datetime | None, BeforeValidator(_whole_day), AfterValidator(_utc)]
END = "exclusive; a date without a time includes that whole day; without a zone means UTC"
Text = Annotated[str | None, AfterValidator(_printable)]
Limit = Annotated[int, Field(ge=1, le=100, description="items per page")]
Cursor = Annotated[
    str | None,
    Field(max_length=MAX_CURSOR_CHARS, description="`next_cursor` of the previous page"),
]


class ListParams(BaseModel):
    limit: Limit = 20
    cursor: Cursor = None

    def fingerprint_fields(self) -> dict[str, Any]:
        """What identifies the listing (a cursor is only valid for the same one)."""
        return self.model_dump(mode="json", exclude={"cursor", "limit"})


class ArticleListParams(ListParams):
    q: Text = Field(
        default=None, max_length=MAX_Q_CHARS, description="words that must all appear (case and accents ignored)"
    )
    entity: list[EntityId] = Field(
        default_factory=list, max_length=MAX_ENTITY_PARAMS, description="entity ids that must all appear"
    )
    label: EntityLabel | None = Field(default=None, description="articles mentioning an entity of this label")
    source: Text = Field(default=None, min_length=1, max_length=300)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$", description="ISO 639-1")
    status: Status | None = None
    published_from: Moment = Field(default=None, description="inclusive; without a zone means UTC")
    published_to: End = Field(default=None, description=END)
    sort: ArticleSort = Field(default=ArticleSort.RECEIVED_AT, description="newest first; `relevance` needs `q`")

    def to_filter(self) -> ArticleFilter:
        if self.q is not None and len(normalise(self.q)) > MAX_Q_NORMALISED_CHARS:
            raise HTTPException(422, f"q is longer than {MAX_Q_NORMALISED_CHARS} characters once normalised (NFKD)")
        words = tuple(terms(self.q)) if self.q is not None else ()
        if self.q is not None and not words:
            raise HTTPException(422, "q has no words to search for")
        if len(words) > MAX_Q_TERMS:
            raise HTTPException(422, f"q has more than {MAX_Q_TERMS} words")
        if self.sort is ArticleSort.RELEVANCE and not words:
            raise HTTPException(422, "sort=relevance needs q")
        return ArticleFilter(
            terms=words,
            entities=tuple(dict.fromkeys(self.entity)),
            label=self.label,
            source=self.source,
            language=self.language,
            status=self.status,
            published_from=self.published_from,
            published_to=self.published_to,
        )


class EntityListParams(ListParams):
    label: EntityLabel | None = None
    q: Text = Field(
        default=None, min_length=1, max_length=100, description="start of the name or an alias, case-insensitive"
    )
    published_from: Moment = Field(default=None, description="count only articles published from (inclusive)")
    published_to: End = Field(default=None, description=f"count only articles published before ({END})")

    def to_filter(self) -> EntityFilter:
        return EntityFilter(
            label=self.label, prefix=self.q, published_from=self.published_from, published_to=self.published_to
        )


class RelatedParams(BaseModel):
    sort: RelatedSort = Field(default=RelatedSort.COUNT, description="by shared article count, or by lift")
    limit: Limit = 20
    min_shared: int = Field(default=1, ge=1, le=1_000, description="leave out entities sharing fewer articles")
