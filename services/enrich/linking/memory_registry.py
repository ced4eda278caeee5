"""The registry kept in memory: what the store maintains in `entities`, for evidence on a corpus and for tests.

It counts articles per corpus id and the keys of the names linked to each, as the store's contribution does,
and answers a batch's `Lookups` with the records that hold them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from services.enrich.linking.linker import Linker, label_of
from shared.documents import ArticleDocument
from shared.entity_keys import record_keys
from shared.registry import RegistryLookup, RegistryRecord


@dataclass
class _Record:
    name: str
    articles: int = 0
    keys: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)


class MemoryRegistry:
    def __init__(self, linker: Linker) -> None:
        self._linker = linker
        self._records: dict[str, _Record] = {}
        self._by_key: dict[str, set[str]] = {}

    def add(self, documents: Iterable[ArticleDocument]) -> None:
        """Count linked documents in (each once: re-adding one counts it twice, unlike the store)."""
        self._count(documents, 1)

    def remove(self, documents: Iterable[ArticleDocument]) -> None:
        """Count linked documents out, as the store does with a stored version it replaces (keys stay)."""
        self._count(documents, -1)

    def _count(self, documents: Iterable[ArticleDocument], sign: int) -> None:
        for document in documents:
            if document.status != "enriched":
                continue
            seen: set[str] = set()
            for entity in document.entities:
                corpus_id = entity.corpus_id or entity.id
                record = self._records.get(corpus_id)
                if record is None:
                    record = self._records[corpus_id] = _Record(self._linker.record_seed(entity).name)
                if corpus_id not in seen:
                    record.articles += sign
                    seen.add(corpus_id)
                for key in record_keys(entity.name, label_of(corpus_id), entity.aliases):
                    record.keys.add(key)
                    self._by_key.setdefault(key, set()).add(corpus_id)
                record.ids.add(entity.id)

    def view(self, lookups: RegistryLookup) -> list[RegistryRecord]:
        """The records holding any of the keys."""
        found = sorted({corpus_id for key in lookups.keys for corpus_id in self._by_key.get(key, ())})
        return [
            RegistryRecord(
                id=corpus_id,
                name=record.name,
                label=label_of(corpus_id),
                kb={},
                articles=record.articles,
                mentions=0,
                aliases={},
                ids=tuple(sorted(record.ids)),
                keys=tuple(sorted(record.keys)),
            )
            for corpus_id in found
            for record in (self._records[corpus_id],)
        ]

    def articles(self, corpus_id: str) -> int:
        record = self._records.get(corpus_id)
        return record.articles if record is not None else 0
