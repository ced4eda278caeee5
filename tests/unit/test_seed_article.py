"""Every rule of seed-article.expected.json, asserted against `Enricher.enrich` on the seed article."""

import json
from typing import Any

import pytest

from devstack.workspace import SEED_EXPECTED
from services.enrich.nlp.enrichment import ArticleText, Enricher
from shared.documents import Enrichment, Entity

EXPECTED: dict[str, Any] = json.loads(SEED_EXPECTED.read_text())
PLACES = ("GPE", "LOC")


@pytest.fixture(scope="module")
def enrichment(enricher: Enricher, seed_article: ArticleText) -> Enrichment:
    return enricher.enrich(seed_article)


def _named(enrichment: Enrichment, name: str, label: str) -> Entity:
    matches = [e for e in enrichment.entities if e.label == label and (e.name == name or name in e.aliases)]
    assert len(matches) == 1, f"{name} ({label}): {[(e.name, e.label) for e in enrichment.entities]}"
    return matches[0]


def test_byline_is_not_part_of_the_body(seed_article: ArticleText) -> None:
    assert seed_article.title == EXPECTED["metadata"]["title"]
    assert "March 17, 2023" not in seed_article.body
    assert seed_article.body.startswith("China is concerned over the escalation")


@pytest.mark.parametrize("rule", EXPECTED["entities"]["must"], ids=lambda rule: rule["name"])
def test_must_entity(enrichment: Enrichment, rule: dict[str, Any]) -> None:
    entity = _named(enrichment, rule["name"], rule["label"])
    assert entity.name == rule["name"]
    assert set(rule["aliases"]) <= set(entity.aliases)
    assert entity.count >= rule["min_mentions"]
    assert entity.count == len(entity.mentions)


@pytest.mark.parametrize("rule", EXPECTED["entities"]["should"], ids=lambda rule: rule["name"])
def test_should_entity(enrichment: Enrichment, rule: dict[str, Any]) -> None:
    entity = _named(enrichment, rule["name"], rule["label"])
    assert set(rule["aliases"]) <= {entity.name, *entity.aliases}


def test_china_excludes_one_china(enrichment: Enrichment, seed_article: ArticleText) -> None:
    china = _named(enrichment, "China", "GPE")
    for mention in china.mentions:
        text = seed_article.body if mention.field == "body" else seed_article.title
        assert not text[: mention.start].endswith("one-")
    assert "one-China" in seed_article.body


@pytest.mark.parametrize(
    "rule", EXPECTED["entities"]["must_not"], ids=lambda rule: f"{rule['text']}-{rule.get('label')}"
)
def test_must_not(enrichment: Enrichment, rule: dict[str, Any]) -> None:
    text = rule["text"]
    carriers = [e for e in enrichment.entities if text in (e.name, *(m.text for m in e.mentions))]
    if rule.get("as_separate_entity"):
        assert all(e.name != text for e in enrichment.entities)
        assert len(carriers) == 1 and len(carriers[0].name) > len(text)
    elif "label" in rule:
        assert all(e.label != rule["label"] for e in carriers)
    else:
        assert carriers == []


def test_every_kuleba_and_qin_mention_resolves_to_the_person(enrichment: Enrichment) -> None:
    for short, full in (("Kuleba", "Dmytro Kuleba"), ("Qin", "Qin Gang")):
        owners = {e.name for e in enrichment.entities for m in e.mentions if m.text == short}
        assert owners == {full}


def test_summary(enrichment: Enrichment, seed_article: ArticleText) -> None:
    rule = EXPECTED["summary"]
    assert enrichment.summary is not None
    sentences = [seed_article.body[s.start : s.end] for s in enrichment.summary.sentences]
    assert any(sentence.startswith(rule["must_contain_sentence_starting_with"]) for sentence in sentences)
    assert 1 <= len(sentences) <= rule["max_sentences"]


def test_salience_order(enrichment: Enrichment) -> None:
    rule = EXPECTED["salience"]
    persons = [e.name for e in enrichment.entities if e.label == "PERSON"]
    ranked = sorted(enrichment.entities, key=lambda e: -e.salience)
    assert [e.name for e in ranked if e.label == "PERSON"][: len(rule["top_persons_in_order"])] == rule[
        "top_persons_in_order"
    ]
    assert persons[:2] == rule["top_persons_in_order"]  # the list itself is ordered by salience
    places = [e.name for e in ranked if e.label in PLACES]
    assert set(rule["top_places_include"]) <= set(places[: len(rule["top_places_include"])])


def test_entity_ids_are_readable_and_unique(enrichment: Enrichment) -> None:
    ids = [e.id for e in enrichment.entities]
    assert len(ids) == len(set(ids))
    assert {"person:qin-gang", "person:dmytro-kuleba", "gpe:china", "gpe:ukraine"} <= set(ids)


def test_no_dates_or_numbers_are_entities(enrichment: Enrichment) -> None:
    names = {e.name for e in enrichment.entities}
    assert not names & {"Thursday", "the past 31 years", "an early date", "one"}
