"""An acronym with its full form in the same article ("UN", "United Nations") is the full form's entity.

The enrichment lists the full forms it knows, or found in the text, among an entity's aliases; the initials of
the full form's words, leaving out the small ones ("of", "the"), must spell the acronym.
"""

import re

from shared.entity_keys import name_key

_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "to", "de", "du", "des", "la", "le"})


def expansion(name: str, aliases: list[str]) -> str | None:
    """The alias that `name` abbreviates, if `name` is an acronym and one alias spells it out."""
    if not _ACRONYM.match(name):
        return None
    letters = name.replace(".", "").casefold()
    for alias in aliases:
        words = [word for word in name_key(alias).split() if word not in _SMALL_WORDS]
        if len(words) == len(letters) and all(word[0] == letter for word, letter in zip(words, letters, strict=True)):
            return alias
    return None
