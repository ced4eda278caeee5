"""Press digests: a newspaper's name on a line of its own above its stories is an organisation."""

import spacy

from services.enrich.nlp.annotation import annotate
from services.enrich.nlp.digests import masthead_spans
from services.enrich.nlp.entities import canonical_entities
from services.enrich.nlp.layout import ArticleLayout

DIGEST_BODY = (
    "BEIRUT 1996-08-22\n"
    "These are the leading stories in the Beirut press on Thursday .\n"
    "AN-NAHAR\n"
    "- Confrontation is escalating between Hizbollah and the government .\n"
    "NIDA'A AL-WATAN\n"
    "- Prime Minister Hariri : Israeli threats do not serve peace .\n"
    "IRAQ\n"
    "- A shipload of rice arrives in Umm Qasr port .\n"
    "---\n"
    "VEERAKESARI\n"
    "Bomb blast in Trincomalee kills one .\n"
)


def is_country(name: str) -> bool:
    return name.casefold() == "iraq"


def names(text: str) -> list[str]:
    return [text[start:end] for start, end in masthead_spans(text, is_country)]


def test_a_digest_s_mastheads_are_its_capitalised_lines_over_stories() -> None:
    text = ArticleLayout("PRESS DIGEST - Lebanon - Aug 22", DIGEST_BODY).text
    # The dateline has a date, "IRAQ" names a country the digest turns to, a story's line is no masthead.
    assert names(text) == ["AN-NAHAR", "NIDA'A AL-WATAN", "VEERAKESARI"]
    # Wire copy without a headline: the body's first line says it is a digest.
    assert names(ArticleLayout("", f"PRESS DIGEST - Lebanon - Aug 22 .\n{DIGEST_BODY}").text) == names(text)


def test_only_a_press_digest_has_mastheads() -> None:
    assert names(ArticleLayout("Lebanon - Aug 22", DIGEST_BODY).text) == []


def test_a_masthead_is_an_organisation_whatever_the_model_read() -> None:
    layout = ArticleLayout("PRESS DIGEST - Lebanon - Aug 22", DIGEST_BODY)
    doc = spacy.blank("en")(layout.text)
    start = layout.text.index("NIDA'A AL-WATAN")
    span = doc.char_span(start, start + len("NIDA'A AL-WATAN"), label="PERSON")
    assert span is not None
    doc.ents = [span]
    found = {(entity.name, entity.label) for entity in canonical_entities(layout, annotate(doc).entities)}
    assert {("AN-NAHAR", "ORG"), ("NIDA'A AL-WATAN", "ORG"), ("VEERAKESARI", "ORG")} <= found
    assert ("NIDA'A AL-WATAN", "PERSON") not in found
