"""What the model found in a text, as plain offsets, so no spaCy Doc has to outlive its memory zone."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class FoundEntity:
    """One span the model labelled, any label (dates and numbers too: recovered names must not land inside)."""

    start: int
    end: int
    label: str


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
