"""Stored documents with entities, and an NLP stand-in that finds them, for the registry's tests.

The stand-in names every capitalised word of a body as an entity (a place, or a person for a word in
`PEOPLE`), with its mentions: enough for the registry to count articles, mentions, aliases and days.
"""

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.enrich.nlp.enrichment import ArticleText, UnprocessableArticle
from shared.documents import ArticleDocument, Enrichment, Entity, EntityLabel, Mention, Pipeline, Summary, TextStats
from shared.registry import safe_key
from tests.worker_doubles import RecordingEnricher

PEOPLE = frozenset({"Blair", "Merkel", "Obama"})
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


def entities_of(body: str) -> list[Entity]:
    found: dict[str, list[Mention]] = {}
    for match in _CAPITALISED.finditer(body):
        found.setdefault(match.group(), []).append(
            Mention(field="body", start=match.start(), end=match.end(), text=match.group())
        )
    entities = []
    for name, mentions in found.items():
        label: EntityLabel = "PERSON" if name in PEOPLE else "GPE"
        entities.append(
            Entity(
                id=f"{label.lower()}:{safe_key(name)}",
                name=name,
                label=label,
                aliases=[name.upper()] if len(name) > 5 else [],
                count=len(mentions),
                salience=0.5,
                mentions=mentions,
            )
        )
    return entities


def enrichment_of(body: str) -> Enrichment:
    return Enrichment(
        language="en",
        language_source="detected",
        entities=entities_of(body),
        summary=Summary(text=body, sentences=[]),
        keywords=[],
        stats=TextStats(words=len(body.split()), sentences=1, reading_time_minutes=0.01),
    )


def document(
    id: str,
    body: str,
    received_at: datetime,
    *,
    published_at: datetime | None = None,
    status: str = "enriched",
    source: str | None = "Wire",
    version: str = "1",
) -> ArticleDocument:
    """A stored article whose entities are the body's capitalised words (none when it failed)."""
    fields = enrichment_of(body).model_dump() if status == "enriched" else {"language": "en", "error": "no model"}
    return ArticleDocument.model_validate(
        {
            "id": id,
            "title": f"Article {id}",
            "body": body,
            "source": source,
            "published_at": published_at,
            "received_at": received_at,
            "status": status,
            "content_hash": f"{id}:{body}",
            "pipeline": Pipeline(version=version, model="stand-in", model_version="0"),
            **fields,
        }
    )


@dataclass
class NamingEnricher(RecordingEnricher):
    """Finds entities as `entities_of` does."""

    async def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int, stop: asyncio.Event
    ) -> list[Enrichment | UnprocessableArticle]:
        self.batches.append([article.title for article in articles])
        return [enrichment_of(article.body) for article in articles]
