"""The gazetteer: one corpus id per place whatever the name, code or alias; ambiguous names link to nothing."""

import pytest

from services.enrich.linking import Linker
from services.enrich.linking.gazetteer import Gazetteer

from .linking_documents import article, entity


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    "name", ["US", "U.S.", "USA", "America", "United States", "United States of America", "the United States"]
)
def test_every_name_of_the_united_states_is_one_place_with_its_iso_and_geonames_ids(
    gazetteer: Gazetteer, name: str
) -> None:
    place = gazetteer.find(name)
    assert place is not None
    assert place.corpus_id == "gpe:united-states"
    assert place.kb == {"iso3166": "US", "geonames": 6252001}


@pytest.mark.parametrize("name", ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"])
def test_every_name_of_the_united_kingdom_is_one_place(gazetteer: Gazetteer, name: str) -> None:
    place = gazetteer.find(name)
    assert place is not None
    assert (place.corpus_id, place.kb["iso3166"]) == ("gpe:united-kingdom", "GB")


@pytest.mark.parametrize(
    ("name", "corpus_id"),
    [
        ("Russian Federation", "gpe:russia"),  # ISO's name, GeoNames' common one
        ("Kiev", "gpe:kyiv"),  # a city's alternate name
        ("Bombay", "gpe:mumbai"),
        ("New York", "gpe:new-york-city"),  # the city over its own state
        ("Paris", "gpe:paris"),  # the most populous Paris
        ("Georgia", "gpe:georgia"),  # a country over a US state
        ("England", "gpe:england"),  # an ISO 3166-2 subdivision
        ("Texas", "gpe:texas"),
        ("Europe", "loc:europe"),
    ],
)
def test_countries_subdivisions_continents_and_cities_by_name(gazetteer: Gazetteer, name: str, corpus_id: str) -> None:
    place = gazetteer.find(name)
    assert place is not None
    assert place.corpus_id == corpus_id


def test_paris_is_the_french_capital_with_its_geonames_id(gazetteer: Gazetteer) -> None:
    place = gazetteer.find("Paris")
    assert place is not None
    assert place.kb == {"geonames": 2988507}


@pytest.mark.parametrize("name", ["Us", "us", "CA", "IN", "LA", "Korea", "Punjab", "West"])
def test_ambiguous_names_and_state_codes_link_to_no_place(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.find(name) is None


def test_a_country_written_as_a_code_links_with_the_gazetteer_and_says_which_record(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("U.S.", "GPE"), entity("America", "GPE"))], []).documents
    assert [e.corpus_id for e in document.entities] == ["gpe:united-states", "gpe:united-states"]
    assert document.corpus_entities == ["gpe:united-states"]
    link = document.entities[0].link
    assert link is not None
    assert link.method == "gazetteer"
    assert link.detail is not None and "US" in link.detail and "6252001" in link.detail


def test_an_entity_found_by_its_alias_links_to_the_place(linker: Linker) -> None:
    """The enrichment lists the full form of "UK" among its aliases."""
    [document] = linker.link([article("a1", entity("UKs", "GPE", "United Kingdom"))], []).documents
    assert document.entities[0].corpus_id == "gpe:united-kingdom"


def test_only_places_are_looked_up_in_the_gazetteer(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("Chad", "PERSON"), entity("Jordan", "PERSON"))], []).documents
    assert document.corpus_entities == ["person:chad", "person:jordan"]


def test_the_new_record_of_a_place_starts_with_the_gazetteers_name_and_ids(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("USA", "GPE"))], []).documents
    seed = linker.record_seed(document.entities[0])
    assert (seed.name, seed.label, seed.kb) == ("United States", "GPE", {"iso3166": "US", "geonames": 6252001})


def test_a_region_labelled_loc_is_not_a_province_or_city_of_that_name(linker: Linker) -> None:
    [document] = linker.link([article("a1", entity("Gulf", "LOC"), entity("Europe", "LOC"))], []).documents
    assert document.corpus_entities == ["loc:gulf", "loc:europe"]


def test_gaza_is_the_city_of_that_name_and_the_gaza_strip_is_no_record_of_either_package(gazetteer: Gazetteer) -> None:
    """Why "Gaza" and "Gaza Strip" stay two ids: GeoNames knows Gaza the city (also "Gaza City"), ISO 3166-2 a
    Palestinian governorate and a Mozambican province named Gaza, and neither package the Strip."""
    city = gazetteer.find("Gaza")
    assert city is not None and (city.kind, city.kb) == ("city", {"geonames": 281133})
    assert gazetteer.find("Gaza City") == city
    assert gazetteer.find("Gaza Strip") is None
