"""Query-string parameters, validated at the edge: typed, bounded, patterned, before any query is built.

Only the fields declared here are read; anything else in the query string (`source[$regex]=...`, a misspelt
`entitiy=`) is refused with 422 naming it (`deps.known_parameters`).
"""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import HTTPException
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from services.query.cursor import MAX_CURSOR_CHARS
from services.query.repository import ArticleFilter, ArticleSort, EntityFilter, RelatedSort
from shared.documents import EntityLabel, Status
from shared.search_terms import MAX_TERM_CHARS, normalise, terms

MAX_Q_CHARS = 200
# NFKD can expand one character 18-fold (U+FDFA): `q` is bounded again once normalised.
MAX_Q_NORMALISED_CHARS = 400
MAX_ENTITY_PARAMS = 10
MAX_Q_TERMS = 20
# A date-ranged ranking counts per-day counts of every entity it considers: its range is bounded.
MAX_RANKING_DAYS = 31
TIMELINE_BUCKETS = {"day": 366, "week": 157, "month": 120}  # a year of days, three years of weeks, ten of months
TIMELINE_DEFAULT_BUCKETS = {"day": 31, "week": 26, "month": 24}
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
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso(value: object) -> object:
    """A moment is an ISO 8601 date or date-time, as documented: `0.5` is not read as a Unix timestamp."""
    if isinstance(value, str) and not _DATE_PREFIX.match(value):
        raise ValueError("must be an ISO 8601 date or date-time")
    return value


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


# Control characters (Unicode category Cc, exactly these ranges): NUL cannot be in a BSON regex, nor is any of
# them part of a name or a word. The schema states it as a pattern.
_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"
NO_CONTROL_PATTERN = f"^[^{_CONTROL}]*$"
# `q` of the articles: 1 to MAX_Q_TERMS words of letters and digits, each at most MAX_TERM_CHARS, between
# separators that are neither word nor control characters. Python's `[^\W_]` is `str.isalnum`, and the
# server matches with Python's `re`, as schema-driven clients do, so both read the pattern alike.
_SEPARATOR = f"[^\\w{_CONTROL}]"
_Q_WORD = f"[^\\W_]{{1,{MAX_TERM_CHARS}}}"
Q_PATTERN = f"^{_SEPARATOR}*(?:{_Q_WORD}{_SEPARATOR}+){{0,{MAX_Q_TERMS - 1}}}{_Q_WORD}{_SEPARATOR}*$"
_Q = re.compile(Q_PATTERN.removesuffix("$"))


def _printable(text: str | None) -> str | None:
    if text is not None and any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError("must not contain control characters")
    return text


def _words(text: str | None) -> str | None:
    if text is not None and not _Q.fullmatch(text):
        raise ValueError(
            f"must be 1 to {MAX_Q_TERMS} words of letters or digits, each at most {MAX_TERM_CHARS} characters"
        )
    return text


EntityId = Annotated[str, StringConstraints(pattern=ENTITY_ID_PATTERN, max_length=120)]
Moment = Annotated[datetime | None, BeforeValidator(_iso), AfterValidator(_utc)]
Day = Annotated[date | None, BeforeValidator(_iso)]
End = Annotated[datetime | None, BeforeValidator(_whole_day), BeforeValidator(_iso), AfterValidator(_utc)]
END = "exclusive; a date without a time includes that whole day; without a zone means UTC"
Text = Annotated[str | None, AfterValidator(_printable), Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN})]
Words = Annotated[str | None, AfterValidator(_printable), AfterValidator(_words)]
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
    q: Words = Field(
        default=None,
        max_length=MAX_Q_CHARS,
        description="words that must all appear (case and accents ignored)",
        json_schema_extra={"pattern": Q_PATTERN},
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
    published_from: Moment = Field(
        default=None,
        description=f"count only articles of the days (UTC) from this one on: at most {MAX_RANKING_DAYS} days; "
        "an article's day is that of its published_at, else its received_at",
    )
    published_to: End = Field(
        default=None,
        description=f"count only articles of the days before ({END}); at most {MAX_RANKING_DAYS} days after "
        "`published_from` (alone: the 31 days before it)",
    )

    def to_filter(self) -> EntityFilter:
        return EntityFilter(
            label=self.label, prefix=self.q, published_from=self.published_from, published_to=self.published_to
        )

    def days(self) -> list[str] | None:
        """The days counted ("YYYY-MM-DD"), or None to count all; 422 for a range of more than 31 days (the
        message says "covers at most", as the contract test expects of this refusal)."""
        if self.published_from is None and self.published_to is None:
            return None
        span = timedelta(days=MAX_RANKING_DAYS)
        try:
            if self.published_from is not None:
                start = self.published_from
                end = self.published_to if self.published_to is not None else start + span
            else:
                assert self.published_to is not None
                end = self.published_to
                start = end - span
        except OverflowError:
            raise HTTPException(422, "published_from or published_to is out of range") from None
        first, last = start.date(), (end - timedelta(microseconds=1)).date()
        if last < first:
            return []  # no day: nothing is counted
        if (last - first).days >= MAX_RANKING_DAYS:
            raise HTTPException(422, f"a date-ranged ranking covers at most {MAX_RANKING_DAYS} days")
        return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


class TimelineParams(BaseModel):
    interval: Literal["day", "week", "month"] = Field(default="day", description="bucket size; weeks are ISO weeks")
    start: Day = Field(
        default=None, description="first day of the range (default: 31 days, 26 weeks or 24 months before `end`)"
    )
    end: Day = Field(
        default=None,
        description="last day of the range (default: the entity's last day seen); at most "
        + ", ".join(f"{n} {unit}s" for unit, n in TIMELINE_BUCKETS.items()),
    )

    def buckets(self) -> int:
        """Buckets to list at most; 422 when the range holds more than the interval allows."""
        most = TIMELINE_BUCKETS[self.interval]
        if self.start is None:
            return TIMELINE_DEFAULT_BUCKETS[self.interval]
        if self.end is not None:
            if self.end < self.start:
                return 0  # an empty range
            span = {"day": 1, "week": 7, "month": 28}[self.interval]
            if (self.end - self.start).days // span + 1 > most + 1:
                raise HTTPException(422, f"a {self.interval} timeline covers at most {most} {self.interval}s")
        return most


class RelatedParams(BaseModel):
    sort: RelatedSort = Field(default=RelatedSort.COUNT, description="by shared article count, or by lift")
    limit: Limit = 20
    min_shared: int = Field(default=1, ge=1, le=1_000, description="leave out entities sharing fewer articles")
