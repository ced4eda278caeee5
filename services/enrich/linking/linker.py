"""Linking each article's entities to corpus entities: a pure function of the articles, the registry records
their names look up, and the operators' overrides.

For each entity the first rule that applies decides, and `Entity.link` says which:
  override    an operator's merge or split (`overrides`), which wins over all below;
  gazetteer   a country, subdivision, continent or city by name or alias (`gazetteer`): "U.S." is the United States;
  alias       an acronym spelt out in the article ("UN" -> United Nations, `acronyms`), or a group's singular,
              nickname or party ("Tories" -> Conservative Party, `parties`);
  short-name  a person's surname alone, when one full name dominates the corpus, or an institution's head noun
              alone ("the House"), when its article or the corpus names one full name with that head
              (`short_names`);
  label       a name the corpus holds mostly under another label (`labels`);
  same-id     otherwise the entity's own id (without the `-2` an article gives a second entity of one name).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from services.enrich.linker import Linked
from services.enrich.linking import acronyms, labels, parties, short_names
from services.enrich.linking.gazetteer import Gazetteer
from services.enrich.linking.overrides import Override, Overrides
from services.enrich.linking.registry import RecordView, RegistryIndex
from services.enrich.nlp.entities import slug
from shared.documents import ENTITY_LABELS, ArticleDocument, Entity, EntityLabel, EntityLink
from shared.entity_keys import name_key, short_form_key, slug_of_key
from shared.registry import CorpusEntity, RegistryLookup

# Bumped whenever the links of the same articles, registry and overrides can change; `newsflow entities relink`
# re-links stored articles whose version differs.
LINKER_VERSION = "2"
PARTY_MIN_ARTICLES = 3  # a party record this well attested takes its members' group name
_LABELS_BY_PREFIX = {label.lower(): label for label in ENTITY_LABELS}


def label_of(corpus_id: str, default: EntityLabel = "ORG") -> EntityLabel:
    """The label a corpus id names (its prefix); `default` for an id no label prefixes."""
    return cast(EntityLabel, _LABELS_BY_PREFIX.get(corpus_id.partition(":")[0], default))


class Linker:
    """Build once per process: the gazetteer takes a few seconds to build."""

    version = LINKER_VERSION

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer or Gazetteer.load()

    def lookups(self, documents: Sequence[ArticleDocument]) -> RegistryLookup:
        """The registry keys the links of `documents` depend on."""
        keys: set[str] = set()
        for document in documents:
            for entity in document.entities:
                key = name_key(entity.name)
                keys.add(key)
                if entity.label == "PERSON" and (family := short_form_key(key)) is not None:
                    keys.add(family)
                if entity.label == "ORG" and (head := short_names.institution_head(key)) is not None:
                    keys.add(head)
                if entity.label == "NORP" or parties.is_nickname(key):
                    keys.update(parties.party_keys(key))
        return RegistryLookup(keys=frozenset(keys - {""}))

    def link(
        self,
        documents: Sequence[ArticleDocument],
        registry: Iterable[RecordView] | Mapping[str, RecordView],
        overrides: Iterable[Override | Mapping[str, Any]] = (),
    ) -> Linked:
        """Copies of `documents` with `corpus_id` and `link` on every entity, `corpus_entities` and
        `linker_version`, and what each corpus id they link to starts its registry record with.

        `registry`: the records holding any of `lookups(documents).keys`, by id or not; `overrides`: every
        `entity_overrides` document, stored or parsed."""
        index = RegistryIndex(registry)
        rules = Overrides(o if isinstance(o, Override) else Override.from_mongo(o) for o in overrides)
        linked = []
        seeds: dict[str, CorpusEntity] = {}
        for document in documents:
            entities = self._linked(document, index, rules)
            for entity in entities:
                # The entity carrying the corpus id as its own names it best; else the first linked there.
                if entity.corpus_id not in seeds or entity.id == entity.corpus_id:
                    seeds[cast(str, entity.corpus_id)] = self.record_seed(entity)
            linked.append(
                document.model_copy(
                    update={
                        "entities": entities,
                        "corpus_entities": list(dict.fromkeys(cast(str, e.corpus_id) for e in entities)),
                        "linker_version": LINKER_VERSION,
                    }
                )
            )
        return Linked(linked, seeds)

    def record_seed(self, entity: Entity) -> CorpusEntity:
        """The name, label and knowledge-base ids of the record a linked entity's `corpus_id` names."""
        corpus_id = entity.corpus_id or entity.id
        place = self._gazetteer.by_id(corpus_id)
        if place is not None:
            return CorpusEntity(place.name, place.label, dict(place.kb))
        name = next((alias for alias in entity.aliases if _id(entity.label, alias) == corpus_id), entity.name)
        return CorpusEntity(name, label_of(corpus_id, entity.label), {})

    def _linked(self, document: ArticleDocument, index: RegistryIndex, rules: Overrides) -> list[Entity]:
        found = [self._automatic(entity, index) for entity in document.entities]
        # An institution's head noun alone reads the article's other organisations, linked first.
        named = [
            (name_key(e.name), corpus_id)
            for e, (corpus_id, _) in zip(document.entities, found, strict=True)
            if e.label == "ORG"
        ]
        linked = []
        for entity, (corpus_id, link) in zip(document.entities, found, strict=True):
            if entity.label == "ORG" and link.method == "same-id":
                corpus_id, link = self._institution(name_key(entity.name), named, index) or (corpus_id, link)
            if (override := rules.decide(document.id, entity.id, entity.name, corpus_id)) is not None:
                corpus_id, link = override[0], EntityLink(method="override", detail=override[1])
            linked.append(entity.model_copy(update={"corpus_id": corpus_id, "link": link}))
        return linked

    @staticmethod
    def _institution(key: str, named: list[tuple[str, str]], index: RegistryIndex) -> tuple[str, EntityLink] | None:
        # The article's own full names decide when it has any: two of them leave the head noun ambiguous.
        if in_article := short_names.institution_in_article(key, named):
            if len(in_article) > 1:
                return None
            return in_article.pop(), EntityLink(
                method="short-name", detail="the full name with this head in the article"
            )
        if (found := short_names.institution(key, index)) is not None:
            detail = f"{found.record.name or found.record.id}: {found.share:.0%} of the articles naming a full name"
            return found.record.id, EntityLink(method="short-name", detail=detail)
        return None

    def _automatic(self, entity: Entity, index: RegistryIndex) -> tuple[str, EntityLink]:
        key = name_key(entity.name)
        if entity.label in ("GPE", "LOC"):
            for name in (entity.name, *entity.aliases):
                # LOC names regions, seas and landforms: a city or province of that name is rarely meant (the
                # Gulf is no province of Papua New Guinea).
                place = self._gazetteer.find(name)
                if place is not None and (entity.label == "GPE" or place.kind in ("country", "continent")):
                    return place.corpus_id, EntityLink(method="gazetteer", detail=place.detail)
        if (full := acronyms.expansion(entity.name, entity.aliases)) is not None:
            return _id(entity.label, full), EntityLink(method="alias", detail=full)
        if entity.label == "PERSON" and (found := short_names.full_name(key, index)) is not None:
            detail = f"{found.record.name or found.record.id}: {found.share:.0%} of the articles naming a full name"
            return found.record.id, EntityLink(method="short-name", detail=detail)
        # A party's nickname is the party whatever the model called it ("Tories" as an organisation).
        if (entity.label == "NORP" or parties.is_nickname(key)) and (group := self._group(key, index)) is not None:
            return group
        if (other := labels.settled(key, entity.label, index, entity.aliases)) is not None:
            return other.id, EntityLink(method="label", detail=f"{other.label} in {other.articles} articles")
        return f"{entity.label.lower()}:{slug(entity.name)}", EntityLink(method="same-id")

    @staticmethod
    def _group(key: str, index: RegistryIndex) -> tuple[str, EntityLink] | None:
        for party_key in parties.party_keys(key):
            for record in index.named(party_key):
                if record.label == "ORG" and record.articles >= PARTY_MIN_ARTICLES:
                    return record.id, EntityLink(method="alias", detail=f"members of {record.name or record.id}")
        group = parties.group_key(key)
        if group == key:
            return None
        return f"norp:{slug_of_key(group)}", EntityLink(method="alias", detail=group)


def _id(label: str, name: str) -> str:
    return f"{label.lower()}:{slug_of_key(name_key(name))}"
