"""Normalised search terms: the worker stores them, the query service looks them up.

MongoDB `$text` indexes exist on mongod but not on every MongoDB-protocol server, so word search is an
indexed array of terms instead: case-folded, accents removed, split on anything that is not a letter or
digit. Both sides must normalise identically, hence one function here.
"""

import re
import unicodedata
from collections.abc import Iterator

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERM_CHARS = 40
# NFKD can expand one character 18-fold (U+FDFA), so a body is normalised a slice at a time and its terms are
# taken from at most this much normalised text: a body of ordinary text (1 MiB at most) stays within it, and
# an expanding one costs a bounded, small time instead of seconds.
MAX_NORMALISED_CHARS = 2_000_000
_SLICE_CHARS = 65_536
# Distinct terms stored per document: far more than an article's vocabulary, and it keeps a megabyte of
# distinct made-up words from adding megabytes of index entries to one document.
MAX_TERMS = 50_000


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _normalised_slices(text: str, limit: int) -> Iterator[str]:
    """`normalise(text)` in slices cut at whitespace (so no word is split), until `limit` characters."""
    start = produced = 0
    while start < len(text) and produced < limit:
        end = start + _SLICE_CHARS
        if end < len(text):
            space = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = space + 1 if space > start else end
        piece = normalise(text[start:end])
        produced += len(piece)
        yield piece
        start = end


def terms(text: str, *, limit: int = MAX_NORMALISED_CHARS) -> list[str]:
    """Distinct normalised words of `text`, in first-seen order; of its first `limit` normalised characters."""
    seen: dict[str, None] = {}
    for piece in _normalised_slices(text, limit):
        for word in _WORD.findall(piece):
            if len(word) <= MAX_TERM_CHARS:
                seen.setdefault(word.replace("_", ""), None)
        if len(seen) > MAX_TERMS:
            break
    seen.pop("", None)
    return list(seen)[:MAX_TERMS]
