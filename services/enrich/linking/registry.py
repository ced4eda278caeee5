"""What the linker reads of the entity registry: the `entities` records a batch's names look up.

The store reads the records whose `keys` hold any of `Linker.lookups(...).keys` and passes them to
`Linker.link`, by id or as a list. A record is anything with the attributes of `RecordView`
(`shared.registry.RegistryRecord` has them): `label` and `articles` weigh the evidence, `keys` say which names
it is for, and the name part of its id is its own name.
"""

from collections.abc import Collection, Iterable, Mapping
from typing import Protocol

from shared.entity_keys import FAMILY_MARK


class RecordView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def articles(self) -> int: ...
    @property
    def keys(self) -> Collection[str]: ...


def own_key(record: RecordView) -> str:
    """The normalised name in a record's id: "org:manchester-united" -> "manchester united"."""
    return record.id.partition(":")[2].replace("-", " ")


class RegistryIndex:
    """The records of one batch, indexed by key (records no stored article links to any more are left out)."""

    def __init__(self, records: Iterable[RecordView] | Mapping[str, RecordView]) -> None:
        self._by_key: dict[str, list[RecordView]] = {}
        for record in records.values() if isinstance(records, Mapping) else records:
            if record.articles <= 0:
                continue
            for key in record.keys:
                self._by_key.setdefault(key, []).append(record)

    def having(self, key: str) -> list[RecordView]:
        return self._by_key.get(key, [])

    def named(self, key: str) -> list[RecordView]:
        """Records whose own name is `key`, whatever their label."""
        return [record for record in self.having(key) if own_key(record) == key]

    def family(self, key: str) -> list[RecordView]:
        """Persons whose full name answers to the family key `key` (see `shared.entity_keys.family_keys`)."""
        return [r for r in self.having(key) if key.startswith(FAMILY_MARK) and r.label == "PERSON"]
