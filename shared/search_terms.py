"""Normalised search terms: the worker stores them, the query service looks them up.

MongoDB `$text` indexes exist on mongod but not on every MongoDB-protocol server, so word search is an
indexed array of terms instead: case-folded, accents removed, split on anything that is not a letter or
digit. Both sides must normalise identically, hence one function here.
"""

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERM_CHARS = 40


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(text: str) -> list[str]:
    """Distinct normalised words of `text`, in first-seen order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(normalise(text)):
        if len(word) <= MAX_TERM_CHARS:
            seen.setdefault(word.replace("_", ""), None)
    seen.pop("", None)
    return list(seen)
