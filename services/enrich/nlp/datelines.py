"""Datelines: "GENEVA 1996-08-22", "YORK , England 1996-08-22" name the place a wire story was filed from.

A wire story's dateline is a line of its own holding only a place (and its region or country) and the filing
date. The model, reading it as a line of prose, joins the place to the date ("Geneva 1996-08-22" as one date)
or misses it; and where the same name is a team elsewhere in the story ("NEW YORK" in a baseball report) the
dateline is still the city. The shape of the line settles it: its names are places.
"""

import re
from collections.abc import Sequence

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


def dateline_places(text: str) -> list[tuple[int, int]]:
    """The places named in `text`'s dateline lines, as (start, end) offsets."""
    places = []
    lines = [*_DATELINE.finditer(text), *_CAPITALS_DATELINE.finditer(text)]
    for line in lines:
        if line.re is _CAPITALS_DATELINE and not line.group("names").split(",")[0].isupper():
            continue
        for part in _PART.finditer(text, line.start("names"), line.end("names")):
            name = part.group()
            start = part.start() + len(name) - len(name.lstrip())
            end = part.end() - (len(name) - len(name.rstrip()))
            if all(word[0].isupper() for word in text[start:end].split()):
                places.append((start, end))
    return places


def with_places(
    text: str, found: Sequence[FoundEntity], places: Sequence[tuple[int, int]]
) -> tuple[list[FoundEntity], set[tuple[int, int]]]:
    """The model's spans with `places` (a dateline's, a fixture's venue) labelled GPE, replacing any span over
    them, and those places."""
    if not places:
        return list(found), set()
    return replaced(found, places, "GPE"), set(places)
