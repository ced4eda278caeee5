"""The linker's rules, each on the registry evidence it reads: short names, labels, groups, acronyms, overrides."""

from datetime import UTC, datetime

from services.enrich.linking import LINKER_VERSION, Linker, Override
from shared.registry import RegistryRecord

from .linking_documents import article, entity, links, record


def test_a_surname_alone_links_to_the_full_name_that_dominates_the_corpus(linker: Linker) -> None:
    registry = [record("Tony Blair", "PERSON", 40), record("Cherie Blair", "PERSON", 5)]
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], registry).documents
    assert links([document]) == [("person:blair", "person:tony-blair", "short-name")]
    assert document.entities[0].link is not None and "89%" in (document.entities[0].link.detail or "")


def test_a_surname_shared_by_two_well_known_people_is_kept_apart(linker: Linker) -> None:
    registry = [record("George W. Bush", "PERSON", 60), record("Jeb Bush", "PERSON", 30)]
    [document] = linker.link([article("a1", entity("Bush", "PERSON"))], registry).documents
    assert links([document]) == [("person:bush", "person:bush", "same-id")]


def test_a_full_name_seen_in_too_few_articles_decides_nothing(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], [record("Tony Blair", "PERSON", 2)]).documents
    assert document.corpus_entities == ["person:blair"]


def test_a_name_without_its_middle_initial_links_to_the_full_name(linker: Linker) -> None:
    [document] = linker.link(
        [article("a1", entity("George Bush", "PERSON"))], [record("George W. Bush", "PERSON", 9)]
    ).documents
    assert document.corpus_entities == ["person:george-w-bush"]


def test_only_persons_take_a_persons_full_name(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("Blair", "GPE"))], [record("Tony Blair", "PERSON", 40)]).documents
    assert document.corpus_entities == ["gpe:blair"]


def test_a_name_the_corpus_holds_mostly_as_an_organisation_is_the_organisation(linker: Linker) -> None:
    registry = [record("Manchester United", "ORG", 30), record("Manchester United", "PERSON", 2)]
    [document] = linker.link([article("a1", entity("Manchester United", "PERSON"))], registry).documents
    assert links([document]) == [("person:manchester-united", "org:manchester-united", "label")]


def test_a_label_without_a_clear_majority_stays(linker: Linker) -> None:
    registry = [record("Jordan", "ORG", 5), record("Jordan", "PERSON", 4)]
    [document] = linker.link([article("a1", entity("Jordan", "PERSON"))], registry).documents
    assert document.corpus_entities == ["person:jordan"]


def test_a_groups_plural_and_nickname_and_party_are_one_entity(linker: Linker) -> None:
    registry = [record("Conservative Party", "ORG", 12)]
    documents = linker.link(
        [article("a1", entity("Tories", "NORP")), article("a2", entity("Conservatives", "NORP"))], registry
    ).documents
    assert [d.corpus_entities for d in documents] == [["org:conservative-party"], ["org:conservative-party"]]


def test_a_groups_plural_is_its_singular_when_no_party_is_known(linker: Linker) -> None:
    documents = linker.link([article("a1", entity("Americans", "NORP"), entity("Tories", "NORP"))], []).documents
    assert links(documents) == [
        ("norp:americans", "norp:american", "alias"),
        ("norp:tories", "norp:conservative", "alias"),
    ]


def test_an_acronym_spelt_out_in_the_article_is_the_full_names_entity(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("UN", "ORG", "United Nations"))], []).documents
    assert links([document]) == [("org:un", "org:united-nations", "alias")]
    assert linker.record_seed(document.entities[0]).name == "United Nations"


def test_a_merge_sends_an_id_and_everything_linked_to_it_to_the_other(linker: Linker) -> None:
    merge = Override(kind="merge", source="person:blair", into="person:tony-blair")
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], [], [merge]).documents
    assert links([document]) == [("person:blair", "person:tony-blair", "override")]


def test_merges_chain(linker: Linker) -> None:
    overrides = [
        Override(kind="merge", source="org:nhs", into="org:national-health-service"),
        Override(kind="merge", source="org:national-health-service", into="org:nhs-england"),
    ]
    [document] = linker.link([article("a1", entity("NHS", "ORG"))], [], overrides).documents
    assert document.corpus_entities == ["org:nhs-england"]


def test_a_split_by_alias_wins_over_the_short_name_rule(linker: Linker) -> None:
    registry = [record("Tony Blair", "PERSON", 40)]
    split = Override(kind="split", source="person:tony-blair", alias="Blair", into="person:blair")
    documents = linker.link(
        [article("a1", entity("Blair", "PERSON")), article("a2", entity("Tony Blair", "PERSON"))], registry, [split]
    ).documents
    assert links(documents) == [
        ("person:blair", "person:blair", "override"),
        ("person:tony-blair", "person:tony-blair", "same-id"),
    ]


def test_a_split_by_alias_wins_over_the_gazetteer(linker: Linker) -> None:
    split = Override(kind="split", source="gpe:united-states", alias="America", into="gpe:america")
    [document] = linker.link([article("a1", entity("America", "GPE"), entity("USA", "GPE"))], [], [split]).documents
    assert document.corpus_entities == ["gpe:america", "gpe:united-states"]


def test_a_split_by_articles_moves_only_those_articles(linker: Linker) -> None:
    split = Override(kind="split", source="person:john-smith", articles=("a2",), into="person:john-smith-split-1")
    documents = linker.link(
        [article("a1", entity("John Smith", "PERSON")), article("a2", entity("John Smith", "PERSON"))], [], [split]
    ).documents
    assert [d.corpus_entities for d in documents] == [["person:john-smith"], ["person:john-smith-split-1"]]


def test_the_later_of_two_opposite_overrides_wins(linker: Linker) -> None:
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    overrides = [
        Override(kind="merge", source="person:blair", into="person:tony-blair", created_at=late),
        Override(kind="merge", source="person:blair", into="person:lionel-blair", created_at=early),
    ]
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], [], overrides).documents
    assert document.corpus_entities == ["person:tony-blair"]


def test_an_override_round_trips_through_its_stored_form() -> None:
    split = Override(kind="split", source="person:tony-blair", alias="Blair", into="person:blair")
    stored = split.to_mongo()
    assert stored["_id"] == "split:person:tony-blair:alias:blair"
    assert Override.from_mongo(stored) == split


def test_every_entity_is_linked_and_the_article_lists_its_corpus_entities_once(linker: Linker) -> None:
    [document] = linker.link(
        [article("a1", entity("US", "GPE"), entity("United States", "GPE"), entity("Qin Gang", "PERSON"))], []
    ).documents
    assert all(e.corpus_id and e.link for e in document.entities)
    assert document.corpus_entities == ["gpe:united-states", "person:qin-gang"]
    assert document.linker_version == LINKER_VERSION


def test_linking_leaves_its_input_alone(linker: Linker) -> None:
    original = article("a1", entity("US", "GPE"))
    linker.link([original], [])
    assert original.entities[0].corpus_id is None
    assert original.linker_version is None


def test_a_batch_needs_the_registry_keys_of_its_names_short_forms_and_parties(linker: Linker) -> None:
    lookups = linker.lookups([article("a1", entity("Blair", "PERSON"), entity("Tories", "NORP"))])
    assert {"blair", "~blair", "tories", "conservative party"} <= lookups.keys


def test_a_stored_registry_record_reads_into_the_linkers_view() -> None:
    stored = {
        "_id": "person:tony-blair",
        "name": "Tony Blair",
        "label": "PERSON",
        "aliases": {"blair": {"name": "Blair", "count": 3}},
        "ids": ["person:tony-blair", "person:blair"],
        "kb": {},
        "articles": 40,
        "mentions": 90,
        "days": {"2005-05-06": 4},  # a record of the earlier layout, its day counts not moved out yet
        "keys": ["tony blair", "blair", "~blair"],
    }
    view = RegistryRecord.from_mongo(stored)
    assert (view.id, view.label, view.articles) == ("person:tony-blair", "PERSON", 40)
    assert set(view.keys) == {"tony blair", "blair", "~blair"}


def test_records_no_article_is_linked_to_any_more_decide_nothing(linker: Linker) -> None:
    registry = [record("Tony Blair", "PERSON", 0)]
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], registry).documents
    assert document.corpus_entities == ["person:blair"]


def test_the_store_may_pass_records_by_id_and_overrides_as_stored(linker: Linker) -> None:
    registry = {r.id: r for r in [record("Tony Blair", "PERSON", 40)]}
    stored = Override(kind="merge", source="person:tony-blair", into="person:anthony-blair").to_mongo()
    [document] = linker.link([article("a1", entity("Blair", "PERSON"))], registry, [stored]).documents
    assert links([document]) == [("person:blair", "person:anthony-blair", "override")]


def test_each_corpus_id_of_a_batch_comes_with_what_its_new_record_starts_with(linker: Linker) -> None:
    linked = linker.link(
        [article("a1", entity("U.S.", "GPE"), entity("EU", "ORG", "European Union"), entity("Qin Gang", "PERSON"))],
        [],
    )
    seeds = {corpus_id: (seed.name, seed.label, dict(seed.kb)) for corpus_id, seed in linked.entities.items()}
    assert seeds == {
        "gpe:united-states": ("United States", "GPE", {"iso3166": "US", "geonames": 6252001}),
        "org:european-union": ("European Union", "ORG", {}),
        "person:qin-gang": ("Qin Gang", "PERSON", {}),
    }


def test_a_party_nickname_is_the_party_whatever_the_model_called_it(linker: Linker) -> None:
    registry = [record("Liberal Democrats", "ORG", 9)]
    [document] = linker.link([article("a1", entity("Lib Dems", "PERSON"))], registry).documents
    assert document.corpus_entities == ["org:liberal-democrats"]


def test_a_second_entity_of_one_name_in_an_article_is_the_same_corpus_entity(linker: Linker) -> None:
    second = entity("John Smith", "PERSON").model_copy(update={"id": "person:john-smith-2"})
    [document] = linker.link([article("a1", entity("John Smith", "PERSON"), second)], []).documents
    assert document.corpus_entities == ["person:john-smith"]


def test_the_house_alone_is_the_house_its_article_names_in_full(linker: Linker) -> None:
    documents = linker.link(
        [
            article(
                "a1", entity("House", "ORG"), entity("House of Representatives", "ORG"), entity("White House", "ORG")
            )
        ],
        [record("House of Commons", "ORG", 50)],
    ).documents
    assert links(documents) == [
        ("org:house", "org:house-of-representatives", "short-name"),
        ("org:house-of-representatives", "org:house-of-representatives", "same-id"),
        ("org:white-house", "org:white-house", "same-id"),
    ]


def test_the_house_alone_prefers_the_unqualified_full_name_of_its_article(linker: Linker) -> None:
    [document] = linker.link(
        [
            article(
                "a1",
                entity("House", "ORG"),
                entity("U.S. House of Representatives", "ORG"),
                entity("House of Representatives", "ORG"),
            )
        ],
        [],
    ).documents
    assert document.entities[0].corpus_id == "org:house-of-representatives"


def test_the_house_alone_in_an_article_naming_two_houses_is_kept_apart(linker: Linker) -> None:
    [document] = linker.link(
        [article("a1", entity("House", "ORG"), entity("House of Commons", "ORG"), entity("House of Lords", "ORG"))],
        [record("House of Commons", "ORG", 50)],
    ).documents
    assert document.entities[0].corpus_id == "org:house"


def test_the_house_alone_links_to_the_full_name_that_dominates_the_corpus(linker: Linker) -> None:
    """The White House has no "of" phrase: it is never "the House", however often the corpus names it."""
    registry = [
        record("House of Representatives", "ORG", 40),
        record("House of Lords", "ORG", 4),
        record("White House", "ORG", 90),
    ]
    [document] = linker.link([article("a1", entity("House", "ORG"))], registry).documents
    assert links([document]) == [("org:house", "org:house-of-representatives", "short-name")]
    assert document.entities[0].link is not None and "91%" in (document.entities[0].link.detail or "")


def test_the_house_alone_is_kept_apart_when_no_full_name_dominates_the_corpus(linker: Linker) -> None:
    registry = [record("House of Representatives", "ORG", 35), record("House of Commons", "ORG", 20)]
    [document] = linker.link([article("a1", entity("House", "ORG"))], registry).documents
    assert document.corpus_entities == ["org:house"]


def test_a_batch_needs_the_head_key_of_an_institution_named_by_its_head_alone(linker: Linker) -> None:
    lookups = linker.lookups([article("a1", entity("House", "ORG"), entity("White House", "ORG"))])
    assert "^house" in lookups.keys
    assert "^white house" not in lookups.keys


def test_a_language_and_its_speakers_keep_their_own_labels(linker: Linker) -> None:
    """ "in Spanish" is the language, "Spanish troops" the people: the corpus's majority label says nothing of which
    one an article meant."""
    registry = [record("Spanish", "NORP", 27), record("English", "LANGUAGE", 30)]
    [document] = linker.link(
        [article("a1", entity("Spanish", "LANGUAGE"), entity("English", "NORP"))], registry
    ).documents
    assert document.corpus_entities == ["language:spanish", "norp:english"]


def test_a_person_the_article_also_names_by_surname_alone_stays_a_person(linker: Linker) -> None:
    registry = [record("Morgan Tsvangirai", "ORG", 9)]
    documents = linker.link(
        [
            article("a1", entity("Morgan Tsvangirai", "PERSON", "Tsvangirai")),
            article("a2", entity("Morgan Tsvangirai", "PERSON")),
        ],
        registry,
    ).documents
    assert [d.corpus_entities for d in documents] == [["person:morgan-tsvangirai"], ["org:morgan-tsvangirai"]]


def test_a_company_the_model_called_a_person_is_the_company_the_corpus_knows(linker: Linker) -> None:
    registry = [record("Twitter", "ORG", 37), record("Twitter", "PRODUCT", 1)]
    [document] = linker.link([article("a1", entity("Twitter", "PERSON"))], registry).documents
    assert links([document]) == [("person:twitter", "org:twitter", "label")]
