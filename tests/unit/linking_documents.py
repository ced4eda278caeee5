"""Articles with given entities, for the linker's tests (the NLP is not under test there)."""

from collections.abc import Sequence
from datetime import UTC, datetime

from services.enrich.linking import record_keys
from services.enrich.nlp.entities import slug
from shared.documents import ArticleDocument, Entity, EntityLabel, Mention
from shared.registry import RegistryRecord


def entity(name: str, label: EntityLabel, *aliases: str) -> Entity:
    return Entity(
        id=f"{label.lower()}:{slug(name)}",
        name=name,
        label=label,
        aliases=list(aliases),
        count=1,
        salience=1.0,
        mentions=[Mention(field="body", start=0, end=len(name), text=name)],
    )


def article(article_id: str, *entities: Entity) -> ArticleDocument:
    return ArticleDocument(
        id=article_id,
        status="enriched",
        title="t",
        body="b",
        entities=list(entities),
        content_hash=article_id,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def record(name: str, label: EntityLabel, articles: int, *aliases: str) -> RegistryRecord:
    """A registry record as the store keeps it for `articles` articles naming it `name`."""
    return RegistryRecord.from_mongo(
        {
            "_id": f"{label.lower()}:{slug(name)}",
            "name": name,
            "label": label,
            "articles": articles,
            "keys": record_keys(name, label, aliases),
        }
    )


def links(documents: Sequence[ArticleDocument]) -> list[tuple[str, str | None, str]]:
    """(entity id, corpus id, method) of every entity, in order."""
    return [(e.id, e.corpus_id, e.link.method if e.link else "") for document in documents for e in document.entities]
