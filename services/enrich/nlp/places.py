"""Places the text calls places: "the mining town of Moengo", "the people of Pali", "Nagano prefecture".

The small model reads a town it does not know by its shape alone, and an unfamiliar name is as often an
organisation or a person to it ("Pali" read as a company through a whole story about a Taiwanese township). The
words around the name settle it, at two strengths. A phrase that can only name a place settles it at one mention:
a town, city, village or port "of" it, its people, residents or mayor, or a region's word after it ("Nagano
prefecture", "Huize county"). A looser place word before it ("capital", "state of", "east of") settles it only
where most of its mentions follow one (`follows_place_word`). A bare "of" or "in" says nothing ("shares of Jones",
"the regime of Saddam", "a stake in Zenith").
"""

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from services.enrich.nlp.annotation import FoundEntity, overlap_test

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

# A region's word after the name, in lower case ("Huize county", "Narino province"; "Orange County" is a name).
_PLACE_HEAD_AFTER = re.compile(
    r"(?<![\w'\u2019-])(?P<name>[A-Z][\w'\u2019-]*(?:[ \t]+[A-Z][\w'\u2019-]*){0,2})"
    r"[ \t]+(?:prefecture|province|county|district|township|municipality|region|oblast|governorate)\b"
)
# A looser word before a name: "the state of Guerrero", "the Chechen capital Grozny", "east of Longyear".
_PLACE_WORD_BEFORE = re.compile(
    r"\b(?:capital|(?:states?|provinces?|city|cities|towns?|regions?|republic|island|villages?|districts?|county|port"
    r"|territory|outskirts|municipality|suburbs?|(?:north|south)?(?:east|west)|north|south)[ \t]+of)"
    r"[ \t]+$",
    re.IGNORECASE,
)
_PLACE_WORD_REACH = 30  # characters read before a name for a place word

_POSSESSIVES = frozenset({"'s", "\u2019s", "s'", "s\u2019"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})  # the model's kinds of place
_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON"})  # the model's readings of a name, not of a number
# The small words a place's name holds ("Bosnia and Herzegovina", "Surigao del Sur", "Newcastle upon Tyne"); a
# model span running on over others or a figure ran past the name ("Omsk in Siberia", "Basrah the Shia", "Moengo 56").
_NAME_JOINERS = frozenset({"and", "of", "upon", "on", "de", "del", "la", "le", "du", "da", "do", "al", "el"})


def _whole_name(span: str) -> bool:
    """Capitalised words and the small words between them, nothing else: no figure, no other lower-case word."""
    return all(word[0].isupper() or word in _NAME_JOINERS or not word[0].isalnum() for word in span.split())


def place_phrase_spans(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """The names `text` calls places by the words around them, labelled as the model read the place where it read
    one ("the Asia Pacific region" stays a LOC), else GPE. Before the name, the model's span where it found one
    there ("the people of Bosnia and Herzegovina" keeps the whole), else the capitalised words the phrase leads to;
    before a region's word, only a name the model found. Not a nationality ("the residents of Kurdish villages",
    "the English county"), a name's possessive ("the province of Sumaidaie's ancestral village"), a sentence's
    opening word ("In Pattani province": Pattani), nor part of a longer name ("the Horn of Africa region")."""
    found_at = {f.start: f for f in found}
    # A model span that starts before a position and runs past it: the name there is part of a longer one.
    inside_longer = overlap_test([(f.start + 1, f.end) for f in found])
    places = []
    for pattern, found_only, not_places in (
        (_PLACE_NAMED, False, frozenset({"NORP"})),
        (_PLACE_HEAD_AFTER, True, frozenset({"NORP", "LANGUAGE"})),
    ):
        for match in pattern.finditer(text):
            start, end = match.span("name")
            if found_only:  # a sentence may open on the name's line: "In Pattani province", "The province"
                while (space := text.find(" ", start, end)) != -1 and text[start:space].casefold() in STOP_WORDS:
                    start = space + 1
                if text[start:end].casefold() in STOP_WORDS:
                    continue
            if text[end - 2 : end] in _POSSESSIVES:
                continue
            model = found_at.get(start)
            if inside_longer(start, start + 1) or (model is None and found_only):
                continue
            label = "GPE"
            if model is not None:
                if model.label in not_places:
                    continue
                if model.label in _NAME_LABELS and _whole_name(text[start : model.end]):
                    end = model.end
                if model.label in PLACE_LABELS:
                    label = model.label
            places.append(FoundEntity(start, end, label))
    return places


def follows_place_word(text: str, start: int) -> bool:
    """Whether a looser place word stands right before `text[start:]` ("the state of", "capital", "east of")."""
    return _PLACE_WORD_BEFORE.search(text, max(0, start - _PLACE_WORD_REACH), start) is not None
