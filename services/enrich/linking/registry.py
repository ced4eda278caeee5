"""What the linker reads of the entity registry: a typed view of the `entities` records a batch needs.

The store reads the records whose `keys` hold any of `Lookups.keys` (one indexed `$in` query) and hands them
to `Linker.link` as `RegistryRecord.from_mongo(stored)`. Only `_id`, `label`, `articles` and `keys` decide
links; `name`, `aliases` and `kb` are carried for callers that show a record.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from services.enrich.linking.names import FAMILY_MARK, name_key


@dataclass(frozen=True)
class Lookups:
    """The registry keys a batch's links depend on: read the records whose `keys` hold any of them."""

    keys: frozenset[str]

    def query(self) -> dict[str, Any]:
        """The MongoDB filter on `entities` that reads them."""
        return {"keys": {"$in": sorted(self.keys)}}


@dataclass(frozen=True)
class RegistryRecord:
    """One corpus entity as the registry holds it (`entities` in the database; shape in docs/ and the design)."""

    id: str
    label: str
    name: str = ""
    articles: int = 0
    keys: frozenset[str] = frozenset()
    aliases: Mapping[str, int] = field(default_factory=dict)  # alias text -> articles using it
    ids: frozenset[str] = frozenset()
    kb: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The normalised form of its id's name part: "org:manchester-united" -> "manchester united"."""
        return self.id.partition(":")[2].replace("-", " ")

    @classmethod
    def from_mongo(cls, stored: Mapping[str, Any]) -> "RegistryRecord":
        return cls(
            id=stored["_id"],
            label=stored.get("label", stored["_id"].partition(":")[0].upper()),
            name=stored.get("name", ""),
            articles=int(stored.get("articles", 0)),
            keys=frozenset(stored.get("keys", ())),
            aliases={alias["name"]: int(alias.get("count", 0)) for alias in (stored.get("aliases") or {}).values()},
            ids=frozenset(stored.get("ids", ())),
            kb=stored.get("kb") or {},
        )


def record_keys(name: str, label: str, aliases: Iterable[str] = ()) -> list[str]:
    """The `keys` a record holds for an entity linked to it: its name and aliases normalised, and for a person's
    full name the family keys the short forms of it are looked up by (`names.family_keys`)."""
    from services.enrich.linking.names import family_keys

    keys = {name_key(text) for text in (name, *aliases)} - {""}
    if label == "PERSON":
        keys.update(family for key in list(keys) for family in family_keys(key))
    return sorted(keys)


class RegistryIndex:
    """The records of one batch, indexed by key (unlinked records, `articles` 0, are left out)."""

    def __init__(self, records: Iterable[RegistryRecord]) -> None:
        self._by_key: dict[str, list[RegistryRecord]] = {}
        self.by_id: dict[str, RegistryRecord] = {}
        for record in records:
            if record.articles <= 0:
                continue
            self.by_id[record.id] = record
            for key in record.keys:
                self._by_key.setdefault(key, []).append(record)

    def having(self, key: str) -> list[RegistryRecord]:
        return self._by_key.get(key, [])

    def named(self, key: str) -> list[RegistryRecord]:
        """Records whose own name is `key`, whatever their label."""
        return [record for record in self.having(key) if record.key == key]

    def family(self, key: str) -> list[RegistryRecord]:
        """Persons whose full name answers to the family key `key` (see `names.family_keys`)."""
        return [r for r in self.having(key) if key.startswith(FAMILY_MARK) and r.label == "PERSON"]
