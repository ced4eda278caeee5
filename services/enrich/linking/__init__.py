"""Linking each article's entities to corpus entities, at store time (see `linker` for the rules).

linker = Linker()                                   # once per process
records = [RegistryRecord.from_mongo(r) for r in entities.find(linker.lookups(batch).query())]
linked = linker.link(batch, records, overrides)     # pure
"""

from services.enrich.linking.linker import LINKER_VERSION, Linked, Linker, RecordSeed
from services.enrich.linking.memory_registry import MemoryRegistry
from services.enrich.linking.overrides import Override
from services.enrich.linking.registry import Lookups, RecordView, RegistryRecord
from shared.entity_keys import name_key, record_keys

__all__ = [
    "LINKER_VERSION",
    "Linked",
    "Linker",
    "Lookups",
    "MemoryRegistry",
    "Override",
    "RecordSeed",
    "RecordView",
    "RegistryRecord",
    "name_key",
    "record_keys",
]
