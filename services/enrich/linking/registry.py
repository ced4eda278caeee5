"""What the linker reads of the entity registry: the `entities` records a batch's names look up.

The store reads the records whose `keys` hold any of `Lookups.keys` (one indexed `$in` query) and passes them to
`Linker.link`, as a list or by id. A record is anything with the five attributes of `RecordView` (the store's
own record type has them); `RegistryRecord` is one, read from a stored record by `from_mongo`. Only these decide
links: `label` and `articles` weigh the evidence, `keys` say which names it is for, and the id's name part is
the record's own name.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

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


@dataclass(frozen=True)
class Lookups:
    """The registry records a batch's links depend on: those whose `keys` hold any of `keys` (the linker needs
    none by `ids`; the field is there for stores that also read by article-level id)."""

    keys: frozenset[str]
    ids: frozenset[str] = frozenset()

    def query(self) -> dict[str, Any]:
        """The MongoDB filter on `entities` that reads them."""
        return {"keys": {"$in": sorted(self.keys)}}


@dataclass(frozen=True)
class RegistryRecord:
    """One corpus entity as the registry holds it (`entities`; shape in shared/registry.py and the design)."""

    id: str
    label: str
    articles: int = 0
    keys: frozenset[str] = frozenset()
    name: str = ""
    aliases: Mapping[str, int] = field(default_factory=dict)  # alias text -> articles using it
    kb: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mongo(cls, stored: Mapping[str, Any]) -> "RegistryRecord":
        return cls(
            id=stored["_id"],
            label=stored.get("label") or stored["_id"].partition(":")[0].upper(),
            articles=int(stored.get("articles", 0)),
            keys=frozenset(stored.get("keys") or ()),
            name=stored.get("name", ""),
            aliases={alias["name"]: int(alias.get("count", 0)) for alias in (stored.get("aliases") or {}).values()},
            kb=stored.get("kb") or {},
        )


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
