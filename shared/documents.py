"""The enriched article as stored in MongoDB and served by the query API.

`Enrichment` is what the NLP produces from text alone; `ArticleDocument` extends it with what the pipeline
knows (ids, metadata, times, provenance), so each field is declared once. Offsets are Python string indices
into the stored `title` or `body`.
"""

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

EntityLabel = Literal[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"
]
ENTITY_LABELS: tuple[str, ...] = get_args(EntityLabel)
Status = Literal["enriched", "failed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Model):
    field: Literal["title", "body"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class EntityLink(_Model):
    """Why an article's entity was linked to its corpus entity (see `services/enrich/linking`)."""

    method: Literal["same-id", "gazetteer", "alias", "short-name", "label", "override"]
    detail: str | None = Field(default=None, description="e.g. the gazetteer record or the full name chosen")


class Entity(_Model):
    id: str = Field(description="`<label lowercased>:<slug of name>`, e.g. `person:qin-gang`")
    name: str
    label: EntityLabel
    aliases: list[str] = Field(default_factory=list)
    count: int = Field(ge=1, description="number of mentions in title and body")
    salience: float = Field(ge=0.0, le=1.0)
    mentions: list[Mention] = Field(description="the first mentions, at most 50 (`count` has them all)")
    corpus_id: str | None = Field(
        default=None,
        description="the corpus entity (`/v1/entities/{id}`) this one is linked to when stored; null in `newsflow "
        "enrich` output, which never sees the corpus",
    )
    link: EntityLink | None = Field(default=None, description="why `corpus_id` was chosen")


class SummarySentence(_Model):
    start: int = Field(ge=0, description="offset into body")
    end: int = Field(ge=0)


class Summary(_Model):
    text: str
    sentences: list[SummarySentence]


class Keyword(_Model):
    text: str
    score: float = Field(ge=0.0, le=1.0)


class TextStats(_Model):
    """Length and reading time of the body."""

    words: int = Field(ge=0)
    sentences: int = Field(ge=0)
    reading_time_minutes: float = Field(ge=0.0)


class Enrichment(_Model):
    """Everything the NLP derives from an article's text; a pure function of title, body and language.

    The NLP sets every field. A failed document has no enrichment: it keeps the defaults (the declared
    language, if any, and nulls or empty lists), which is why the fields have them.
    """

    language: str | None = Field(default=None, description="ISO 639-1")
    language_source: Literal["declared", "detected"] | None = None
    entities: list[Entity] = Field(default_factory=list)
    entities_note: str | None = Field(default=None, description="why entities are empty, when they are")
    summary: Summary | None = None
    keywords: list[Keyword] = Field(default_factory=list)
    stats: TextStats | None = None


class Pipeline(_Model):
    version: str = Field(description="enrichment version; bumped whenever output can change")
    model: str
    model_version: str
    worker: str | None = Field(default=None, description="which worker enriched it (hostname)")


class _ArticleHead(_Model):
    """The first fields of a stored article: its id, its owner, its status and what the client sent."""

    id: str
    owner: str | None = Field(
        default=None,
        description="the name of the API key that submitted it; null only for articles stored before key names "
        "until `newsflow migrate-owners` ran",
    )
    status: Status
    title: str
    body: str
    source: str | None = None
    url: str | None = None
    external_id: str | None = None
    published_at: datetime | None = None


# The bases are listed last-first because pydantic orders fields from the most basic class up: a document
# reads id, owner, status and what the client sent, then the enrichment, then the provenance below (the order
# the query API serves; tests/unit/test_stored_document.py holds it).
class ArticleDocument(Enrichment, _ArticleHead):
    """One stored article. `status` is `failed` (with `error`) when it was dead-lettered."""

    pipeline: Pipeline | None = None
    linker_version: str | None = Field(default=None, description="the entity linker that set `corpus_id`s")
    corpus_entities: list[str] = Field(
        default_factory=list, description="the distinct `corpus_id`s of its entities: what `?entity=` matches"
    )
    content_hash: str
    received_at: datetime
    enriched_at: datetime | None = None
    error: str | None = Field(default=None, description="why the article could not be enriched")
