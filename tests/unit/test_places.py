"""Places the text calls places: the words around a name ("the town of", "the people of", "province") settle it."""

from collections.abc import Sequence

import pytest

from services.enrich.nlp.annotation import FoundEntity
from services.enrich.nlp.places import place_phrase_spans


def named(text: str, found: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The names found, given the model's spans as (name, label) at the name's first occurrence."""
    model = [FoundEntity(text.index(name), text.index(name) + len(name), label) for name, label in found]
    return [text[place.start : place.end] for place in place_phrase_spans(text, model)]


@pytest.mark.parametrize(
    ("sentence", "found", "places"),
    [
        ("He died in the small mining town of Moengo , about 56 miles away .", [], ["Moengo"]),
        ("Police in the town of Uyo said the corporal was held .", [], ["Uyo"]),
        ("They met north of the town of Urus-Martan on Saturday .", [], ["Urus-Martan"]),
        ("It hit the western Japan city of Sakai , where the epidemic began .", [("Sakai", "ORG")], ["Sakai"]),
        ("Says James Norman , the mayor of Ava , Mo. :", [("Ava", "ORG")], ["Ava"]),
        ("I promise the people of Karachi that they will be caught .", [], ["Karachi"]),
        ("Can the people of Pali really survive this ?", [("Pali", "PERSON")], ["Pali"]),
        ("Refugees landed at the port of Rameswaram in India .", [], ["Rameswaram"]),
        (
            "He spoke to the people of Bosnia and Herzegovina .",
            [("Bosnia and Herzegovina", "GPE")],
            ["Bosnia and Herzegovina"],
        ),
        # the model's span is used only where it is the name: not where it runs on over other words or a figure
        ("Troops entered the city of Basrah the Shia hold .", [("Basrah the Shia", "PERSON")], ["Basrah"]),
        ("A brawl in the mining town of Moengo 56 miles east .", [("Moengo 56", "GPE")], ["Moengo"]),
    ],
)
def test_a_name_the_text_calls_a_town_or_its_people_s_is_a_place(
    sentence: str, found: list[tuple[str, str]], places: list[str]
) -> None:
    assert named(sentence, found) == places


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The residents of Kurdish villages fled north .", [("Kurdish", "NORP")]),  # a nationality
        ("The crowd filled the streets of the Yugoslavian capital .", [("Yugoslavian", "NORP")]),
        ("The shares value the full capital of Reuters at 8.7 billion pounds .", []),  # money, not a town
        ("They hid in the province of Sumaidaie's ancestral village .", []),  # a possessive: the man's
        ("He bought a stake in Zenith .", []),  # "in" alone says nothing
        ("The people of the Philippines voted .", []),  # the model knows the country; no guess past "the"
    ],
)
def test_other_phrases_name_no_place(sentence: str, found: list[tuple[str, str]]) -> None:
    assert named(sentence, found) == []


@pytest.mark.parametrize(
    ("sentence", "found", "places"),
    [
        ("It bid for a contract in Nagano prefecture .", [("Nagano", "ORG")], [("Nagano", "GPE")]),
        ("Farmers in Huize county protested .", [("Huize", "ORG")], [("Huize", "GPE")]),
        ("In Pattani province , a bomb went off .", [("Pattani", "ORG")], [("Pattani", "GPE")]),  # not "In"
        ("Trade in the Asia Pacific region grew .", [("Asia Pacific region", "LOC")], [("Asia Pacific", "LOC")]),
    ],
)
def test_a_name_before_a_region_s_word_is_a_place_of_the_model_s_kind(
    sentence: str, found: list[tuple[str, str]], places: list[tuple[str, str]]
) -> None:
    model = [FoundEntity(sentence.index(name), sentence.index(name) + len(name), label) for name, label in found]
    assert [(sentence[p.start : p.end], p.label) for p in place_phrase_spans(sentence, model)] == places


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("He told the English county he would stay .", [("English", "LANGUAGE")]),
        ("Oil prices rose across the Kurdish region .", [("Kurdish", "NORP")]),
        ("Famine struck the Horn of Africa region .", [("Horn of Africa", "LOC")]),  # part of a longer name
        ("The province voted .", []),  # no name: a sentence's opening word
        ("Shanxi province exports coal .", []),  # before a region's word, only a name the model found
    ],
)
def test_other_names_before_a_region_s_word_are_left_alone(sentence: str, found: list[tuple[str, str]]) -> None:
    assert named(sentence, found) == []
