"""Datelines: "GENEVA 1996-08-22", "YORK , England 1996-08-22" name the place a wire story was filed from.

A wire story's dateline is a line of its own holding only a place (and its region or country) and the filing
date. The model, reading it as a line of prose, joins the place to the date ("Geneva 1996-08-22" as one date)
or misses it; and where the same name is a team elsewhere in the story ("NEW YORK" in a baseball report) the
dateline is still the city. The shape of the line settles it: its names are places.

The reporter's name stands on the line above the dateline ("Yuri Kushko" over "TAVILDARA , Tajikistan
1996-08-30"), or signs the story off at its end ("-- Luli Popescu , Bucharest Newsroom 40-1 3120264"); the
model, reading a name on a line of its own, takes it for anything.
"""

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from services.enrich.nlp.annotation import FoundEntity, replaced

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_NAME = r"[^\W\d_][\w.'\u2019-]*(?:[ \u00a0][^\W\d_][\w.'\u2019-]*){0,3}"  # up to four capitalised words
_NAMES = rf"(?P<names>{_NAME}(?:[ \t]*,[ \t]*{_NAME}){{0,2}})[ \t]*,?[ \t]+"
# The whole line: one to three names joined by commas, then the filing date: "GENEVA 1996-08-22",
# "YORK , England 1996-08-22", or "LONDON , Aug 22" with the place in capitals (as wire copy sets it), since
# "Pay Sept 30" in a dividend table has the same shape.
_DATELINE = re.compile(rf"^[ \t]*{_NAMES}\d{{4}}-\d{{2}}-\d{{2}}[ \t]*$", re.MULTILINE)
_CAPITALS_DATELINE = re.compile(
    rf"^[ \t]*{_NAMES}(?:{_MONTHS})[a-z]*\.?[ \t]+\d{{1,2}}(?:[ \t]*,[ \t]*\d{{4}})?[ \t]*$", re.MULTILINE
)
_PART = re.compile(r"[^,]+")
# A reporter's name: two to four capitalised words (an initial, a hyphen or an apostrophe inside); a byline is the
# whole line.
_PERSON = r"(?P<name>[A-Z][\w'\u2019.-]*(?:[ \t]+[A-Z][\w'\u2019.-]*){1,3})"
_BYLINE = re.compile(rf"[ \t]*{_PERSON}[ \t]*")
_SIGN_OFF = re.compile(rf"^[ \t]*--[ \t]*{_PERSON}[ \t]*,[^\n]*?\b(?i:newsroom|desk)\b", re.MULTILINE)
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def dateline_places(text: str) -> list[tuple[int, int]]:
    """The places named in `text`'s dateline lines, as (start, end) offsets."""
    places = []
    for line in _dateline_lines(text):
        for part in _PART.finditer(text, line.start("names"), line.end("names")):
            name = part.group()
            start = part.start() + len(name) - len(name.lstrip())
            end = part.end() - (len(name) - len(name.rstrip()))
            if all(word[0].isupper() for word in text[start:end].split()):
                places.append((start, end))
    return places


def _dateline_lines(text: str) -> list[re.Match[str]]:
    lines = [*_DATELINE.finditer(text), *_CAPITALS_DATELINE.finditer(text)]
    return [line for line in lines if line.re is not _CAPITALS_DATELINE or line.group("names").split(",")[0].isupper()]


def byline_spans(text: str) -> list[tuple[int, int]]:
    """The reporters' names: a byline on the line above a dateline, a sign-off naming a newsroom or desk. A byline
    has no word the text writes in lower case elsewhere or as a common word ("Market Report" is a headline)."""
    spans = [match.span("name") for match in _SIGN_OFF.finditer(text)]
    lower_words: set[str] | None = None
    for line in _dateline_lines(text):
        above_end = line.start() - 1
        if above_end < 0 or text[above_end] != "\n":
            continue
        above_start = text.rfind("\n", 0, above_end) + 1
        if (byline := _BYLINE.fullmatch(text, above_start, above_end)) is None or byline.group().isupper():
            continue
        if lower_words is None:
            lower_words = set(_LOWER_WORD.findall(text))
        words = [word.casefold() for word in byline.group("name").split()]
        if not any(word in lower_words or word in STOP_WORDS for word in words):
            spans.append(byline.span("name"))
    return spans


def with_places(
    text: str, found: Sequence[FoundEntity], places: Sequence[tuple[int, int]]
) -> tuple[list[FoundEntity], set[tuple[int, int]]]:
    """The model's spans with `places` (a dateline's, a fixture's venue) labelled GPE, replacing any span over
    them, and those places."""
    if not places:
        return list(found), set()
    return replaced(found, places, "GPE"), set(places)
