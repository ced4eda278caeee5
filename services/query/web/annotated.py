"""An article's text cut into runs for the page: entity mentions as marks, summary sentences as runs of their own.

Offsets are Python string indices into the stored `title` or `body`, so a mark's text is exactly the
mention's text. Marks never nest or split: where two mentions overlap, the first (then the longer) wins,
and a summary sentence that begins or ends inside a mark is cut around the mark rather than cutting it.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from shared.database import Document


@dataclass(frozen=True)
class Piece:
    text: str
    entity: str | None = None  # the corpus entity id a mark links to; None for plain text
    label: str | None = None
    start: int = 0


@dataclass
class Run:
    summary: bool  # a part of a summary sentence
    pieces: list[Piece] = field(default_factory=list)


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    entity: str
    label: str


def mentions(document: Document, text_field: str) -> list[Mark]:
    """The mentions in one field of a stored article, as marks that do not overlap, in text order."""
    text = document.get(text_field) or ""
    found = [
        Mark(mention["start"], mention["end"], entity.get("corpus_id") or entity["id"], entity["label"])
        for entity in document.get("entities", [])
        for mention in entity.get("mentions", [])
        if mention["field"] == text_field and 0 <= mention["start"] < mention["end"] <= len(text)
    ]
    found.sort(key=lambda mark: (mark.start, -mark.end))
    kept: list[Mark] = []
    for mark in found:
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def runs(text: str, marks: list[Mark], sentences: Sequence[tuple[int, int]] = ()) -> list[Run]:
    """`text` as runs of pieces; a run is in the summary or not, and a mark lies wholly inside one run."""
    spans = sorted((start, end) for start, end in sentences if 0 <= start < end <= len(text))
    starts = [start for start, _ in spans]

    def in_summary(offset: int) -> bool:
        index = bisect_right(starts, offset) - 1
        return index >= 0 and offset < spans[index][1]

    cuts = sorted({0, len(text), *(point for span in spans for point in span)})
    pieces: list[tuple[bool, Piece]] = []
    at = 0
    for mark in [*marks, None]:
        gap_end = mark.start if mark is not None else len(text)
        for left, right in pairwise([at, *(cut for cut in cuts if at < cut < gap_end), gap_end]):
            if left < right:
                pieces.append((in_summary(left), Piece(text[left:right], start=left)))
        if mark is not None:
            pieces.append(
                (in_summary(mark.start), Piece(text[mark.start : mark.end], mark.entity, mark.label, mark.start))
            )
            at = mark.end
    grouped: list[Run] = []
    for summary, piece in pieces:
        if not grouped or grouped[-1].summary != summary:
            grouped.append(Run(summary))
        grouped[-1].pieces.append(piece)
    return grouped
