"""What the model found in a text, as plain offsets, so no spaCy Doc has to outlive its memory zone."""

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class FoundEntity:
    """One span the model labelled, any label (dates and numbers too: recovered names must not land inside)."""

    start: int
    end: int
    label: str


def overlap_test(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether (start, end) overlaps any of `spans`, in O(log n) a question: a results table or a page of
    datelines has tens of thousands of spans, and so does the model's output over it."""
    ordered = sorted(spans)
    starts = [start for start, _ in ordered]
    reach = list(itertools.accumulate((end for _, end in ordered), max))  # the furthest end among the first i

    def overlaps(start: int, end: int) -> bool:
        before = bisect.bisect_left(starts, end)  # the spans that start before `end`
        return before > 0 and reach[before - 1] > start

    return overlaps


def replaced(found: Sequence[FoundEntity], spans: Iterable[tuple[int, int]], label: str) -> list[FoundEntity]:
    """`found` in text order with `spans` labelled `label`: a model span overlapping one of them gives way to it."""
    ordered = sorted(spans)
    overlaps = overlap_test(ordered)
    kept = [f for f in found if not overlaps(f.start, f.end)]
    return sorted([*kept, *(FoundEntity(s, e, label) for s, e in ordered)], key=lambda f: (f.start, f.end))


@dataclass(frozen=True)
class Annotation:
    entities: tuple[FoundEntity, ...]
    sentences: tuple[tuple[int, int], ...]


def _lines(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """A sentence never runs across a line break (the model sometimes joins paragraphs); trimmed, words only."""
    for match in _LINE.finditer(text, start, end):
        piece = match.group()
        stripped = piece.strip()
        if any(ch.isalnum() for ch in stripped):
            left = match.start() + piece.index(stripped[0])
            yield left, left + len(stripped)


def annotate(doc: Doc, *, offset: int = 0) -> Annotation:
    """Entity and sentence spans of `doc`, shifted by `offset` (where the doc's text starts in the whole text)."""
    entities = tuple(FoundEntity(ent.start_char + offset, ent.end_char + offset, ent.label_) for ent in doc.ents)
    if doc.has_annotation("SENT_START"):
        bounds: Iterable[tuple[int, int]] = ((sent.start_char, sent.end_char) for sent in doc.sents)
    else:
        bounds = [(0, len(doc.text))]
    text = doc.text  # built anew on every access
    sentences = tuple(
        (start + offset, end + offset) for first, last in bounds for start, end in _lines(text, first, last)
    )
    return Annotation(entities, sentences)


def merge(parts: Iterable[Annotation]) -> Annotation:
    """One annotation from the annotations of consecutive chunks (already shifted to whole-text offsets)."""
    entities: list[FoundEntity] = []
    sentences: list[tuple[int, int]] = []
    for part in parts:
        entities.extend(part.entities)
        sentences.extend(part.sentences)
    return Annotation(tuple(entities), tuple(sentences))
