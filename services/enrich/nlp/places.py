"""Places the text calls places: "the mining town of Moengo", "the people of Pali", "the mayor of Ava".

The small model reads a town it does not know by its shape alone, and an unfamiliar name is as often an
organisation or a person to it ("Pali" read as a company through a whole story about a Taiwanese township). The
words before the name settle it: a town, city, village or port "of" it, its people, residents or mayor. The
phrase must be that close; "in" alone does not count ("a stake in Zenith").
"""

import re
from collections.abc import Sequence

from services.enrich.nlp.annotation import FoundEntity

# "the (small mining / coastal / Chechen) town of", "the port city of", "the outskirts of", "the people of", then
# the name: at most two words between "the" and the noun, so the phrase stays one noun phrase, and up to three
# capitalised words of a name the model may have missed ("Urus-Martan", "Ibla"). Not "capital": in business news
# it is money ("the full capital of Reuters").
_PLACE_NAMED = re.compile(
    r"(?:\b(?:the|The)[ \t]+(?:[\w-]+[ \t]+){0,2}"
    r"(?:town|city|village|port|township|province|district|suburbs?|outskirts)"
    r"|\b(?:people|residents|inhabitants|streets|mayor|townspeople|villagers))"
    r"[ \t]+of[ \t]+(?P<name>[A-Z][\w'\u2019-]*(?:[ \t]+[A-Z][\w'\u2019-]*){0,2})"
    r"(?![\w'\u2019-])"
)

_POSSESSIVES = frozenset({"'s", "\u2019s", "s'", "s\u2019"})
_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON"})  # the model's readings of a name, not of a number
# The small words a place's name holds ("Bosnia and Herzegovina", "Surigao del Sur", "Newcastle upon Tyne"); a
# model span running on over others or a figure ran past the name ("Omsk in Siberia", "Basrah the Shia", "Moengo 56").
_NAME_JOINERS = frozenset({"and", "of", "upon", "on", "de", "del", "la", "le", "du", "da", "do", "al", "el"})


def _whole_name(span: str) -> bool:
    """Capitalised words and the small words between them, nothing else: no figure, no other lower-case word."""
    return all(word[0].isupper() or word in _NAME_JOINERS or not word[0].isalnum() for word in span.split())


def place_phrase_spans(text: str, found: Sequence[FoundEntity]) -> list[tuple[int, int]]:
    """The names `text` calls places by the phrase before them: the model's span where it found a name there
    ("the people of Bosnia and Herzegovina" keeps the whole), else the capitalised words the phrase leads to.
    Not a nationality ("the residents of Kurdish villages"), nor a name's possessive ("the province of Sumaidaie's
    ancestral village")."""
    found_at = {f.start: f for f in found}
    spans = []
    for match in _PLACE_NAMED.finditer(text):
        start, end = match.span("name")
        if text[end - 2 : end] in _POSSESSIVES:
            continue
        if (model := found_at.get(start)) is not None:
            if model.label == "NORP":
                continue
            if model.label in _NAME_LABELS and _whole_name(text[start : model.end]):
                end = model.end
        spans.append((start, end))
    return spans
