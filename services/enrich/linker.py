"""The entity linker as the store sees it, and the linker it uses when no other is given.

Linking is pure given the batch, the registry records it asked for and the operators' overrides: the store
reads those inside the transaction that writes the batch, so a link never races the counts it was based on.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.database import Document
from shared.documents import ArticleDocument, EntityLink
from shared.registry import CorpusEntity, RegistryLookup, RegistryRecord


@dataclass(frozen=True)
class Linked:
    """Documents with `corpus_id`, `link`, `corpus_entities` and `linker_version` set, and what the corpus
    entities they link to are called (name, label, knowledge-base ids), for the records this batch creates."""

    documents: list[ArticleDocument]
    entities: Mapping[str, CorpusEntity]


class Linker(Protocol):
    def lookups(self, documents: Sequence[ArticleDocument]) -> RegistryLookup:
        """The registry records `link` needs for these documents (by name key, by entity id)."""
        ...

    def link(
        self,
        documents: Sequence[ArticleDocument],
        registry: Mapping[str, RegistryRecord],
        overrides: Sequence[Document],
    ) -> Linked:
        """`registry`: the records `lookups` named, by corpus id; `overrides`: every `entity_overrides` document."""
        ...


class SameIdLinker:
    """Each entity is its own corpus entity: what the corpus knew before linking existed."""

    version = "same-id-1"

    def lookups(self, documents: Sequence[ArticleDocument]) -> RegistryLookup:
        return RegistryLookup()

    def link(
        self,
        documents: Sequence[ArticleDocument],
        registry: Mapping[str, RegistryRecord],
        overrides: Sequence[Document],
    ) -> Linked:
        linked: list[ArticleDocument] = []
        entities: dict[str, CorpusEntity] = {}
        for document in documents:
            own = [
                entity.model_copy(update={"corpus_id": entity.id, "link": EntityLink(method="same-id")})
                for entity in document.entities
            ]
            for entity in own:
                entities.setdefault(entity.id, CorpusEntity(name=entity.name, label=entity.label))
            linked.append(
                document.model_copy(
                    update={
                        "entities": own,
                        "corpus_entities": list(dict.fromkeys(entity.id for entity in own)),
                        "linker_version": self.version,
                    }
                )
            )
        return Linked(documents=linked, entities=entities)
