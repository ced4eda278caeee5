"""Splitting very long texts into pieces the model can take, at paragraph or sentence boundaries."""

import re
from dataclasses import dataclass

# Well under spaCy's `nlp.max_length`. Smaller docs are also faster per character (the model's work on a doc
# grows faster than its length) and use less memory at a time.
CHUNK_CHARS = 20_000

_SENTENCE_END = re.compile("[.!?][\"'\u201d\u2019)\\]]*\\s+")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Chunk:
    offset: int  # where `text` starts in the whole text
    text: str


def _cut(window: str) -> int:
    """Where to end a chunk inside `window`: after a paragraph break, else a sentence end, else a space."""
    floor = len(window) // 2  # a boundary in the first half would make needlessly many chunks
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator, floor)
        if at != -1:
            return at + len(separator)
    for pattern in (_SENTENCE_END, _WHITESPACE):
        ends = [match.end() for match in pattern.finditer(window, floor)]
        if ends and ends[-1] < len(window):
            return ends[-1]
    return len(window)


def split_into_chunks(text: str, *, limit: int = CHUNK_CHARS) -> list[Chunk]:
    """Consecutive chunks of at most `limit` characters whose texts concatenate back to `text`."""
    chunks: list[Chunk] = []
    start = 0
    while len(text) - start > limit:
        length = _cut(text[start : start + limit])
        chunks.append(Chunk(start, text[start : start + length]))
        start += length
    chunks.append(Chunk(start, text[start:]))
    return chunks
