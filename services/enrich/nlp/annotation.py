"""What the model found in a text, as plain offsets, so no spaCy Doc has to outlive its memory zone."""

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")
# A sentence ends on a stop, perhaps inside quotes or brackets ('... nitrate."', '(see below.)').
_STOPS = ".!?\u2026\u3002\uff01\uff1f\u061f"
_CLOSERS = "\"'\u201d\u2019)]"
# What opens no sentence: a word in small letters ("said the champion", not "eBay"), a clause mark, a hyphen
# against a word ("Anti" | "-war march").
_CONTINUATION = re.compile(r"[a-z]+\b|[,;:]|-\w")
# An editor's elision in a quote, where the model likes to split: "[...]", or its end "...]" when the bracket
# that opens it ends the piece before ("the bus. [", "would happen [").
_ELISION = re.compile(r"\[?(?:\.{3}|\u2026)\]\s*")


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
    pieces = _joined_fragments(text, [piece for first, last in bounds for piece in _lines(text, first, last)])
    return Annotation(entities, tuple((start + offset, end + offset) for start, end in pieces))


def _joined_fragments(text: str, pieces: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences, with what the model cut off mid-sentence put back. The model splits inside an editor's brackets
    in a quote ('would happen [...] Lava doesn't', '"[who] have had'), after a quote's comma ('"...," said the
    champion') and inside a hyphenated word, and a summary that picks the piece reads '...] Lava doesn't contain
    any nitrate.' A piece joins the piece before it on its line when that one ends on no stop and this one opens
    as no sentence does. After a stop, an elision opening a sentence is dropped ('[...] 13 students were hurt.'
    is '13 students were hurt.')."""
    joined: list[tuple[int, int]] = []
    for start, end in pieces:
        if joined and "\n" not in text[joined[-1][1] : start]:
            # Only the end of the piece before is read: a run of joined pieces is not rescanned for each new one.
            before_start, before_end = joined[-1]
            bracket = text[before_end - 1] == "[" and before_end - 1 > before_start
            stop = before_end - 1 if bracket else before_end
            while bracket and stop > before_start and text[stop - 1].isspace():
                stop -= 1
            if not ends_sentence(text, before_start, stop):
                if bracket or _ELISION.match(text, start, end) or _CONTINUATION.match(text, start, end):
                    joined[-1] = (before_start, end)
                    continue
            elif bracket:  # "the bus. [" | "...] 13 students": the bracket opens the next sentence
                joined[-1] = (before_start, stop)
                start = before_end - 1
            if (elision := _ELISION.match(text, start, end)) is not None:
                start = elision.end()  # a piece has words (`_lines`), so some are left
        joined.append((start, end))
    return joined


def ends_sentence(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] ends on a stop (CJK and Arabic ones too), perhaps inside closing quotes or brackets.
    Reads only the end: the summary's test of a full sentence and the sentence join both ask this."""
    end = len(text) if end is None else end
    while end > start and text[end - 1] in _CLOSERS:
        end -= 1
    return end > start and text[end - 1] in _STOPS


def merge(parts: Iterable[Annotation]) -> Annotation:
    """One annotation from the annotations of consecutive chunks (already shifted to whole-text offsets)."""
    entities: list[FoundEntity] = []
    sentences: list[tuple[int, int]] = []
    for part in parts:
        entities.extend(part.entities)
        sentences.extend(part.sentences)
    return Annotation(tuple(entities), tuple(sentences))
