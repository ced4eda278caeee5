"""A search as the reader's URL holds it: the words, the filters and the sort, so it can be shared and bookmarked.

The query string is read leniently (a form sends empty fields for filters left blank; those mean "no
filter") and then validated by the API's own `ArticleListParams`, so the page accepts what the API does.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from services.query.params import MAX_ENTITY_PARAMS, ArticleListParams

SINGLE = ("q", "source", "language", "label", "published_from", "published_to", "sort")
PAGE_SIZE = 20


@dataclass(frozen=True)
class Search:
    values: dict[str, str] = field(default_factory=dict)  # the single-valued fields given, by name
    entities: tuple[str, ...] = ()
    cursor: str | None = None

    @classmethod
    def of(cls, query: QueryParams) -> "Search":
        values = {name: query[name].strip() for name in SINGLE if query.get(name, "").strip()}
        entities = tuple(dict.fromkeys(value for value in query.getlist("entity") if value))[: MAX_ENTITY_PARAMS + 1]
        return cls(values, entities, query.get("cursor") or None)

    @property
    def empty(self) -> bool:
        return not self.values and not self.entities

    def params(self) -> ArticleListParams:
        """The API's parameters for this search (a pydantic `ValidationError` when a value is invalid)."""
        return ArticleListParams.model_validate(
            {**self.values, "entity": list(self.entities), "cursor": self.cursor, "limit": PAGE_SIZE}
        )

    def pairs(self) -> list[tuple[str, str]]:
        return [*self.values.items(), *(("entity", entity) for entity in self.entities)]

    def url(self, *, cursor: str | None = None) -> str:
        pairs = self.pairs() + ([("cursor", cursor)] if cursor else [])
        return "/" + (f"?{urlencode(pairs)}" if pairs else "")

    def without(self, name: str, value: str | None = None) -> str:
        """This search without one filter (one entity, when `value` is given)."""
        if name == "entity":
            return Search(self.values, tuple(e for e in self.entities if e != value)).url()
        return Search({k: v for k, v in self.values.items() if k != name}, self.entities).url()

    def published_in(self, year: str) -> str:
        """This search narrowed to the articles published in `year`."""
        return Search(
            self.values | {"published_from": f"{year}-01-01", "published_to": f"{year}-12-31"}, self.entities
        ).url()

    def with_value(self, name: str, value: str) -> str:
        """This search narrowed by one more filter (from its first page)."""
        if name == "entity":
            return Search(self.values, tuple(dict.fromkeys([*self.entities, value]))).url()
        return Search(self.values | {name: value}, self.entities).url()
