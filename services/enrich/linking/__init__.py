"""Linking each article's entities to corpus entities, at store time (see `linker` for the rules).

linker = Linker()                                   # once per process
records = [RegistryRecord.from_mongo(r) for r in entities.find(linker.lookups(batch).query())]
linked = linker.link(batch, records, overrides)     # pure
"""

from services.enrich.linking.linker import LINKER_VERSION, Linker
from services.enrich.linking.memory_registry import MemoryRegistry
from services.enrich.linking.overrides import Override
from services.enrich.linking.registry import RecordView
from shared.entity_keys import name_key, record_keys

__all__ = [
    "LINKER_VERSION",
    "Linker",
    "MemoryRegistry",
    "Override",
    "RecordView",
    "name_key",
    "record_keys",
]
