"""Operators' corrections, which win over every automatic link: merges and splits.

Stored one per document in `entity_overrides` (`Override.to_mongo`):

    {_id: "merge:person:blair", kind: "merge", source: "person:blair", into: "person:tony-blair", created_at}
    {_id: "split:person:tony-blair:alias:blair", kind: "split", source: "person:tony-blair", alias: "Blair",
     into: "person:blair", created_at}
    {_id: "split:person:john-smith:articles:<hash>", kind: "split", source: "person:john-smith",
     articles: ["<article id>", ...], into: "person:john-smith-split-1", created_at}

A merge sends every entity that is, or would be linked to, `source` to `into` (merges chain: A into B into C).
A split by alias sends the entities named `alias` that would be linked to `source` to `into` (by default the
alias's own id), and a split by articles those entities of the listed articles. A later override with the same
`_id` replaces the earlier one.
"""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.entity_keys import name_key

MAX_MERGE_CHAIN = 32  # a chain of merges is followed this far; a cycle stops where it closes


class Override(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: Literal["merge", "split"]
    source: str = Field(description="the corpus id merged away, or split from")
    into: str = Field(description="where its entities go")
    alias: str | None = None
    articles: tuple[str, ...] = ()
    created_at: datetime | None = None

    @property
    def id(self) -> str:
        if self.kind == "merge":
            return f"merge:{self.source}"
        if self.alias is not None:
            return f"split:{self.source}:alias:{name_key(self.alias)}"
        digest = hashlib.sha256("\n".join(sorted(self.articles)).encode()).hexdigest()[:16]
        return f"split:{self.source}:articles:{digest}"

    def to_mongo(self) -> dict[str, Any]:
        return {"_id": self.id, **self.model_dump(exclude_none=True)}

    @classmethod
    def from_mongo(cls, stored: Mapping[str, Any]) -> "Override":
        return cls.model_validate({key: value for key, value in stored.items() if key != "_id"})


class Overrides:
    """The overrides in force, indexed for the linker."""

    def __init__(self, overrides: Iterable[Override]) -> None:
        self._merges: dict[str, str] = {}
        self._by_alias: dict[tuple[str, str], str] = {}
        self._by_article: dict[tuple[str, str], str] = {}
        for override in sorted(overrides, key=lambda o: o.created_at or datetime.min):
            if override.kind == "merge":
                self._merges[override.source] = override.into
            elif override.alias is not None:
                self._by_alias[(override.source, name_key(override.alias))] = override.into
            else:
                for article in override.articles:
                    self._by_article[(override.source, article)] = override.into

    def merged(self, corpus_id: str) -> str:
        """Where merges send `corpus_id` (itself when none does)."""
        seen = {corpus_id}
        for _ in range(MAX_MERGE_CHAIN):
            target = self._merges.get(corpus_id)
            if target is None or target in seen:
                break
            seen.add(target)
            corpus_id = target
        return corpus_id

    def decide(self, article_id: str, entity_id: str, name: str, automatic: str) -> tuple[str, str] | None:
        """The corpus id an override gives an entity whose automatic link is `automatic`, and why; None if no
        override applies."""
        merged_own = self.merged(entity_id)
        linked = merged_own if merged_own != entity_id else self.merged(automatic)
        for source in dict.fromkeys((automatic, linked)):
            split = self._by_alias.get((source, name_key(name)))
            how = f"split from {source} by alias {name!r}"
            if split is None:
                split = self._by_article.get((source, article_id))
                how = f"split from {source} by article"
            if split is not None:
                return self.merged(split), how
        if merged_own != entity_id:
            return merged_own, f"merged {entity_id} into {merged_own}"
        if linked != automatic:
            return linked, f"merged {automatic} into {linked}"
        return None
