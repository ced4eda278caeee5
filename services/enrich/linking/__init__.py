"""Linking each article's entities to corpus entities, at store time (see `linker` for the rules).

linker = Linker()                                   # once per process
records = [RegistryRecord.from_mongo(r) for r in entities.find(linker.lookups(batch).query())]
linked = linker.link(batch, records, overrides)     # pure
"""

from services.enrich.linking.linker import LINKER_VERSION, Linker, RecordSeed
from services.enrich.linking.memory_registry import MemoryRegistry
from services.enrich.linking.names import name_key
from services.enrich.linking.overrides import Override
from services.enrich.linking.registry import Lookups, RegistryRecord, record_keys

__all__ = [
    "LINKER_VERSION",
    "Linker",
    "Lookups",
    "MemoryRegistry",
    "Override",
    "RecordSeed",
    "RegistryRecord",
    "name_key",
    "record_keys",
]
