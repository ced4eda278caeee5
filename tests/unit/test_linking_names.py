"""Normalised names: spellings of one name meet on one key; the gazetteer answers by key."""

import pytest

from services.enrich.linking.parties import singular
from shared.entity_keys import family_keys, head_key, name_key, record_keys, short_form_key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("The Netherlands", "netherlands"),
        ("the Netherlands", "netherlands"),
        ("Blair's", "blair"),
        ("Blair\u2019s", "blair"),
        ("the Joneses'", "joneses"),
        ("U.S.", "us"),
        ("The U.S.'s", "us"),
        ("Côte d'Ivoire", "cote d ivoire"),
        ("  George W. Bush ", "george w bush"),
        ("St. Louis", "st louis"),
        ("The", ""),
    ],
)
def test_case_accents_dots_a_leading_the_and_a_possessive_do_not_tell_names_apart(written: str, key: str) -> None:
    assert name_key(written) == key


def test_the_is_kept_inside_a_name() -> None:
    assert name_key("Bank of the West") == "bank of the west"


def test_a_full_name_answers_to_its_surname_and_to_its_first_and_last_names() -> None:
    assert family_keys("george w bush") == ["~bush", "~george bush"]
    assert family_keys("tony blair") == ["~blair"]
    assert family_keys("madonna") == []
    assert short_form_key("blair") == "~blair"
    assert short_form_key("george bush") == "~george bush"
    assert short_form_key("george walker h bush") is None


@pytest.mark.parametrize(
    ("plural", "one"),
    [("tories", "tory"), ("democrats", "democrat"), ("iraqis", "iraqi"), ("hindus", "hindu"), ("swiss", "swiss")],
)
def test_a_groups_name_has_one_singular(plural: str, one: str) -> None:
    assert singular(plural) == one


@pytest.mark.parametrize(
    ("key", "head"),
    [
        ("house of representatives", "^house"),
        ("u s house of representatives", "^house"),
        ("bank of england", "^bank"),
        ("white house", None),
        ("house", None),
    ],
)
def test_an_institutions_head_is_the_noun_its_of_phrase_qualifies(key: str, head: str | None) -> None:
    assert head_key(key) == head


def test_only_an_organisations_record_answers_to_its_head() -> None:
    assert "^house" in record_keys("House of Representatives", "ORG")
    assert "^house" not in record_keys("House of Representatives", "GPE")
