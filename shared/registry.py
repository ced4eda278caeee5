"""The entity registry and the corpus counters: their records' shapes, their keys, and what one stored article
contributes to them.

The store applies `contribution(new) - contribution(old)` whenever it writes an article, in the transaction
that writes the article, and `newsflow entities recount` sums `contribution` over every stored article: one
pure function here, so the maintained counts and a recount agree by construction. It reads a document in its
stored form (`shared.database.to_mongo`, or the fields `CONTRIBUTION_FIELDS` of a stored one).

`entities` (one record per corpus entity, `_id` its corpus id):
    {name, label, kb, articles, mentions, aliases: {<alias key>: {name, count}},
     ids: [article-level entity ids linked here], keys: [name keys of its name and aliases]}
`entity_days` (an entity's articles per day, one bucket per entity and month it was seen in):
    {_id: "<corpus id>|YYYY-MM", entity: <corpus id>, month: "YYYY-MM", days: {"DD": n}}
    Kept apart from the record, so that the record, which every ranking reads whole (SecantusDB decodes whole
    documents whatever the projection), does not grow with the corpus's age, and an update of a record does not
    rewrite a year of days. A ranking reads the buckets it needs by `_id`; an entity's page and timeline read
    its months through the index on `(entity, month)` (`bucket_query`): SecantusDB walks no `_id` range.
`counters`:
    {_id: "articles", total, status: {<status>: n}, language: {<code>: n}, source: {<source key>: {name, count}},
     label: {<LABEL>: n}}  (articles without a language or source are not counted under those: total - sum)
    {_id: "received:YYYY-MM-DD", field: "received", day, count} and the same for "published"
A count that falls to 0 may stay in place: readers treat 0 as absent.
"""

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from shared.entity_keys import name_key as name_key  # re-exported: the form of every key below
from shared.entity_keys import record_keys

ARTICLE_COUNTER = "articles"
BUCKET_SEPARATOR = "|"  # between the corpus id and the month in a bucket's `_id`
DATE_FIELDS = ("received", "published")
# Of a stored article, what its contribution reads: the store reads no more of the version it replaces.
CONTRIBUTION_FIELDS = {
    "status": 1,
    "language": 1,
    "source": 1,
    "received_at": 1,
    "published_at": 1,
    "entities.id": 1,
    "entities.name": 1,
    "entities.label": 1,
    "entities.aliases": 1,
    "entities.count": 1,
    "entities.corpus_id": 1,
}

_NOT_WORD = re.compile(r"[\W_]+")


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=16_384)  # the store keys every alias of every article it counts, and names repeat
def safe_key(text: str) -> str:
    """A field name for a free text (an alias, a source): its slug, which never holds `.` or `$`; a text with no
    letters or digits gets a digest instead, so distinct texts rarely share a key and none is empty."""
    slug = _NOT_WORD.sub("-", _bare(text)).strip("-")
    return slug or "~" + hashlib.sha256(text.encode()).hexdigest()[:12]


def day_key(moment: datetime | date) -> str:
    """The UTC day of a moment, `YYYY-MM-DD` (a naive datetime is taken as UTC, as pymongo returns them)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.date().isoformat()
    return moment.isoformat()


def bucket_id(entity: str, month: str) -> str:
    """The `entity_days` bucket of an entity's month (`YYYY-MM`)."""
    return f"{entity}{BUCKET_SEPARATOR}{month}"


def bucket_query(entity: str, first: str | None = None, last: str | None = None) -> dict[str, Any]:
    """A query for the entity's buckets, of the months `first` to `last` (`YYYY-MM`) when given."""
    months = ({"$gte": first} if first is not None else {}) | ({"$lte": last} if last is not None else {})
    return {"entity": entity} | ({"month": months} if months else {})


def bucket_days(bucket: Mapping[str, Any]) -> dict[str, int]:
    """The day counts of a bucket by day (`YYYY-MM-DD`), zeros left out."""
    month = bucket["month"]
    return {f"{month}-{day}": int(count) for day, count in (bucket.get("days") or {}).items() if count > 0}


@dataclass(frozen=True)
class CorpusEntity:
    """What a new registry record starts with: the canonical name, label and knowledge-base ids."""

    name: str
    label: str
    kb: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class AliasCount:
    name: str
    count: int


@dataclass(frozen=True)
class RegistryRecord:
    """One corpus entity as read from `entities`."""

    id: str
    name: str
    label: str
    kb: Mapping[str, str | int]
    articles: int
    mentions: int
    aliases: Mapping[str, AliasCount]
    ids: tuple[str, ...]
    keys: tuple[str, ...]

    @classmethod
    def from_mongo(cls, stored: Mapping[str, Any]) -> "RegistryRecord":
        aliases = stored.get("aliases") or {}
        return cls(
            id=stored["_id"],
            name=stored.get("name") or stored["_id"],
            label=stored.get("label") or "",
            kb=stored.get("kb") or {},
            articles=int(stored.get("articles", 0)),
            mentions=int(stored.get("mentions", 0)),
            aliases={
                key: AliasCount(name=alias.get("name", key), count=int(alias.get("count", 0)))
                for key, alias in aliases.items()
                if alias.get("count", 0) > 0
            },
            ids=tuple(stored.get("ids") or ()),
            keys=tuple(stored.get("keys") or ()),
        )


@dataclass(frozen=True)
class RegistryLookup:
    """The registry records a linker needs for a batch: those with any of these `keys` or `ids` (or `_id`s)."""

    keys: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()


@dataclass
class Change:
    """What one record of `entities`, `entity_days` or `counters` gains: `$inc` amounts by field path,
    `$setOnInsert` values, members for `$addToSet`, and `$min` values (an alias's spelling: the least one,
    whatever the order)."""

    inc: Counter[str] = field(default_factory=Counter)
    on_insert: dict[str, Any] = field(default_factory=dict)
    add: dict[str, set[str]] = field(default_factory=dict)
    least: dict[str, str] = field(default_factory=dict)

    def absorb(self, other: "Change") -> None:
        self.inc.update(other.inc)
        for path, value in other.on_insert.items():
            self.on_insert.setdefault(path, value)
        for path, members in other.add.items():
            self.add.setdefault(path, set()).update(members)
        for path, value in other.least.items():
            self.least[path] = min(self.least.get(path, value), value)

    def without(self, old: "Change") -> "Change":
        """This change less `old`: the counts' difference, and only what `old` did not set already."""
        inc = Counter(self.inc)
        inc.subtract(old.inc)
        return Change(
            inc=Counter({path: amount for path, amount in inc.items() if amount}),
            on_insert=dict(self.on_insert),
            add={path: fresh for path, members in self.add.items() if (fresh := members - old.add.get(path, set()))},
            least={path: value for path, value in self.least.items() if old.least.get(path) != value},
        )

    @property
    def empty(self) -> bool:
        return not (self.inc or self.add or self.least)

    def beyond(self, stored: RegistryRecord) -> "Change":
        """This change less what `stored` (the record as read in the same transaction) holds already: members its
        `ids` and `keys` have, and spellings no less than the stored one. The counts stay whole."""
        held = {"ids": set(stored.ids), "keys": set(stored.keys)}
        least: dict[str, str] = {}
        for path, value in self.least.items():
            parts = path.split(".")  # "aliases.<key>.name": an alias's spelling
            alias = stored.aliases.get(parts[1]) if len(parts) == 3 and parts[0] == "aliases" else None
            if alias is None or value < alias.name:
                least[path] = value
        return Change(
            inc=Counter(self.inc),
            on_insert=dict(self.on_insert),
            add={path: fresh for path, members in self.add.items() if (fresh := members - held.get(path, set()))},
            least=least,
        )

    def record(self, id: str) -> dict[str, Any]:
        """The record this change makes where there is none: what `update()` would upsert, as a document to insert."""
        arrays = {path: sorted(members) for path, members in self.add.items()}
        return {"_id": id, **self.on_insert, **nested({**self.inc, **self.least, **arrays})}

    def update(self) -> dict[str, Any]:
        """The update document; `$setOnInsert` only when the record may be new (something positive arrives)."""
        update: dict[str, Any] = {}
        if self.inc:
            update["$inc"] = dict(self.inc)
        if self.add:
            update["$addToSet"] = {path: {"$each": sorted(members)} for path, members in self.add.items()}
        if self.least:
            update["$min"] = dict(self.least)
        if self.on_insert:
            update["$setOnInsert"] = dict(self.on_insert)
        return update


@dataclass
class Tally:
    """Changes to `entities`, to `entity_days` (by bucket id) and to `counters`, by record id."""

    entities: dict[str, Change] = field(default_factory=dict)
    counters: dict[str, Change] = field(default_factory=dict)
    days: dict[str, Change] = field(default_factory=dict)

    def absorb(self, other: "Tally") -> None:
        for mine, theirs in ((self.entities, other.entities), (self.counters, other.counters), (self.days, other.days)):
            for record, change in theirs.items():
                mine.setdefault(record, Change()).absorb(change)

    def without(self, old: "Tally") -> "Tally":
        def diff(new: dict[str, Change], gone: dict[str, Change]) -> dict[str, Change]:
            changes = {record: new.get(record, Change()).without(gone.get(record, Change())) for record in new | gone}
            return {record: change for record, change in changes.items() if not change.empty}

        return Tally(
            entities=diff(self.entities, old.entities),
            counters=diff(self.counters, old.counters),
            days=diff(self.days, old.days),
        )


def nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """`{"aliases.us.count": 3}` -> `{"aliases": {"us": {"count": 3}}}` (keys never hold a dot)."""
    tree: dict[str, Any] = {}
    for path, value in values.items():
        *parents, leaf = path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def corpus_id(entity: Mapping[str, Any]) -> str:
    """The corpus entity an article's entity counts for; an article stored before linking counts under its own id."""
    return str(entity.get("corpus_id") or entity["id"])


def _entity_change(linked: list[Mapping[str, Any]], record: str, described: CorpusEntity | None) -> Change:
    """The contribution of one article to one corpus entity, from its entities linked there."""
    change = Change()
    change.inc["articles"] = 1
    change.inc["mentions"] = sum(int(entity.get("count", 0)) for entity in linked)
    surfaces = {surface for entity in linked for surface in (entity["name"], *(entity.get("aliases") or ()))}
    for surface in surfaces:
        key = safe_key(surface)
        # Two spellings of one key ("U.S." and "US") count the article once.
        change.inc[f"aliases.{key}.count"] = 1
        change.least[f"aliases.{key}.name"] = min(surface, change.least.get(f"aliases.{key}.name", surface))
    if described is None:
        # The entity carrying the corpus id itself names it best; else the most mentioned one linked here.
        own = [entity for entity in linked if entity["id"] == record]
        head = (own or sorted(linked, key=lambda entity: -int(entity.get("count", 0))))[0]
        described = CorpusEntity(name=head["name"], label=head["label"])
    change.on_insert = {"name": described.name, "label": described.label, "kb": dict(described.kb)}
    change.add = {
        "ids": {str(entity["id"]) for entity in linked},
        # Names and aliases normalised, and a person's family keys, by which the linker finds a surname's full names.
        "keys": set(record_keys(described.name, described.label, surfaces)),
    }
    return change


def contribution(stored: Mapping[str, Any], described: Mapping[str, CorpusEntity] | None = None) -> Tally:
    """What one stored article adds to the registry (an enriched one) and to the counters (any).

    `described` names the corpus entities as the linker knows them; without it (a recount, or the version being
    replaced) a new record takes the name and label of the article's own entity.
    """
    tally = Tally()
    received: datetime = stored["received_at"]
    published: datetime | None = stored.get("published_at")
    entities: list[Mapping[str, Any]] = list(stored.get("entities") or ())

    totals = Change()
    totals.inc["total"] = 1
    totals.inc[f"status.{stored['status']}"] = 1
    if language := stored.get("language"):
        totals.inc[f"language.{safe_key(language)}"] = 1
    if source := stored.get("source"):
        totals.inc[f"source.{safe_key(source)}.count"] = 1
        totals.least[f"source.{safe_key(source)}.name"] = source
    for label in {str(entity["label"]) for entity in entities}:
        totals.inc[f"label.{label}"] = 1
    tally.counters[ARTICLE_COUNTER] = totals
    for date_field, moment in (("received", received), ("published", published)):
        if moment is not None:
            day = day_key(moment)
            tally.counters[f"{date_field}:{day}"] = Change(
                inc=Counter(count=1), on_insert={"field": date_field, "day": day}
            )

    if stored["status"] != "enriched":
        return tally  # a failed article has no entities worth counting: it is in the counters only
    by_record: dict[str, list[Mapping[str, Any]]] = {}
    for entity in entities:
        by_record.setdefault(corpus_id(entity), []).append(entity)
    day = day_key(published or received)
    month, day_of_month = day[:7], day[8:]
    for record, linked in by_record.items():
        tally.entities[record] = _entity_change(linked, record, (described or {}).get(record))
        tally.days[bucket_id(record, month)] = Change(
            inc=Counter({f"days.{day_of_month}": 1}), on_insert={"entity": record, "month": month}
        )
    return tally
