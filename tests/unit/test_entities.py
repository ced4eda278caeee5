"""Grouping, labelling, recovery and scoring of entities, on hand-made Docs (no statistical model)."""

import re
import time

import pytest
import spacy
from spacy.language import Language

from services.enrich.nlp.annotation import annotate
from services.enrich.nlp.entities import (
    MAX_ALIASES,
    MAX_ENTITIES,
    MAX_MENTIONS_PER_ENTITY,
    canonical_entities,
    slug,
)
from services.enrich.nlp.layout import ArticleLayout
from shared.documents import Entity


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


def entities(blank: Language, body: str, labelled: list[tuple[str, str, int]], title: str = "") -> list[Entity]:
    """Entities of title + body where the 'model' labelled the n-th occurrence of each given text."""
    layout = ArticleLayout(title, body)
    doc = blank(layout.text)
    spans = []
    for text, label, occurrence in labelled:
        start = [m.start() for m in re.finditer(re.escape(text), layout.text)][occurrence]
        span = doc.char_span(start, start + len(text), label=label)
        assert span is not None, text
        spans.append(span)
    doc.ents = spans
    return canonical_entities(layout, annotate(doc).entities)


def by_name(found: list[Entity]) -> dict[str, Entity]:
    return {entity.name: entity for entity in found}


def test_short_form_joins_the_longest_matching_name(blank: Language) -> None:
    body = "Foreign Minister Qin Gang spoke. Qin said talks matter. Later Qin left."
    found = entities(blank, body, [("Qin Gang", "PERSON", 0), ("Qin", "PERSON", 1), ("Qin", "PERSON", 2)])
    assert [(e.id, e.name, e.aliases, e.count) for e in found] == [("person:qin-gang", "Qin Gang", ["Qin"], 3)]


def test_a_name_matching_a_person_is_a_person(blank: Language) -> None:
    body = "Dmytro Kuleba arrived. Kuleba said hello. Kuleba left."
    found = entities(blank, body, [("Dmytro Kuleba", "PERSON", 0), ("Kuleba", "GPE", 1), ("Kuleba", "GPE", 2)])
    assert [(e.name, e.label, e.count) for e in found] == [("Dmytro Kuleba", "PERSON", 3)]


def test_surname_the_model_missed_is_recovered(blank: Language) -> None:
    body = "Dmytro Kuleba arrived. Later Kuleba said hello."
    (kuleba,) = entities(blank, body, [("Dmytro Kuleba", "PERSON", 0)])
    assert [m.text for m in kuleba.mentions] == ["Dmytro Kuleba", "Kuleba"]


def test_two_people_sharing_a_surname_keep_it_ambiguous(blank: Language) -> None:
    body = "Bill Clinton and Hillary Clinton met. Clinton said nothing."
    found = by_name(entities(blank, body, [("Bill Clinton", "PERSON", 0), ("Hillary Clinton", "PERSON", 0)]))
    assert found["Bill Clinton"].count == 1 and found["Hillary Clinton"].count == 1


def test_titles_and_role_words_are_not_entities(blank: Language) -> None:
    body = "State Councilor Qin Gang met US Secretary of State Antony Blinken."
    found = entities(
        blank,
        body,
        [
            ("Councilor", "PERSON", 0),
            ("Qin Gang", "PERSON", 0),
            ("US", "GPE", 0),
            ("State", "ORG", 1),
            ("Antony Blinken", "PERSON", 0),
        ],
    )
    assert sorted(e.name for e in found) == ["Antony Blinken", "Qin Gang", "US"]


def test_a_minister_s_portfolio_is_no_ministry_but_a_department_or_ministry_named_whole_is(blank: Language) -> None:
    body = (
        "Japan 's Finance Minister Wataru Kubo met the Legal Affairs minister . The Finance ministry cut rates .\n"
        "Treasury Secretary Nicholas Brady and the Foreign Ministry disagreed ."
    )
    labelled = [
        ("Japan", "GPE", 0),
        ("Finance", "ORG", 0),
        ("Wataru Kubo", "PERSON", 0),
        ("Legal Affairs", "ORG", 0),
        ("Finance", "ORG", 1),
        ("Treasury", "ORG", 0),
        ("Nicholas Brady", "PERSON", 0),
        ("Foreign Ministry", "ORG", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    # the US departments are organisations before their secretary's title, as OntoNotes has them
    assert found == {
        ("Japan", "GPE"),
        ("Wataru Kubo", "PERSON"),
        ("Treasury", "ORG"),
        ("Nicholas Brady", "PERSON"),
        ("Foreign Ministry", "ORG"),
    }


def test_role_words_are_stripped_from_a_person(blank: Language) -> None:
    (entity,) = entities(blank, "President Joe Biden spoke.", [("President Joe Biden", "PERSON", 0)])
    assert (entity.name, entity.mentions[0].start) == ("Joe Biden", len("President "))
    body = "Canada 's Paul Martin spoke. PM Martin said the budget was balanced."
    found = entities(blank, body, [("Paul Martin", "PERSON", 0), ("PM Martin", "PERSON", 0)])
    assert [(e.name, e.count) for e in found if e.label == "PERSON"] == [("Paul Martin", 2)]


def test_recovery_stays_on_names_that_stand_alone(blank: Language) -> None:
    body = (
        "China objected. The China Daily reported it. Beijing keeps the one-China principle. "
        "The China-Ukraine relationship grew. Pro-China crowds gathered. China agreed."
    )
    (china,) = entities(blank, body, [("China", "GPE", 0)])
    starts = [m.start for m in china.mentions]
    assert starts == [0, body.index("China-Ukraine"), body.rindex("China agreed")]


def test_model_span_inside_a_modifier_is_dropped(blank: Language) -> None:
    body = "China said it keeps the one-China principle."
    (china,) = entities(blank, body, [("China", "GPE", 0), ("China", "GPE", 1)])
    assert china.count == 1


def test_no_recovery_inside_another_labelled_span(blank: Language) -> None:
    body = "Washington said so, The Washington Post wrote."
    found = entities(blank, body, [("Washington", "GPE", 0), ("The Washington Post", "ORG", 0)])
    assert by_name(found)["Washington"].count == 1
    assert by_name(found)["Washington Post"].label == "ORG"  # the leading article is trimmed


def test_only_name_labels_are_entities(blank: Language) -> None:
    body = "On Monday 40 people paid $5 in Paris."
    found = entities(
        blank, body, [("Monday", "DATE", 0), ("40", "CARDINAL", 0), ("$5", "MONEY", 0), ("Paris", "GPE", 0)]
    )
    assert [e.name for e in found] == ["Paris"]


def test_abbreviations_join_their_full_name(blank: Language) -> None:
    body = "The United States and the U.S. Congress agreed. US officials said so."
    found = entities(blank, body, [("United States", "GPE", 0), ("U.S.", "GPE", 0), ("US", "ORG", 0)])
    assert [(e.id, e.name, e.label, e.count) for e in found] == [("gpe:united-states", "United States", "GPE", 3)]
    assert set(found[0].aliases) == {"U.S.", "US"}


def test_an_abbreviation_alone_gets_its_full_form_as_alias(blank: Language) -> None:
    (us,) = entities(blank, "US officials agreed.", [("US", "GPE", 0)])
    assert (us.name, us.aliases) == ("US", ["United States"])


def test_mentions_map_to_title_or_body_offsets(blank: Language) -> None:
    title, body = "Kenya votes", "Voters in Kenya queued. Kenya counts tonight."
    (kenya,) = entities(blank, body, [("Kenya", "GPE", 0), ("Kenya", "GPE", 1)], title=title)
    assert [(m.field, m.start, m.end) for m in kenya.mentions] == [
        ("title", 0, 5),
        ("body", body.index("Kenya"), body.index("Kenya") + 5),
        ("body", body.rindex("Kenya"), body.rindex("Kenya") + 5),
    ]
    for mention in kenya.mentions:
        assert (title if mention.field == "title" else body)[mention.start : mention.end] == mention.text


def test_salience_rewards_title_and_frequency(blank: Language) -> None:
    body = "Oslo and Lima met. Oslo spoke. Oslo left. Lima stayed. Quito watched at the end."
    found = entities(blank, body, [("Oslo", "GPE", 1), ("Lima", "GPE", 1), ("Quito", "GPE", 0)], title="Lima talks")
    salience = {e.name: e.salience for e in found}
    assert salience["Oslo"] == 1.0 or salience["Lima"] == 1.0
    assert salience["Lima"] > salience["Quito"] and salience["Oslo"] > salience["Quito"]
    assert all(0.0 <= value <= 1.0 for value in salience.values())
    assert [e.name for e in found] == sorted(salience, key=lambda name: -salience[name])


def test_title_mention_outweighs_a_late_body_mention(blank: Language) -> None:
    found = entities(blank, "Oslo met Lima.", [("Oslo", "GPE", 0), ("Lima", "GPE", 1)], title="Lima talks")
    assert found[0].name == "Lima"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Qin Gang", "qin-gang"), ("José Martí", "jose-marti"), ("U.S.", "u-s"), ("Al-Jazeera", "al-jazeera")],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_a_tie_between_person_and_organisation_goes_to_the_organisation(blank: Language) -> None:
    body = "Saint Francis Hospital took ten. Saint Francis Hospital took two more."
    found = entities(blank, body, [("Saint Francis Hospital", "PERSON", 0), ("Saint Francis Hospital", "ORG", 1)])
    assert [(e.name, e.label) for e in found] == [("Saint Francis Hospital", "ORG")]


def test_time_zones_are_not_names(blank: Language) -> None:
    found = entities(blank, "It crashed at 9:54 ET in Connecticut.", [("ET", "PERSON", 0), ("Connecticut", "GPE", 0)])
    assert [e.name for e in found] == ["Connecticut"]


def test_a_person_is_not_recovered_after_an_article(blank: Language) -> None:
    body = "Paul Run spoke first. He played on Band on the Run with friends."
    (run,) = entities(blank, body, [("Paul Run", "PERSON", 0)])
    assert run.count == 1


def test_a_lone_word_the_model_calls_a_person_is_an_organisation(blank: Language) -> None:
    body = "Barrick said on Monday it would buy the mine. Mr Smith agreed with Dr. Morse."
    found = entities(blank, body, [("Barrick", "PERSON", 0), ("Smith", "PERSON", 0), ("Morse", "PERSON", 0)])
    assert {(e.name, e.label) for e in found} == {("Barrick", "ORG"), ("Smith", "PERSON"), ("Morse", "PERSON")}


def test_a_common_given_name_alone_stays_a_person_outside_sports_copy(blank: Language) -> None:
    body = "Michelle , a junior bond trader , lost the money . Barrick said it would buy the mine ."
    found = entities(blank, body, [("Michelle", "PERSON", 0), ("Barrick", "PERSON", 0)])
    assert {(e.name, e.label) for e in found} == {("Michelle", "PERSON"), ("Barrick", "ORG")}


def test_spans_are_cut_as_a_reader_draws_names(blank: Language) -> None:
    body = "The Interfax news agency said Hong Kong 's port is busy. CRICKET - ENGLAND WIN\nthe congress met."
    found = entities(
        blank,
        body,
        [
            ("Interfax news agency", "ORG", 0),
            ("Hong Kong 's", "GPE", 0),
            ("CRICKET - ENGLAND", "ORG", 0),
            ("congress", "ORG", 0),
        ],
    )
    assert {(e.name, e.label) for e in found} == {("Interfax", "ORG"), ("Hong Kong", "GPE")}


def test_a_country_is_a_place_whatever_the_model_says(blank: Language) -> None:
    body = "Karol Kucera ( Slovakia ) beat Hicham Arazi ( Morocco ). Emre Can ( Turkey ) beat Lim ( Burma )."
    labelled = [("Slovakia", "ORG", 0), ("Morocco", "PERSON", 0), ("Turkey", "ORG", 0), ("Burma", "PERSON", 0)]
    found = entities(blank, body, labelled)
    # ISO 3166 now says Türkiye and Myanmar; news still writes Turkey and Burma.
    assert {(e.name, e.label) for e in found} == {
        ("Karol Kucera", "PERSON"),  # a draw's competitors (`competitor_spans`)
        ("Hicham Arazi", "PERSON"),
        ("Slovakia", "GPE"),
        ("Morocco", "GPE"),
        ("Turkey", "GPE"),
        ("Burma", "GPE"),
    }


def test_a_common_word_opening_a_line_is_not_a_name(blank: Language) -> None:
    body = "Tillstrom ( Sweden ) vs qualifier\nQualifier vs. Andrei Olhovskiy"
    found = entities(blank, body, [("Qualifier", "PERSON", 0), ("Andrei Olhovskiy", "PERSON", 0)])
    assert [e.name for e in found if e.label != "GPE"] == ["Andrei Olhovskiy"]


def test_a_recovered_occurrence_belongs_to_one_entity(blank: Language) -> None:
    body = "George Washington was born there. Washington agreed. Later, Washington grew."
    found = entities(blank, body, [("George Washington", "PERSON", 0), ("Washington", "GPE", 1)])
    owners = [m.start for e in found for m in e.mentions if m.text == "Washington"]
    assert len(owners) == len(set(owners))


def test_a_leading_part_joins_a_person_only_when_seen_as_a_person(blank: Language) -> None:
    body = "SpaceX Crew Dragon docked. SpaceX said so."
    found = entities(blank, body, [("SpaceX Crew Dragon", "PERSON", 0), ("SpaceX", "ORG", 1)])
    assert sorted((e.name, e.label) for e in found) == [("SpaceX", "ORG"), ("SpaceX Crew Dragon", "PERSON")]
    # The family name first, read by the model as an organisation, but the text says it is a person's.
    body = "Police detained dissident Wang Donghai . Police detained Wang and would not let his family see him."
    found = entities(blank, body, [("Wang Donghai", "PERSON", 0), ("Wang", "ORG", 1)])
    assert [(e.name, e.label, e.count) for e in found] == [("Wang Donghai", "PERSON", 2)]
    body = "Last month , Wang , 45 , was jailed. Wang Donghai is a dissident."
    found = entities(blank, body, [("Wang", "ORG", 0), ("Wang Donghai", "PERSON", 0)])
    assert [(e.name, e.label, e.count) for e in found] == [("Wang Donghai", "PERSON", 2)]
    # A nationality is no one's family name, whatever follows it ("Indian Railways" read as a person).
    body = "Indian Railways ran late. An Indian rail official said he would resign."
    found = entities(blank, body, [("Indian Railways", "PERSON", 0), ("Indian", "NORP", 1)])
    assert sorted((e.name, e.label) for e in found) == [("Indian", "NORP"), ("Indian Railways", "PERSON")]


def test_a_name_in_every_sentence_keeps_its_first_mentions_and_its_true_count(blank: Language) -> None:
    sentence = "Officials met in Paris again. "
    body = sentence * (MAX_MENTIONS_PER_ENTITY * 3)
    [paris] = entities(blank, body, [("Paris", "GPE", n) for n in range(MAX_MENTIONS_PER_ENTITY * 3)])
    assert paris.count == MAX_MENTIONS_PER_ENTITY * 3
    assert len(paris.mentions) == MAX_MENTIONS_PER_ENTITY
    assert [m.start for m in paris.mentions] == [n * len(sentence) + 17 for n in range(MAX_MENTIONS_PER_ENTITY)]


def test_an_article_keeps_its_most_salient_entities_and_few_spellings_of_each(blank: Language) -> None:
    names = [f"Town{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(MAX_ENTITIES + 20)]
    body = "".join(f"They went to {name}. " for name in names)
    found = entities(blank, body, [(name, "GPE", 0) for name in names])
    assert [entity.name for entity in found] == names[:MAX_ENTITIES]  # earlier mentions weigh more

    spellings = [f"ACME{'!' * n}" for n in range(MAX_ALIASES + 5)]
    body = "".join(f"Shares of {spelling} rose. " for spelling in spellings)
    [acme] = entities(blank, body, [(spelling, "ORG", 0) for spelling in spellings])
    assert len(acme.aliases) == MAX_ALIASES


def test_a_place_named_in_a_results_line_is_a_team_everywhere_but_a_country_stays_a_place(blank: Language) -> None:
    body = "Minnesota beat Japan again.\nMinnesota 6 MILWAUKEE 1\nJapan 2 Syria 1\nCHICAGO AT MILWAUKEE"
    found = entities(blank, body, [("Minnesota", "GPE", 0), ("Japan", "GPE", 0), ("Minnesota 6 MILWAUKEE", "GPE", 0)])
    labels = {e.name: (e.label, e.count) for e in found if e.id != "gpe:milwaukee"}
    assert labels["Minnesota"] == ("ORG", 2)
    assert labels["MILWAUKEE"] == ("ORG", 1)
    # The place after "at" is where the visitors play: the city, apart from its team.
    assert [(e.label, e.count) for e in found if e.id == "gpe:milwaukee"] == [("GPE", 1)]
    assert labels["CHICAGO"] == ("ORG", 1)
    assert labels["Japan"][0] == "GPE"
    assert labels["Syria"][0] == "GPE"


def test_a_dateline_city_is_a_place_apart_from_its_team(blank: Language) -> None:
    body = "NEW YORK 1996-08-22\nNEW YORK 5 Boston 4\nGeneva talks went on."
    found = entities(blank, body, [("NEW YORK 1996-08-22", "DATE", 0), ("NEW YORK", "GPE", 1)])
    assert sorted((e.id, e.count) for e in found if e.name == "NEW YORK") == [("gpe:new-york", 1), ("org:new-york", 1)]
    dateline = next(e for e in found if e.id == "gpe:new-york")
    assert (dateline.mentions[0].start, dateline.mentions[0].end) == (0, 8)


def test_a_name_in_a_capitalised_headline_is_recovered_as_the_article_writes_it(blank: Language) -> None:
    title = "CRICKET - ENGLAND V PAKISTAN FINAL TEST"
    body = "England and Pakistan met at the Oval in the final test."
    found = entities(blank, body, [("England", "GPE", 0), ("Pakistan", "GPE", 0)], title=title)
    assert {e.name: [m.field for m in e.mentions] for e in found} == {
        "England": ["title", "body"],
        "Pakistan": ["title", "body"],
    }


def test_an_entity_is_named_as_the_text_writes_it_most_often_outside_headlines(blank: Language) -> None:
    body = "The US retail giant Toys R Us filed for bankruptcy in the US ."
    found = entities(blank, body, [("US", "GPE", 0), ("Us", "GPE", 0), ("US", "GPE", 1)])
    assert [e.name for e in found if e.label == "GPE"] == ["US"]
    # a name not in capitals is named as the text writes it most often
    body = "Wal-mart shares rose . Wal-Mart said Wal-Mart would grow ."
    found = entities(blank, body, [("Wal-mart", "ORG", 0), ("Wal-Mart", "ORG", 0), ("Wal-Mart", "ORG", 1)])
    assert [e.name for e in found] == ["Wal-Mart"]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Lens 1 ( Smicer 52nd ) Metz 0", "Smicer"),  # a goal in a given minute
        ("Scorers : Lubarskij ( 50th minute ) , Valkucak ( 54th )", "Valkucak"),  # the minute in brackets
        ("Aamir Sohail c Cork b Croft 46", "Croft"),  # bowled a batsman
        ("Botafogo striker Tulio was left out .", "Tulio"),  # a playing position
        ("Bowling : Lewis 12-1-76-0 , Mullally 22-6-56-2", "Lewis"),  # bowling figures
        ("The 20-year-old Rubin is out of the Open .", "Rubin"),  # an age
        ("The Bush administration opposed the bill .", "Bush"),  # a government named after its head
        ("The Reagan-Bush administration cut the staff .", "Reagan"),
        ("It was lent to the short-lived Kerensky government .", "Kerensky"),
        ("It is a victory for the Gore campaign .", "Gore"),
        ("Talks between the envoys of Soviet leader Gorbachev ended .", "Gorbachev"),  # a calling
    ],
)
def test_a_lone_word_that_acts_as_a_person_stays_a_person(blank: Language, body: str, name: str) -> None:
    found = by_name(entities(blank, body, [(name, "PERSON", 0)]))
    assert found[name].label == "PERSON"


def test_an_age_before_a_club_and_a_position_is_the_player_s(blank: Language) -> None:
    body = "He picked 20-year-old Norwich striker Keith O'Neill ."
    found = by_name(entities(blank, body, [("Norwich", "PERSON", 0), ("Keith O'Neill", "PERSON", 0)]))
    assert found["Norwich"].label == "ORG"


def test_an_initial_and_a_surname_is_a_person(blank: Language) -> None:
    body = "Somerset 298-6 ( M. Lathwell 85 , R. Harden 65 ) . N. Ireland won ."
    found = by_name(
        entities(blank, body, [("M. Lathwell", "ORG", 0), ("R. Harden", "PERSON", 0), ("N. Ireland", "GPE", 0)])
    )
    assert {name: entity.label for name, entity in found.items()} == {
        "M. Lathwell": "PERSON",
        "R. Harden": "PERSON",
        "N. Ireland": "GPE",
    }


def test_figures_and_brackets_are_not_part_of_a_name(blank: Language) -> None:
    body = (
        "J. Crawley b Waqar Younis 106\n286 Hidemichi Tanaka ( Japan ) 66 75\n2 - Michael Chang ( U.S. ) won\n"
        "At The Oval ( London ) : rain .\nWindows 95 sold well ."
    )
    found = entities(
        blank,
        body,
        [
            ("J. Crawley", "PERSON", 0),
            ("Waqar Younis 106", "PERSON", 0),
            ("286 Hidemichi Tanaka", "PERSON", 0),
            ("2 - Michael Chang", "PERSON", 0),
            ("Oval ( London", "FAC", 0),
            ("Windows 95", "PRODUCT", 0),
        ],
    )
    assert sorted(e.name for e in found) == [
        "Hidemichi Tanaka",
        "J. Crawley",
        "Japan",  # the model missed it; a country is found all the same
        "Michael Chang",
        "Oval",
        "Waqar Younis",
        "Windows 95",  # a product keeps its number
    ]


def test_an_acronym_in_brackets_after_a_name_is_that_name(blank: Language) -> None:
    body = "The Kurdistan Democratic Party ( KDP ) said so . KDP forces attacked . The CIA ( NSA ) denied it ."
    found = entities(blank, body, [("Kurdistan Democratic Party", "ORG", 0), ("CIA", "ORG", 0)])
    kdp = by_name(found)["Kurdistan Democratic Party"]
    assert (kdp.label, kdp.count, kdp.aliases) == ("ORG", 3, ["KDP"])
    assert sorted(by_name(found)) == ["CIA", "Kurdistan Democratic Party"]  # "NSA" is not the initials of "CIA"


def test_a_name_ending_in_an_organisation_word_is_not_a_person(blank: Language) -> None:
    body = "Ka Wah Bank and Manchester United met Bauer Media in the West Bank ."
    labelled = [
        ("Ka Wah Bank", "PERSON", 0),
        ("Manchester United", "PERSON", 0),
        ("Bauer Media", "PERSON", 0),
        ("West Bank", "GPE", 0),
    ]
    found = entities(blank, body, labelled)
    assert {(e.name, e.label) for e in found} == {
        ("Ka Wah Bank", "ORG"),
        ("Manchester United", "ORG"),
        ("Bauer Media", "ORG"),
        ("West Bank", "GPE"),  # a place may end so
    }


def test_a_full_name_with_a_country_in_brackets_is_a_competitor(blank: Language) -> None:
    body = "Byron Black ( Zimbabwe ) beat Levski ( Bulgaria ) 6-3 ."
    found = entities(blank, body, [("Byron Black", "ORG", 0), ("Levski", "ORG", 0)])
    assert {(e.name, e.label) for e in found} == {
        ("Byron Black", "PERSON"),
        ("Levski", "ORG"),
        ("Zimbabwe", "GPE"),
        ("Bulgaria", "GPE"),
    }


def test_a_full_name_ending_in_the_dateline_city_is_a_club(blank: Language) -> None:
    body = "AMSTERDAM 1996-08-22\nAjax Amsterdam beat PSV . Jack London watched ."
    found = entities(blank, body, [("Ajax Amsterdam", "PERSON", 0), ("Jack London", "PERSON", 0)])
    assert {(e.name, e.label) for e in found} == {
        ("AMSTERDAM", "GPE"),
        ("Ajax Amsterdam", "ORG"),
        ("Jack London", "PERSON"),
    }


def test_a_headline_neighbour_the_article_never_writes_does_not_hide_a_name(blank: Language) -> None:
    title = "SOCCER - SHARPSHOOTER KNUP BACK IN SQUAD"
    body = "Striker Adrian Knup is back in the squad. Knup said so."
    found = entities(blank, body, [("Adrian Knup", "PERSON", 0)], title=title)
    (knup,) = found
    assert [(m.field, m.text) for m in knup.mentions] == [("title", "KNUP"), ("body", "Adrian Knup"), ("body", "Knup")]


def test_a_competition_s_name_is_an_event(blank: Language) -> None:
    body = "Spain won the Davis Cup . Stich beat Rios at the U.S. Open on Monday ."
    found = entities(
        blank, body, [("Davis Cup", "ORG", 0), ("Stich", "PERSON", 0), ("Rios", "PERSON", 0), ("U.S.", "GPE", 0)]
    )
    labels = {e.name: e.label for e in found}
    assert labels["Davis Cup"] == "EVENT"  # the model's organisation, by the name's last word
    assert labels["U.S. Open"] == "EVENT"  # the model saw only the country
    assert "U.S." not in labels


def test_a_country_the_model_missed_is_a_place_unless_part_of_a_longer_name(blank: Language) -> None:
    body = "2. Vasily Kaptyukh ( Belarus ) 66.24\nChad Smith of Georgia Tech flew in from Malta ."
    found = entities(blank, body, [("Vasily Kaptyukh", "PERSON", 0), ("Chad Smith", "PERSON", 0)])
    assert {(e.name, e.label) for e in found} == {
        ("Vasily Kaptyukh", "PERSON"),
        ("Belarus", "GPE"),
        ("Chad Smith", "PERSON"),
        ("Malta", "GPE"),
    }


def test_a_nationality_the_model_missed_is_found_unless_part_of_a_longer_name_or_an_amount(blank: Language) -> None:
    body = (
        "Slovenian police detain two leaders .\n1706 - French troops besiege the city .\n"
        "The Palestinian Authority and Palestinian Minister Erekat paid 41.4 billion Canadian dollars .\n"
        "Coach Jon Welsh said German-born players of Dutch PTT stay on Syrian-Lebanese tracks ."
    )
    labelled = [("Palestinian Authority", "ORG", 0), ("Erekat", "PERSON", 0), ("Dutch PTT", "ORG", 0)]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert found == {
        ("Slovenian", "NORP"),
        ("French", "NORP"),
        ("Palestinian Authority", "ORG"),
        ("Erekat", "PERSON"),
        ("Dutch PTT", "ORG"),
    }


def test_an_incident_or_a_festival_is_an_event(blank: Language) -> None:
    body = "The Southern Anhui Incident is remembered . Critics met at the Cannes Film Festival ."
    found = entities(blank, body, [("Southern Anhui Incident", "ORG", 0), ("Cannes Film Festival", "ORG", 0)])
    assert {(e.name, e.label) for e in found} == {
        ("Southern Anhui Incident", "EVENT"),
        ("Cannes Film Festival", "EVENT"),
    }


def test_a_competition_s_name_is_found_where_the_model_missed_it(blank: Language) -> None:
    body = (
        "EASTERN DIVISION\nNational League\nChicago 11 Toronto 2\nHe leads the National League for Democracy .\n"
        "The U.S. Open starts ."
    )
    found = entities(blank, body, [("National League for Democracy", "ORG", 0), ("Chicago", "GPE", 0)])
    assert {(e.name, e.label) for e in found} >= {
        ("EASTERN DIVISION", "EVENT"),  # found in the text as the model read it, re-cased
        ("National League", "EVENT"),
        ("National League for Democracy", "ORG"),  # the name goes on: not a competition
        ("U.S. Open", "EVENT"),
    }


def test_a_league_or_division_is_a_competition_only_in_sports_copy(blank: Language) -> None:
    body = "The Arab League met the 3rd Infantry Division .\nThe U.S. Open starts ."
    found = entities(blank, body, [("Arab League", "ORG", 0), ("Infantry Division", "ORG", 0)])
    # No results line: a league or division is the organisation the model saw; a cup or an open is a competition.
    assert {(e.name, e.label) for e in found} == {
        ("Arab League", "ORG"),
        ("Infantry Division", "ORG"),
        ("U.S. Open", "EVENT"),
    }


def test_a_word_labelling_a_results_field_is_no_name(blank: Language) -> None:
    body = (
        "Attendance : 5,000\nMen 's 400 metres\nChelsea : Hitchcock , Petrescu\nSmith 's 400 metres\nIt is Smith 's ."
    )
    found = entities(
        blank,
        body,
        [("Attendance", "ORG", 0), ("Men", "ORG", 0), ("Chelsea", "ORG", 0), ("Smith", "PERSON", 1)],
    )
    # "Chelsea" opens a line-up; "Smith" is written once more, not opening a line: neither labels a field.
    assert {e.name for e in found} == {"Chelsea", "Smith"}
    body = "Scorer : Sergei Rebrov ( 79th minute )\nExtras ( lb-3 nb-6 w-7 ) 16"
    found = entities(blank, body, [("Scorer", "ORG", 0), ("Sergei Rebrov", "PERSON", 0), ("Extras", "ORG", 0)])
    assert {e.name for e in found} == {"Sergei Rebrov"}  # a match report's label, a scorecard's row


def test_punctuation_at_the_edge_of_a_span_is_not_part_of_the_name(blank: Language) -> None:
    body = "-- John Gilardi , Frankfurt\nAt Trent Bridge : Notts won ."
    found = entities(blank, body, [("-- John Gilardi", "PERSON", 0), ("Trent Bridge :", "FAC", 0)])
    assert {e.name for e in found} == {"John Gilardi", "Trent Bridge"}


def test_a_comma_against_the_last_word_and_a_quote_after_the_article_are_not_part_of_the_name(
    blank: Language,
) -> None:
    body = 'After he lost to Reno, Thompson sold the "Blue House", according to Associated Press; he left.'
    labelled = [("Reno,", "PERSON", 0), ('the "Blue House', "FAC", 0), ("Associated Press;", "ORG", 0)]
    found = entities(blank, body, labelled)
    assert {e.name for e in found} == {"Reno", "Blue House", "Associated Press"}


def test_an_accented_common_given_name_is_a_given_name(blank: Language) -> None:
    body = '"No barriers," Ján Počiatek, the finance minister of Slovakia, said.'
    found = entities(blank, body, [("Ján Počiatek", "ORG", 0)])
    assert by_name(found)["Ján Počiatek"].label == "PERSON"


def test_a_given_name_and_a_position_make_a_person_of_what_the_model_took_for_a_place(blank: Language) -> None:
    body = "Chile's president, Ricardo Lagos, was at Victoria Falls. Its mayor, Jordan, and chair, Kota Kinabalu, came."
    names = ("Ricardo Lagos", "Victoria Falls", "Jordan", "Kota Kinabalu")
    found = by_name(entities(blank, body, [(name, "GPE", 0) for name in names]))
    assert {name: found[name].label for name in names} == {
        "Ricardo Lagos": "PERSON",
        "Victoria Falls": "GPE",  # a given name, but nothing a person does
        "Jordan": "GPE",  # one word: a place's name is as often a given name
        "Kota Kinabalu": "GPE",  # what a person does, but no given name
    }


def test_a_city_or_state_the_model_took_for_an_organisation_is_a_place_where_the_text_is_in_it(blank: Language) -> None:
    body = "Protesters in Thessaloniki, in Bogotá and in Guerrero met police. Nokia rose; a stake in Nokia was sold."
    names = ("Thessaloniki", "Bogotá", "Guerrero", "Nokia")
    found = by_name(entities(blank, body, [(name, "ORG", 0) for name in names] + [("Nokia", "ORG", 1)]))
    assert {name: found[name].label for name in names} == {
        "Thessaloniki": "GPE",
        "Bogotá": "GPE",
        "Guerrero": "GPE",  # a state
        "Nokia": "ORG",
    }
    body = "Copenhagen shares rose. Copenhagen said so. Talks in Copenhagen ended.\nMetz 2 Lens 1\nLens lost in Metz."
    labelled = [("Copenhagen", "ORG", n) for n in range(3)] + [("Metz", "ORG", 0), ("Metz", "ORG", 1)]
    found = by_name(entities(blank, body, labelled))
    assert (found["Copenhagen"].label, found["Metz"].label) == ("ORG", "ORG")  # once in three; a team


def test_a_day_named_for_what_happened_on_it_is_an_event(blank: Language) -> None:
    body = "McCain surged on Super Tuesday. Shares fell on Gray Friday. Sheffield Wednesday lost in Chicago Friday."
    labelled = [("Super", "GPE", 0), ("Sheffield Wednesday", "ORG", 0), ("Chicago", "GPE", 0)]
    found = entities(blank, body, labelled)
    assert {(e.name, e.label) for e in found} == {
        ("Super Tuesday", "EVENT"),
        ("Gray Friday", "EVENT"),
        ("Sheffield Wednesday", "ORG"),
        ("Chicago", "GPE"),
    }


def test_a_company_written_with_its_legal_form_is_found_where_the_model_missed_it(blank: Language) -> None:
    body = (
        "Whirlpool Corp. , Benton Harbor , Mich. , said it grew. The Gold Fields of South Africa Ltd mine shut.\n"
        'NOTE - Orii Corp makes robots. Toys " R " Us Inc. and Here Networks LLC merged. A Co Inc deal.\n'
        "In TOKYO Nomura Securities Co Ltd rose.\nLead Underwriter Morgan Stanley and Co Inc"
    )
    labelled = [("Benton Harbor", "GPE", 0), ("Mich.", "GPE", 0), ("Gold Fields", "ORG", 0), ("TOKYO", "GPE", 0)]
    found = entities(blank, body, [*labelled, ("Morgan Stanley", "ORG", 0)])
    assert {e.name for e in found if e.label == "ORG"} == {
        "Whirlpool Corp.",
        "Gold Fields",  # the model's part of "Gold Fields of South Africa Ltd": never "South Africa Ltd"
        "Orii Corp",  # not "NOTE - Orii Corp"
        "Here Networks LLC",  # "Here" does not open the sentence
        "Nomura Securities Co Ltd",  # without the place the model found before it
        "Morgan Stanley",  # a name the model found inside is not run over
    }


def test_a_name_after_a_title_only_a_person_bears_is_a_person(blank: Language) -> None:
    body = (
        "Mr Prodi met Dr Green and Dame Silvia Cartwright at the King Center. "
        "General Motors, Prince Rupert and Sheikh Zuweid are no people, nor is the Prince of Wales Trust. "
        "The Archbishop of Gdansk backed the Sen Byrd Amendment, Mr President."
    )
    labelled = [
        *[(name, "WORK_OF_ART", 0) for name in ("Mr Prodi", "Dame Silvia Cartwright", "Mr President")],
        *[(name, "ORG", 0) for name in ("Dr Green", "General Motors", "Prince of Wales Trust", "Archbishop of Gdansk")],
        *[(name, "GPE", 0) for name in ("King Center", "Prince Rupert", "Sheikh Zuweid")],
        ("Sen Byrd Amendment", "LAW", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert found == {
        ("Prodi", "PERSON"),
        ("Green", "PERSON"),
        ("Silvia Cartwright", "PERSON"),
        ("King Center", "GPE"),
        ("General Motors", "ORG"),
        ("Prince Rupert", "GPE"),
        ("Sheikh Zuweid", "GPE"),
        ("Prince of Wales Trust", "ORG"),
        ("Archbishop of Gdansk", "ORG"),  # a title, no "of Gdansk"
        ("Sen Byrd Amendment", "LAW"),
    }


def test_the_currency_of_an_amount_is_no_organisation(blank: Language) -> None:
    body = "RBS lost GBP 28 billion and paid 5,000 AUD. NPR reported it; AMD chips rose."
    labelled = [("GBP", "ORG", 0), ("AUD", "ORG", 0), ("NPR", "ORG", 0), ("AMD", "ORG", 0)]
    assert {e.name for e in entities(blank, body, labelled)} == {"NPR", "AMD"}


def test_a_name_ending_as_a_building_city_or_company_is_no_person_though_it_begins_as_one(blank: Language) -> None:
    body = (
        "Flights at John F. Kennedy International Airport and in Ho Chi Minh City stopped. Altria Group fell; "
        "Altria said so. He went to John Radcliffe Hospital. Captain Chris Air spoke."
    )
    labelled = [
        ("John F. Kennedy International Airport", "PERSON", 0),
        ("Ho Chi Minh City", "PERSON", 0),
        ("Altria Group", "PERSON", 0),
        ("Altria", "PERSON", 1),
        ("John Radcliffe Hospital", "PERSON", 0),
        ("Chris Air", "PERSON", 0),
    ]
    found = {(e.name, e.label, e.count) for e in entities(blank, body, labelled)}
    assert found == {
        ("John F. Kennedy International Airport", "FAC", 1),
        ("Ho Chi Minh City", "GPE", 1),
        ("Altria Group", "ORG", 2),  # its short form joined it, as a person's would
        ("John Radcliffe Hospital", "FAC", 1),
        ("Chris Air", "PERSON", 1),  # titled
    }


def test_a_name_the_text_calls_a_newspaper_is_the_newspaper(blank: Language) -> None:
    body = (
        "The afternoon daily Le Monde said so, as did the Gazeta Wyborcza newspaper and a Sunday newspaper. "
        "Its columnist Anne Roux agreed."
    )
    labelled = [(name, "PERSON", 0) for name in ("Le Monde", "Gazeta Wyborcza", "Anne Roux")]
    found = {(e.name, e.label) for e in entities(blank, body, [*labelled, ("Sunday", "DATE", 0)])}
    assert found == {("Le Monde", "ORG"), ("Gazeta Wyborcza", "ORG"), ("Anne Roux", "PERSON")}  # "Sunday" a date
    # one mention called so settles the others, wherever the model read it as an organisation; not the name after
    # another publication's ("Cleo magazine Sharri Markson": its editor)
    body = (
        "Zycie Warszawy daily said so . Zycie Warszawy said Zycie Warszawy grew . "
        "The Cleo magazine Sharri Markson edits said Sharri Markson quit ."
    )
    labelled = [
        ("Zycie Warszawy", "ORG", 0),
        ("Zycie Warszawy", "PERSON", 1),
        ("Zycie Warszawy", "PERSON", 2),
        ("Cleo", "PRODUCT", 0),
        ("Sharri Markson", "PERSON", 0),
        ("Sharri Markson", "PERSON", 1),
    ]
    named = by_name(entities(blank, body, labelled))
    assert {name: named[name].label for name in ("Zycie Warszawy", "Sharri Markson")} == {
        "Zycie Warszawy": "ORG",
        "Sharri Markson": "PERSON",
    }


def test_a_wire_desk_in_a_contact_line_is_an_organisation(blank: Language) -> None:
    body = "-- Sydney Newsroom 61-2 9373-1800\n-- U.S. Municipal Desk , 212-859-1650"
    found = entities(blank, body, [("Sydney", "GPE", 0), ("U.S.", "GPE", 0)])
    assert {(e.name, e.label) for e in found} == {("Sydney Newsroom", "ORG"), ("U.S. Municipal Desk", "ORG")}


def test_a_name_after_a_saint_is_not_a_person(blank: Language) -> None:
    body = "St Pauli drew with Schalke . Tony Saint scored ."
    found = entities(blank, body, [("St Pauli", "PERSON", 0), ("Tony Saint", "PERSON", 0)])
    assert {e.name: e.label for e in found} == {"St Pauli": "ORG", "Tony Saint": "PERSON"}


def test_a_gendered_pronoun_soon_after_a_lone_name_makes_a_person(blank: Language) -> None:
    body = "Chang lost to Oncins , who had beaten him before . Barrick said it would sell , and he agreed ."
    found = entities(blank, body, [("Oncins", "PERSON", 0), ("Barrick", "PERSON", 0)])
    # "it" comes first after "Barrick": the pronoun is a company's.
    assert {e.name: e.label for e in found} == {"Oncins": "PERSON", "Barrick": "ORG"}


def test_a_lone_name_after_of_or_capital_is_a_place(blank: Language) -> None:
    body = (
        "Rebels fought in the Chechen capital Grozny . The state of Guerrero is poor . Barrick rose .\n"
        "Shares of Keele fell ."
    )
    labelled = [
        ("Chechen", "NORP", 0),
        ("Grozny", "PERSON", 0),
        ("Guerrero", "PERSON", 0),
        ("Barrick", "PERSON", 0),
        ("Keele", "PERSON", 0),
    ]
    found = entities(blank, body, labelled)
    # A bare "of" is no place word: "shares of Keele" is a company.
    assert {e.name: e.label for e in found} == {
        "Chechen": "NORP",
        "Grozny": "GPE",
        "Guerrero": "GPE",
        "Barrick": "ORG",
        "Keele": "ORG",
    }


def test_an_initial_and_a_surname_the_model_missed_is_a_person(blank: Language) -> None:
    body = "Next in are R. Croft , D. Cork , A. Mullally\nThe U.S. Army moved ."
    found = entities(blank, body, [("R. Croft", "PERSON", 0), ("D. Cork", "GPE", 0), ("U.S. Army", "ORG", 0)])
    assert {e.name: e.label for e in found} == {
        "R. Croft": "PERSON",
        "D. Cork": "GPE",  # the model's label stands where it saw the name
        "A. Mullally": "PERSON",
        "U.S. Army": "ORG",
    }


def test_a_bowler_s_first_name_the_model_left_out_joins_the_name(blank: Language) -> None:
    body = "M. Atherton b Waqar Younis 31\nPakistan beat England . Bristol Younis was not there ."
    found = entities(blank, body, [("M. Atherton", "PERSON", 0), ("Younis", "PERSON", 0), ("Younis", "PERSON", 1)])
    names = {e.name for e in found}
    assert "Waqar Younis" in names
    assert "Bristol Younis" not in names  # no dismissal before it: the word may be a place run into the name


def test_a_hyphen_set_apart_in_tokenised_text_stays_inside_a_name(blank: Language) -> None:
    tokenised = "Shares of Coca - Cola Co. rose in long - term trading , and a state - owned bank sold ."
    found = by_name(entities(blank, tokenised, [("Coca - Cola Co.", "ORG", 0)]))
    assert found["Coca - Cola Co."].label == "ORG"
    # Where hyphens are joined, a spaced one is a dash between a headline's topic and its subject.
    written = "CRICKET - ENGLAND WIN\nA long-term plan and a state-owned bank ."
    assert entities(blank, written, [("CRICKET - ENGLAND", "ORG", 0)]) == []


def test_a_lone_name_in_apposition_to_a_position_is_a_person(blank: Language) -> None:
    body = (
        "Chairing the ceremony was Bilyasainyaur , chairman of the committee .\n"
        "Sony , Mr. Kaye says , will fight . Sony , a maker of radios , grew . Sony , the market leader , gained ."
    )
    labelled = [("Bilyasainyaur", "ORG", 0), ("Sony", "ORG", 0), ("Sony", "ORG", 1), ("Sony", "ORG", 2)]
    found = by_name(entities(blank, body, labelled))
    assert found["Bilyasainyaur"].label == "PERSON"
    # "Mr." begins another name and "maker" is no position; one apposition in three does not overrule the model.
    assert found["Sony"].label == "ORG"
    body = "Google, the market leader, grew. Guajira, and the Venezuelan State of Zulia, met."
    found = by_name(entities(blank, body, [("Google", "ORG", 0), ("Guajira", "ORG", 0)]))
    assert (found["Google"].label, found["Guajira"].label) == ("ORG", "ORG")


def test_a_full_name_the_model_calls_an_organisation_is_a_person_where_it_acts_as_one(blank: Language) -> None:
    body = (
        "Maureen Garrity , spokeswoman for the agency , said prices fell . Garrity , 45 , said so .\n"
        "Lucas Moreira Neves , archbishop of Salvador , arrived .\n"  # a common given name: one mention is enough
        "The world champion Atlanta Braves , with the best record , won .\n"  # one mention, no given name: a team
        "Ask a veteran Fox News correspondent .\n"  # the name only says what kind of correspondent
        "Sales rose , said a Woolworths spokesperson. Costco's store also limited packs .\n"  # another sentence
    )
    labelled = [
        ("Maureen Garrity", "ORG", 0),
        ("Garrity", "ORG", 1),
        ("Lucas Moreira Neves", "ORG", 0),
        ("Atlanta Braves", "ORG", 0),
        ("Fox News", "ORG", 0),
        ("Costco", "ORG", 0),
    ]
    found = by_name(entities(blank, body, labelled))
    assert {name: entity.label for name, entity in found.items()} == {
        "Maureen Garrity": "PERSON",
        "Garrity": "PERSON",  # an age in apposition: "Garrity , 45 ,"
        "Lucas Moreira Neves": "PERSON",
        "Atlanta Braves": "ORG",
        "Fox News": "ORG",
        "Costco": "ORG",
    }


def test_a_nationality_run_into_a_full_name_is_a_name_of_its_own(blank: Language) -> None:
    body = "Frenchman Cedric Pioline beat American Dennis Mitchell . He flew to the Australian Sunshine Coast ."
    labelled = [
        ("Frenchman Cedric Pioline", "ORG", 0),
        ("American Dennis Mitchell", "PERSON", 0),
        ("Australian Sunshine Coast", "ORG", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert found == {
        ("Frenchman", "NORP"),
        ("Cedric Pioline", "PERSON"),
        ("American", "NORP"),
        ("Dennis Mitchell", "PERSON"),
        ("Australian Sunshine Coast", "ORG"),  # a place's name ends so, not a person's
    }


def test_a_club_named_with_its_city_is_also_named_by_its_first_word(blank: Language) -> None:
    body = (
        "Real Madrid drew 1-1 at Deportivo . Roberto Carlos equalised for Real before Real players protested . "
        "The Apple Store opened in Madrid , Apple said ."
    )
    labelled = [
        ("Real Madrid", "ORG", 0),
        ("Roberto Carlos", "PERSON", 0),
        ("Real", "ORG", 2),
        ("Apple Store", "ORG", 0),
        ("Madrid", "GPE", 1),
        ("Apple", "ORG", 1),
    ]
    found = by_name(entities(blank, body, labelled))
    assert found["Real Madrid"].count == 3  # read once by the model as a club, found once more
    assert found["Apple"].count == 1  # a store is no city: Apple is not the Apple Store
    # a place is no club ("New Delhi"), and a club of three words is not called by its first ("Red Star Belgrade")
    body = "Red Star Belgrade met officials in New Delhi . New talks begin as Red fans wait ."
    found = by_name(entities(blank, body, [("Red Star Belgrade", "ORG", 0), ("New Delhi", "GPE", 0)]))
    assert (found["Red Star Belgrade"].count, found["New Delhi"].count) == (1, 1)


def test_two_nationality_words_in_a_row_are_one_group(blank: Language) -> None:
    body = (
        "Iraqi Kurds fled north . An Iranian Kurdish group and Iraqi Airways said so . "
        "Kurds in Iraq , Iranians , Turks and Arabs met . In southeast Turkey Kurds vote . The Iraqi Parliament sat ."
    )
    labelled = [
        ("Iraqi", "NORP", 0),
        ("Kurds", "NORP", 0),
        ("Iranian", "NORP", 0),
        ("Kurdish", "NORP", 0),
        ("Iraqi Airways", "ORG", 0),
        ("Kurds", "NORP", 1),
        ("Iranians", "NORP", 0),
        ("Turks", "NORP", 0),
        ("Turkey", "GPE", 0),
        ("Kurds", "NORP", 2),
        ("Iraqi", "NORP", 2),
        ("Parliament", "ORG", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert found == {
        ("Turkey", "GPE"),  # a country and its people are two names
        ("Parliament", "ORG"),
        ("Iraqi", "NORP"),
        ("Iraqi Kurds", "NORP"),
        ("Iranian Kurdish", "NORP"),
        ("Iraqi Airways", "ORG"),  # an airline: its second word is no nationality
        ("Kurds", "NORP"),
        ("Iraq", "GPE"),
        ("Iranians", "NORP"),  # a comma between two peoples keeps them apart
        ("Turks", "NORP"),
        ("Arabs", "NORP"),  # the model missed it; a nationality alone is found all the same
    }


def test_a_country_in_a_capitalised_headline_is_found_where_the_model_ran_it_into_the_topic(
    blank: Language,
) -> None:
    body = (
        "CRICKET - PAKISTAN WIN TOSS AND CHOOSE TO BAT .\n"
        "The visitors won the toss and chose to bat in Bosnia - Herzegovina , hoping to win .\n"
        "Zimbabwe - Alistair Campbell ( captain ) , Andy Flower"
    )
    labelled = [
        ("CRICKET - PAKISTAN WIN", "ORG", 0),
        ("Bosnia - Herzegovina", "GPE", 0),
        ("Zimbabwe - Alistair Campbell", "PERSON", 0),
        ("Andy Flower", "PERSON", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    # one name across a dash within a line is no country and a name: the model's reading stands
    assert found == {("PAKISTAN", "GPE"), ("Zimbabwe", "GPE"), ("Andy Flower", "PERSON")}
    # in copy that spaces its hyphens, a line may open with a hyphenated name
    body = "Georgia - Pacific 's sales climbed on new - home construction ."
    found = {(e.name, e.label) for e in entities(blank, body, [("Georgia - Pacific", "ORG", 0)])}
    assert found == {("Georgia - Pacific", "ORG")}


def test_an_initial_and_a_surname_outweighs_a_model_span_inside_it(blank: Language) -> None:
    body = "Kent 128-1 ( D. Fulton 53 not out ) v Glamorgan . S. Korea won ."
    labelled = [("D.", "NORP", 0), ("Fulton", "GPE", 0), ("S. Korea", "GPE", 0)]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    # the model read all of "S. Korea": it stands; the scorecard's other side is a team
    assert found == {("D. Fulton", "PERSON"), ("S. Korea", "GPE"), ("Glamorgan", "ORG")}


def test_names_in_results_tables_are_people_whatever_the_model_said(blank: Language) -> None:
    body = (
        "Aamir Sohail c Cork b Croft 46\n"
        "2 - Monica Seles ( U.S. ) beat Laurence Courtois ( Belgium ) 6-0 6-1\n"
        "Belgium - 1 - Filip De Wilde , 2 - Bertrand Crasson , 3 - Dirk Medved\n"
    )
    labelled = [("Cork", "GPE", 0), ("2 - Monica Seles", "PERCENT", 0), ("Laurence Courtois ( Belgium", "ORG", 0)]
    people = {e.name for e in entities(blank, body, labelled) if e.label == "PERSON"}
    assert people == {
        "Aamir Sohail",
        "Cork",
        "Croft",
        "Monica Seles",
        "Laurence Courtois",
        "Filip De Wilde",
        "Bertrand Crasson",
        "Dirk Medved",
    }


def test_a_nationality_alone_is_a_nationality_and_a_country_no_nationality(blank: Language) -> None:
    body = "Slovak officials met . The Briton won . Jordan Michael Jones spoke in English , according to The Scotsman ."
    labelled = [
        ("Slovak", "ORG", 0),
        ("Briton", "PERSON", 0),
        ("Jordan Michael Jones", "PERSON", 0),
        ("English", "LANGUAGE", 0),
        ("Scotsman", "ORG", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert found == {
        ("Slovak", "NORP"),
        ("Briton", "NORP"),
        ("Jordan Michael Jones", "PERSON"),  # "Jordan" is a country, not a word for its people: no split
        ("English", "LANGUAGE"),  # the language the model said it was
        ("Scotsman", "ORG"),  # "The" inside a sentence: a newspaper's title
    }


def test_a_surname_that_is_a_title_is_found_where_the_model_took_it_for_one(blank: Language) -> None:
    body = 'Captain Billie Jean King spoke . " We will win , " said King . King Sihanouk of Cambodia was there .'
    labelled = [("Billie Jean King", "PERSON", 0), ("King", "PERSON", 1), ("Sihanouk", "PERSON", 0)]
    found = by_name(entities(blank, body, labelled))
    assert [m.text for m in found["Billie Jean King"].mentions] == ["Billie Jean King", "King"]  # not "King Sihanouk"


def test_a_report_s_own_words_are_no_names(blank: Language) -> None:
    body = (
        "SOCCER - DUTCH FIRST DIVISION RESULTS / STANDINGS .\nHalftime 1-1 .\nAttendance 8,000\nJul 31 .\n"
        "Ajax beat PSV ."
    )
    labelled = [
        ("RESULTS / STANDINGS", "ORG", 0),
        ("Halftime 1-1", "EVENT", 0),
        ("Attendance", "ORG", 0),
        ("Jul", "ORG", 0),
        ("Ajax", "ORG", 0),
        ("PSV", "ORG", 0),
    ]
    assert {e.name for e in entities(blank, body, labelled)} == {"DUTCH", "Ajax", "PSV"}  # the headline's nationality


def test_major_or_premier_ranks_a_competition(blank: Language) -> None:
    body = "BASEBALL - MAJOR LEAGUE STANDINGS .\nResults of Major League\nChicago 5 Boston 2\nMajor Smith spoke ."
    found = {(m.text, e.label) for e in entities(blank, body, []) for m in e.mentions}
    assert {("MAJOR LEAGUE", "EVENT"), ("Major League", "EVENT")} <= found
    assert not any("Smith" in text for text, _ in found)  # a rank before a person is his title


def test_a_name_most_often_after_a_place_word_is_a_place(blank: Language) -> None:
    body = (
        "Police in the port of Whittier said on Thursday . Whittier is small .\n"
        "Karak rose . The Karak rally ended .\nThe office of Tom Jones said so ."
    )
    labelled = [("Whittier", "ORG", 0), ("Whittier", "ORG", 1), ("Karak", "ORG", 0), ("Tom Jones", "PERSON", 0)]
    found = {e.name: e.label for e in entities(blank, body, labelled)}
    # "Karak" never follows a place word; "office of" is none
    assert found == {"Whittier": "GPE", "Karak": "ORG", "Tom Jones": "PERSON"}


def test_a_name_in_brackets_after_a_player_in_a_squad_is_the_player_s_club(blank: Language) -> None:
    body = (
        "Strikers - Yvan Quentin ( Sion ) , Murat Yakin ( Grasshoppers ) .\n"
        "1. Ato Boldon ( Trinidad ) 19.99\n2. Paddy Lad 16-1 ( Peter Bloomfield ) ,\nPrices in Sion rose .\n"
        "The show starred Farfur ( Butterfly ) , a mouse .\nSam Brownback ( R-Kansas ) , Joe Biden ( D-Del ) voted ."
    )
    labelled = [
        ("Yvan Quentin", "PERSON", 0),
        ("Sion", "GPE", 0),
        ("Murat Yakin", "PERSON", 0),
        ("Grasshoppers", "GPE", 0),
        ("Ato Boldon", "PERSON", 0),
        ("Trinidad", "GPE", 0),
        ("Paddy Lad", "PERSON", 0),
        ("Peter Bloomfield", "PERSON", 0),
        ("Farfur", "PERSON", 0),
        ("Sam Brownback", "PERSON", 0),
        ("Joe Biden", "PERSON", 0),
    ]
    found = {(m.text, e.label) for e in entities(blank, body, labelled) for m in e.mentions}
    assert {("Sion", "ORG"), ("Grasshoppers", "ORG")} <= found
    # a results row goes on with figures: a country, however written; a jockey is a person
    assert {("Trinidad", "GPE"), ("Peter Bloomfield", "PERSON")} <= found
    # one bracket in prose is another name, not a list of clubs; a politician's party and state are no club
    assert not {text for text, label in found if label == "ORG"} & {"Butterfly", "R-Kansas", "D-Del"}


@pytest.mark.timeout(60)
def test_a_hostile_run_of_initials_is_read_in_linear_time(blank: Language) -> None:
    # A 100,000-character "name" of initials that never ends as one, on each kind of line: every parser gives it
    # up at once instead of retrying every way to split it (minutes before; about a second now, model aside).
    run = "A." * 50_000
    body = f"Bowling : {run}!\n{run}! c Smith b Jones 4\n-- {run} Desk\nPaddy Lad ( {run} ) ,"
    started = time.monotonic()
    entities(blank, body, [])
    assert time.monotonic() - started < 10


@pytest.mark.timeout(60)
def test_a_hostile_span_the_model_runs_on_is_trimmed_in_linear_time(blank: Language) -> None:
    # A span of a name and 100,000 lower-case words, hyphens or figures: its tail is dropped word by word, each
    # looked for near the end, not by rescanning the whole span (minutes before; well under a second now).
    for tail in (" a", " -", " 1"):
        body = "Chen" + tail * 100_000
        started = time.monotonic()
        found = entities(blank, body, [(body, "PERSON", 0)])
        assert time.monotonic() - started < 10
        assert [e.name for e in found] == ["Chen"]


def test_a_place_a_match_report_has_play_is_a_team_in_every_mention_but_where_it_hosts(blank: Language) -> None:
    body = (
        "Leicestershire beat Somerset by an innings .\nTrailing by 213 , Somerset got a solid start .\n"
        "In Detroit , Tony Clark homered for Detroit .\nThe Toronto Blue Jays lost 6-5 to the Cleveland Indians ."
    )
    labelled = [
        ("Leicestershire", "GPE", 0),
        ("Somerset", "GPE", 0),
        ("Somerset", "GPE", 1),
        ("Detroit", "GPE", 0),
        ("Tony Clark", "PERSON", 0),
        ("Detroit", "GPE", 1),
        ("Toronto Blue Jays", "ORG", 0),
        ("Cleveland", "GPE", 0),
        ("Indians", "NORP", 0),
    ]
    found = [(e.name, e.label, e.count) for e in entities(blank, body, labelled)]
    assert ("Somerset", "ORG", 2) in found  # beaten once, a team wherever named
    assert ("Leicestershire", "ORG", 1) in found
    assert {("Detroit", "ORG", 1), ("Detroit", "GPE", 1)} <= set(found)  # it plays once, hosts once
    assert ("Cleveland Indians", "ORG", 1) in found
    assert not any(name == "Indians" for name, _, _ in found)


def test_a_given_name_s_syllable_set_apart_by_a_hyphen_stays_in_the_name(blank: Language) -> None:
    body = "President Chen Shui - bian met Kim Jong - il . The Bank of Japan yen - support rose ."
    labelled = [
        ("Chen Shui - bian", "PERSON", 0),
        ("Kim Jong - il", "PERSON", 0),
        ("Bank of Japan yen - support", "ORG", 0),
    ]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    # lower-case words after a name end it, and a hyphen left at the end goes with them
    assert found == {("Chen Shui - bian", "PERSON"), ("Kim Jong - il", "PERSON"), ("Bank of Japan", "ORG")}
    # in prose, where hyphens join words ("well-known"), a spaced hyphen is a dash
    prose = (
        "Flags at the King Center - the well-known, long-standing, state-run site - flew. Abu Sayyaf - ranked first."
    )
    labelled = [("King Center - the", "FAC", 0), ("Abu Sayyaf - ranked", "ORG", 0)]
    assert {e.name for e in entities(blank, prose, labelled)} == {"King Center", "Abu Sayyaf"}


def test_a_name_the_text_calls_a_town_is_a_place_in_every_mention(blank: Language) -> None:
    body = (
        "The days of the sailing ships are gone from Pali .\nPali began to give way to Tanshui .\n"
        "Can the people of Pali survive ?\nThe people of Africa watched .\nAfrica is far ."
    )
    labelled = [
        ("Pali", "ORG", 0),
        ("Pali", "ORG", 1),
        ("Pali", "PERSON", 2),
        ("Tanshui", "GPE", 0),
        ("Africa", "LOC", 0),
        ("Africa", "LOC", 1),
    ]
    found = {(e.name, e.label, e.count) for e in entities(blank, body, labelled)}
    assert ("Pali", "GPE", 3) in found  # outvoted by the model two to one, but the text calls it a town
    assert ("Africa", "LOC", 2) in found  # which kind of place stays the model's reading


def test_a_team_named_for_a_town_stays_a_team_where_the_text_calls_the_town_a_town(blank: Language) -> None:
    body = "Taibe beat Maccabi Haifa 2-1 .\nThe dusty town of Taibe lacks a stadium ."
    labelled = [("Taibe", "GPE", 0), ("Maccabi Haifa", "ORG", 0), ("Taibe", "ORG", 1)]
    found = {(e.name, e.label, e.count) for e in entities(blank, body, labelled)}
    assert {("Taibe", "ORG", 1), ("Taibe", "GPE", 1)} <= found


def test_a_byline_is_the_reporter_whatever_the_model_read(blank: Language) -> None:
    body = "Tajik troops control town .\nYuri Kushko\nTAVILDARA , Tajikistan 1996-08-30\nTajik troops took the town ."
    labelled = [("Yuri Kushko", "ORG", 0), ("TAVILDARA", "GPE", 0), ("Tajikistan", "GPE", 0)]
    found = {(e.name, e.label) for e in entities(blank, body, labelled)}
    assert ("Yuri Kushko", "PERSON") in found
    assert ("Yuri Kushko", "ORG") not in found


def test_a_company_s_short_name_joins_its_legal_name_and_is_the_company(blank: Language) -> None:
    body = "Triton Corp. cut jobs. Triton said sales fell. Officials of Triton declined to comment."
    found = entities(blank, body, [("Triton Corp.", "ORG", 0), ("Triton", "GPE", 1), ("Triton", "PERSON", 2)])
    assert [(e.name, e.label, e.aliases, e.count) for e in found] == [("Triton Corp.", "ORG", ["Triton"], 3)]
    body = "Electric Sheep Co. makes games. Electric Sheep grew. Dow Jones & Co. said Dow Jones grew."
    found = entities(
        blank,
        body,
        [
            ("Electric Sheep Co.", "ORG", 0),
            ("Electric Sheep", "PERSON", 1),
            ("Dow Jones & Co.", "ORG", 0),
            ("Dow Jones", "PERSON", 1),
        ],
    )
    assert {(e.name, e.label, e.count) for e in found} == {
        ("Electric Sheep Co.", "ORG", 2),
        ("Dow Jones & Co.", "ORG", 2),
    }
    # The model read every form as a person; the legal form (with its dots) says it is a company, even where the
    # fullest name the text gives is another one ("Pirelli Cables").
    body = "Cofinec S.A. fell. Cofinec rose. Pirelli SpA sat. Pirelli Cables grew. Pirelli Cables hired. Pirelli won."
    found = entities(
        blank,
        body,
        [
            ("Cofinec S.A.", "PERSON", 0),
            ("Cofinec", "PERSON", 1),
            ("Pirelli SpA", "PERSON", 0),
            ("Pirelli Cables", "PERSON", 0),
            ("Pirelli Cables", "PERSON", 1),
            ("Pirelli", "PERSON", 3),
        ],
    )
    assert {(e.name, e.label, e.count) for e in found} == {("Cofinec S.A.", "ORG", 2), ("Pirelli Cables", "ORG", 4)}


@pytest.mark.parametrize(
    ("body", "labelled", "apart"),
    [
        # The model's span missed the company's own name: the country stays the country.
        (
            "Vodafone bought ihug New Zealand Ltd. New Zealand approved it.",
            [("New Zealand Ltd.", "ORG", 0), ("New Zealand", "GPE", 1)],
            ("New Zealand", "GPE"),
        ),
        # A nationality before a legal form is no company's name.
        (
            "Elan was the largest Irish PLC. Irish investors sold.",
            [("Irish PLC", "ORG", 0), ("Irish", "NORP", 1)],
            ("Irish", "NORP"),
        ),
        # The founder, introduced by a given name, is not the company named for him.
        (
            "Antony Todd , the designer of Antony Todd Inc. , spoke. Antony Todd smiled.",
            [("Antony Todd", "PERSON", 0), ("Antony Todd Inc.", "ORG", 0), ("Antony Todd", "PERSON", 2)],
            ("Antony Todd", "PERSON"),
        ),
        # A family in the story shares the company's name: the short name is left to the model.
        (
            "The Walt Disney Company met Roy E. Disney , nephew of the namesake Walt Disney .",
            [("Walt Disney Company", "ORG", 0), ("Roy E. Disney", "PERSON", 0), ("Walt Disney", "PERSON", 1)],
            ("Walt Disney", "PERSON"),
        ),
        # A short name already the surname of a person in the text stays the person's.
        (
            "William Farley spoke. Mr. Farley 's holding company , Farley Inc. , sold shares. Farley smiled.",
            [("William Farley", "PERSON", 0), ("Farley Inc.", "ORG", 0), ("Farley", "PERSON", 1)],
            ("William Farley", "PERSON"),
        ),
    ],
)
def test_a_short_name_that_is_not_the_company_s_stays_apart(
    blank: Language, body: str, labelled: list[tuple[str, str, int]], apart: tuple[str, str]
) -> None:
    found = by_name(entities(blank, body, labelled))
    name, label = apart
    assert found[name].label == label
    assert not any(entity.label == "ORG" and name in entity.aliases for entity in found.values())


def test_a_name_given_an_age_is_a_person_whatever_place_the_model_read(blank: Language) -> None:
    body = "Duran , 45 , takes on Ariel Cruz. Duran told Reuters he is fit. Duran trains in Panama."
    found = by_name(entities(blank, body, [("Duran", "GPE", 0), ("Duran", "GPE", 1), ("Duran", "LOC", 2)]))
    assert (found["Duran"].label, found["Duran"].count) == ("PERSON", 3)
    body = "Bishop Gutierrez of the Marbel diocese in the Philippines , 79 , died. The Philippines mourned."
    found = by_name(entities(blank, body, [("Philippines", "GPE", 0), ("Philippines", "GPE", 1)]))
    assert found["Philippines"].label == "GPE"


def test_one_company_written_with_two_legal_forms_is_one_entity(blank: Language) -> None:
    body = "News Corp. bid for Dow Jones. News Corporation said the bid was final."
    found = entities(blank, body, [("News Corp.", "ORG", 0), ("News Corporation", "ORG", 0)])
    assert next((e.label, e.count, sorted([e.name, *e.aliases])) for e in found if e.label == "ORG") == (
        "ORG",
        2,
        ["News Corp.", "News Corporation"],
    )


def test_a_company_s_first_word_is_its_short_name(blank: Language) -> None:
    # Read by the model as a person or an organisation: the company. Missed by the model: found, as the company.
    body = (
        "Arch Petroleum Inc said output rose. Arch owns a stake. Analysts like Arch.\n"
        "Best Products Co posted a loss. Best emerged from bankruptcy. Levy said Best planned stores."
    )
    labelled = [
        ("Arch Petroleum Inc", "ORG", 0),
        ("Arch", "PERSON", 1),
        ("Arch", "ORG", 2),
        ("Best Products Co", "ORG", 0),
    ]
    found = by_name(entities(blank, body, labelled))
    assert (found["Arch Petroleum Inc"].label, found["Arch Petroleum Inc"].count) == ("ORG", 3)
    assert (found["Best Products Co"].label, found["Best Products Co"].count) == ("ORG", 3)
    assert "Arch" not in found and "Best" not in found


@pytest.mark.parametrize(
    ("body", "labelled", "word"),
    [
        # The article writes the word as a common word: it is not searched for.
        (
            "Life Insurance Co. of Georgia sells life policies. Life is short.",
            [("Life Insurance Co.", "ORG", 0)],
            "Life",
        ),
        # A place the model saw stays a place.
        (
            "Boston Scientific Corp. grew. Boston voters met.",
            [("Boston Scientific Corp.", "ORG", 0), ("Boston", "GPE", 1)],
            "Boston",
        ),
        # A person in the story bears the name.
        (
            "Ford Motor Co. said Henry Ford would speak. Ford smiled.",
            [("Ford Motor Co.", "ORG", 0), ("Henry Ford", "PERSON", 0), ("Ford", "PERSON", 2)],
            "Ford",
        ),
        # Two companies start with the word: which one is meant is not known.
        (
            "Texas Instruments Inc. and Texas Industries Inc. met. Texas Instruments said so. Texas grew.",
            [("Texas Instruments Inc.", "ORG", 0), ("Texas Industries Inc.", "ORG", 0), ("Texas", "ORG", 3)],
            "Texas",
        ),
    ],
)
def test_a_first_word_that_is_not_the_company_s_stays_apart(
    blank: Language, body: str, labelled: list[tuple[str, str, int]], word: str
) -> None:
    found = entities(blank, body, labelled)
    companies = [e for e in found if " " in e.name and e.label == "ORG"]
    assert companies
    assert not any(word in e.aliases for e in companies)
    assert all(len(e.mentions) == sum(1 for lab in labelled if lab[0] == e.name) for e in companies)


def test_an_acronym_with_small_letters_joins_its_name(blank: Language) -> None:
    body = "The Ministry of Defence ( MoD ) said so. The MoD denied it. Bank of America ( BoA ) rose. BoA fell."
    labelled = [("Ministry of Defence", "ORG", 0), ("MoD", "ORG", 1), ("Bank of America", "ORG", 0)]
    found = by_name(entities(blank, body, labelled))
    assert (found["Ministry of Defence"].count, found["Ministry of Defence"].aliases) == (3, ["MoD"])
    assert (found["Bank of America"].count, found["Bank of America"].aliases) == (3, ["BoA"])


def test_an_airline_is_not_a_person_unless_a_title_says_so(blank: Language) -> None:
    body = "Indonesia grounded Adam Air. Adam Air denied it. Royal Marine Captain Chris Air spoke."
    found = by_name(
        entities(blank, body, [("Adam Air", "PERSON", 0), ("Adam Air", "PERSON", 1), ("Chris Air", "PERSON", 0)])
    )
    assert (found["Adam Air"].label, found["Chris Air"].label) == ("ORG", "PERSON")


def test_a_position_in_apposition_before_a_name_makes_a_person(blank: Language) -> None:
    body = (
        "The Prime Minister of Italy, Mario Monti, replied. "
        "The main opposition candidate, Morgan Tsvangirai, pulled out. He and his wife , Tipper , arrived. "
        "Co-chair Ruben Barrales said so. Prachanda , leader of the rebels , spoke."
    )
    labelled = [
        ("Mario Monti", "ORG", 0),
        ("Morgan Tsvangirai", "ORG", 0),
        ("Prachanda", "ORG", 0),
        ("Tipper", "ORG", 0),
        ("Ruben Barrales", "ORG", 0),
    ]
    found = by_name(entities(blank, body, labelled))
    assert {
        name: found[name].label
        for name in ("Mario Monti", "Morgan Tsvangirai", "Prachanda", "Tipper", "Ruben Barrales")
    } == {
        "Prachanda": "PERSON",
        "Mario Monti": "PERSON",
        "Morgan Tsvangirai": "PERSON",
        "Tipper": "PERSON",
        "Ruben Barrales": "PERSON",
    }
    # A capitalised title listed before one word is a division, not its holder; a market leader is a company.
    body = "Bombardier President, Transportation, Andre Navarri spoke. Intel , the market leader in chips , grew."
    found = by_name(entities(blank, body, [("Transportation", "ORG", 0), ("Intel", "ORG", 0)]))
    assert (found["Transportation"].label, found["Intel"].label) == ("ORG", "ORG")


def test_a_calling_opening_a_sentence_is_not_part_of_the_name(blank: Language) -> None:
    body = (
        "Guitarist Eddie Van Halen died. Composer Marc Marder wrote it. Mother Mary Angelica prayed. Coach Carter won."
    )
    labelled = [
        ("Guitarist Eddie Van Halen", "PERSON", 0),
        ("Composer Marc Marder", "PERSON", 0),
        ("Mother Mary Angelica", "PERSON", 0),
        ("Coach Carter", "PERSON", 0),
    ]
    names = {e.name for e in entities(blank, body, labelled)}
    # A kinship word is a religious title as often ("Mother Mary Angelica"); before one word, a calling may be the
    # name's own first word (the film "Coach Carter").
    assert names == {"Eddie Van Halen", "Marc Marder", "Mother Mary Angelica", "Coach Carter"}


def test_a_full_name_with_and_without_middle_names_is_one_person(blank: Language) -> None:
    body = (
        "John G. Roberts was named. John Roberts smiled. John Conyers died. John James Conyers Jr. served long. "
        "George Bush spoke; George W. Bush and George H. W. Bush met."
    )
    labelled = [
        ("John G. Roberts", "PERSON", 0),
        ("John Roberts", "PERSON", 0),
        ("John Conyers", "PERSON", 0),
        ("John James Conyers Jr.", "PERSON", 0),
        ("George Bush", "PERSON", 0),
        ("George W. Bush", "PERSON", 0),
        ("George H. W. Bush", "PERSON", 0),
    ]
    found = by_name(entities(blank, body, labelled))
    assert (found["John G. Roberts"].count, found["John G. Roberts"].aliases) == (2, ["John Roberts"])
    assert (found["John James Conyers Jr."].count, found["John James Conyers Jr."].aliases) == (2, ["John Conyers"])
    # Two people with the same given name and surname: which one the plain name is is not known.
    assert {"George Bush", "George W. Bush", "George H. W. Bush"} <= set(found)


def test_a_person_with_a_generation_is_called_by_the_surname_before_it(blank: Language) -> None:
    body = "Robert Downey Jr. starred. Downey said so. Later , Downey left."
    found = entities(blank, body, [("Robert Downey Jr.", "PERSON", 0), ("Downey", "ORG", 1)])
    assert [(e.name, e.label, e.count) for e in found] == [("Robert Downey Jr.", "PERSON", 3)]
    # Found where the model saw only the full name.
    found = entities(blank, body, [("Robert Downey Jr.", "PERSON", 0)])
    assert [(e.name, e.label, e.count) for e in found] == [("Robert Downey Jr.", "PERSON", 3)]
    # A company named for the family keeps its short name: "Ford" of "Ford Motor Co.", not of its chairman.
    body = "Ford Motor Co. named William Clay Ford Jr. chairman. Ford cut jobs. Ford sold cars."
    labelled = [
        ("Ford Motor Co.", "ORG", 0),
        ("William Clay Ford Jr.", "PERSON", 0),
        ("Ford", "ORG", 2),
        ("Ford", "ORG", 3),
    ]
    named = by_name(entities(blank, body, labelled))
    assert named["William Clay Ford Jr."].count == 1


def test_a_religion_is_a_religious_group_not_an_organisation(blank: Language) -> None:
    body = "He converted to Islam in 2001. Islam forbids it, the Nation of Islam said."
    labelled = [("Islam", "ORG", 0), ("Islam", "GPE", 1), ("Nation of Islam", "ORG", 0)]
    found = by_name(entities(blank, body, labelled))
    assert (found["Islam"].label, found["Islam"].count) == ("NORP", 2)
    assert found["Nation of Islam"].label == "ORG"


def test_an_institution_s_name_without_its_country_is_its_short_name(blank: Language) -> None:
    body = "The United States Senate voted. The Senate adjourned. The British Parliament met. Parliament rose."
    labelled = [
        ("United States Senate", "ORG", 0),
        ("Senate", "ORG", 1),
        ("British Parliament", "ORG", 0),
        ("Parliament", "ORG", 1),
    ]
    found = by_name(entities(blank, body, labelled))
    assert (found["United States Senate"].count, found["United States Senate"].aliases) == (2, ["Senate"])
    assert (found["British Parliament"].count, found["British Parliament"].aliases) == (2, ["Parliament"])


def test_a_name_a_country_only_runs_into_or_two_countries_share_stays_apart(blank: Language) -> None:
    body = (
        "A Greek YouTube ban began. YouTube objected. "
        "The Chinese Communist Party and the Vietnamese Communist Party met. The Communist Party said so."
    )
    labelled = [
        ("Greek YouTube", "ORG", 0),
        ("YouTube", "ORG", 1),
        ("Chinese Communist Party", "ORG", 0),
        ("Vietnamese Communist Party", "ORG", 0),
        ("Communist Party", "ORG", 2),
    ]
    found = by_name(entities(blank, body, labelled))
    assert {"YouTube", "Communist Party"} <= set(found)


def test_the_olympics_are_an_event_however_the_text_names_them(blank: Language) -> None:
    body = "The Olympic champion won. Beijing hosts the Olympics. The Olympic Games open."
    labelled = [("Olympic", "GPE", 0), ("Olympics", "ORG", 0), ("Olympic Games", "EVENT", 0), ("Beijing", "GPE", 0)]
    found = [e for e in entities(blank, body, labelled) if e.name != "Beijing"]
    assert [(e.label, e.count) for e in found] == [("EVENT", 3)]


def test_a_people_s_plural_or_two_word_name_is_a_nationality(blank: Language) -> None:
    body = "Sri Lankan rebels attacked. Bosnians voted abroad. Pope Francis spoke. The Britons left."
    labelled = [("Sri Lankan", "PERSON", 0), ("Bosnians", "ORG", 0), ("Francis", "PERSON", 0), ("Britons", "ORG", 0)]
    found = by_name(entities(blank, body, labelled))
    assert {name: entity.label for name, entity in found.items()} == {
        "Sri Lankan": "NORP",
        "Bosnians": "NORP",
        "Francis": "PERSON",  # no "Franci" of France
        "Britons": "NORP",
    }


def test_a_people_whose_word_is_not_its_country_s_name_is_a_nationality(blank: Language) -> None:
    body = "Welsh pubs opened. Chechens fought. The Tajik leader and Tamils met Syrian envoys, Hutu and Druze."
    names = ("Welsh", "Chechens", "Tajik", "Tamils", "Syrian", "Hutu", "Druze")
    found = by_name(entities(blank, body, [(name, "ORG", 0) for name in names]))
    assert {name: found[name].label for name in names} == dict.fromkeys(names, "NORP")


def test_a_grand_slam_is_an_event_but_a_headline_s_capitals_are_not_searched_for_it(blank: Language) -> None:
    body = "TENNIS - EDBERG EXTENDS GRAND SLAM RUN .\nEdberg played his 54th Grand Slam event , a run of wins ."
    found = by_name(entities(blank, body, [("EDBERG", "PERSON", 0), ("Grand Slam", "GPE", 0)]))
    assert found["Grand Slam"].label == "EVENT"
    assert not any("EXTENDS" in name for name in found)


def test_an_arabic_surname_is_the_same_without_its_article(blank: Language) -> None:
    body = "Ayman al-Zawahiri spoke. Zawahiri threatened the West."
    found = by_name(entities(blank, body, [("Ayman al-Zawahiri", "PERSON", 0), ("Zawahiri", "ORG", 1)]))
    assert (found["Ayman al-Zawahiri"].label, found["Ayman al-Zawahiri"].count) == ("PERSON", 2)


def test_a_shorter_name_the_model_read_as_an_organisation_joins_the_person(blank: Language) -> None:
    body = "Nana Addo Dankwa Akufo-Addo conceded. Nana Akufo-Addo thanked voters."
    labelled = [("Nana Addo Dankwa Akufo-Addo", "PERSON", 0), ("Nana Akufo-Addo", "ORG", 0)]
    found = entities(blank, body, labelled)
    assert [(e.name, e.label, e.count) for e in found] == [("Nana Addo Dankwa Akufo-Addo", "PERSON", 2)]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Shares in Spanish oil and chemicals group Repsol rose.", "Repsol"),
        ("Dealers cited investment banks Merrill Lynch and SBC Warburg.", "SBC Warburg"),
        ("Shares in Gazprom fell on Tuesday.", "Gazprom"),
        ("Investors bought Repsol shares.", "Repsol"),
        ("Investors sold Repsol stock.", "Repsol"),
        ('" Sales rose , " Kekkila said in its interim report.', "Kekkila"),
        ("In 1995 , Kekkila reported a loss of 5.6 million markka.", "Kekkila"),
        ("In the first half , Kekkila posted a profit.", "Kekkila"),
        ("Gazprom issued a statement on Tuesday.", "Gazprom"),
        ("An explosion at Repsol 's refinery killed four workers.", "Repsol"),
        ("The contract area is held with Pertamina , the Indonesian state oil company .", "Pertamina"),
    ],
)
def test_a_name_the_text_speaks_of_as_a_company_is_the_company(blank: Language, body: str, name: str) -> None:
    labelled = [(name, "GPE", 0)] + ([("Merrill Lynch", "ORG", 0)] if "Merrill" in body else [])
    assert by_name(entities(blank, body, labelled))[name].label == "ORG"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Shares in Frankfurt closed higher.", "Frankfurt"),  # GeoNames' other name of Frankfurt am Main
        ("Shares in Koeln closed higher.", "Koeln"),
        ("Nigeria 's refinery at Warri burned.", "Nigeria"),
        ("Japanese companies are increasing their stake in America 's smaller businesses.", "America"),
        ("Kekkila won the match and sold tickets.", "Kekkila"),  # no company's words around it
    ],
)
def test_a_known_place_or_a_name_with_no_company_s_words_stays_a_place(blank: Language, body: str, name: str) -> None:
    assert by_name(entities(blank, body, [(name, "GPE", 0)]))[name].label == "GPE"


def test_a_country_is_a_person_s_surname_only_after_a_given_name(blank: Language) -> None:
    title = "Disarming Iraq"
    body = "Inspectors will spend days in Iraq. The council asked Iraq to stop blocking them."
    found = entities(blank, body, [("Disarming Iraq", "PERSON", 0), ("Iraq", "GPE", 1), ("Iraq", "GPE", 2)], title)
    assert by_name(found)["Iraq"].label == "GPE"
    assert by_name(found)["Iraq"].count == 2
    body = "Police caught Trevor Holland on Friday. A member of the public recognised Holland in a shop."
    found = entities(blank, body, [("Trevor Holland", "PERSON", 0), ("Holland", "GPE", 1)])
    assert [(e.name, e.label, e.count) for e in found] == [("Trevor Holland", "PERSON", 2)]


@pytest.mark.parametrize(
    ("body", "name", "label"),
    [
        ("Senior Sergeant Dave Pearson of Auckland police said the gunman was caught.", "Auckland", "GPE"),
        ("Rain drenched the Punjab provincial capital.", "Punjab", "GPE"),  # a province
        # Each also names a province somewhere, but is shaped like a people's word.
        ("Stalinist rule ended in the Balkan country.", "Balkan", "NORP"),
        ("Brits flocked to the beaches.", "Brits", "NORP"),
        ("Western nations criticised the vote.", "Western", "NORP"),
    ],
)
def test_a_large_city_or_a_province_read_as_a_people_is_the_place(
    blank: Language, body: str, name: str, label: str
) -> None:
    assert by_name(entities(blank, body, [(name, "NORP", 0)]))[name].label == label


@pytest.mark.parametrize(
    ("body", "name", "read_as", "label"),
    [
        ("Jordanian PM Kabariti meets Arafat in the West Bank.", "Kabariti", "GPE", "PERSON"),
        ("Police had contacted Mr. Sadiki , the group said.", "Sadiki", "ORG", "PERSON"),
        ("They examined the skull of King Hintsa , a Xhosa chief.", "Hintsa", "ORG", "PERSON"),
        ("The aircraft overshot the runway around 7:38 pm IST on Friday.", "IST", "ORG", "ORG"),
        ("No one is above the law , including the President. Congress should act.", "Congress", "ORG", "ORG"),
        ("We need the collaboration of the DR Congo and the UN , she said.", "Congo", "GPE", "GPE"),
    ],
)
def test_one_word_after_a_person_s_title_is_a_person(
    blank: Language, body: str, name: str, read_as: str, label: str
) -> None:
    assert by_name(entities(blank, body, [(name, read_as, 0)]))[name].label == label
