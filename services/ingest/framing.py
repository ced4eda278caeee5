"""Where each item of a batch body begins and ends, found by scanning its bytes, never by parsing the whole.

A 16 MiB JSON array of `{}` is eight million Python objects once parsed, hundreds of MiB; scanned here, the
batch is refused as soon as its 1,001st item starts. Strings are skipped by one regular expression and
only the structure (`[`, `]`, `{`, `}`, `,`) is looked at, so the cost is a step per structure character,
and those are counted: a batch holding more JSON values than `MAX_BATCH_VALUES` is refused before any is
built. Each item is then parsed on its own, by the parser single articles use.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Objects, arrays and separators in one batch: an article is about ten, so 1,000 articles use a tenth of it,
# while parsing this many values costs a few tens of MB at most.
MAX_BATCH_VALUES = 200_000

_STRUCTURE = re.compile(rb'["\[\]{},]')
# The rest of a string after its opening quote; possessive, so an unterminated string is not backtracked.
_STRING_REST = re.compile(rb'(?:[^"\\]++|\\.)*+"', re.DOTALL)
# One non-blank line (NDJSON); `^` anchors each try to a line start, so blank megabytes scan in one pass.
_LINE = re.compile(rb"^[^\S\n]*+\S[^\n]*", re.MULTILINE)
_BLANK = re.compile(rb"[ \t\r\n]*")

_QUOTE, _COMMA, _OPEN_ARRAY, _CLOSE_ARRAY = b'"', b",", b"[", b"]"
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")


class FramingError(Exception):
    """The body is not a sequence of items the limits allow; the message names what is wrong."""


@dataclass(frozen=True)
class Frame:
    """One item's bytes, `raw[start:end]`, and where a client finds it (`item 3`, `line 7`)."""

    start: int
    end: int
    where: str


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise FramingError(f"more than {self.limit} JSON values (objects, arrays, fields) in one batch")


def _structure(raw: bytes, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """Offset and byte of each structure character in `raw[pos:end]`, outside strings.

    An unterminated string ends the scan: what follows it is inside the string.
    """
    while (found := _STRUCTURE.search(raw, pos, end)) is not None:
        offset = found.start()
        pos = offset + 1
        if raw[offset] == _QUOTE[0]:
            closed = _STRING_REST.match(raw, pos, end)
            if closed is None:
                return
            pos = closed.end()
        else:
            yield offset, raw[offset]


def array_frames(raw: bytes, max_items: int, max_values: int = MAX_BATCH_VALUES) -> list[Frame]:
    """The items of a JSON array, at most `max_items` of them (more → `FramingError` at the next one's start)."""
    start = _BLANK.match(raw).end()  # type: ignore[union-attr]  # matches the empty string at least
    if raw[start : start + 1] != _OPEN_ARRAY:
        raise FramingError("a batch must be a JSON array of articles")
    budget = _Budget(max_values)
    frames: list[Frame] = []
    start += 1
    depth = 0
    for offset, char in _structure(raw, start, len(raw)):
        if char in _OPENERS:
            depth += 1
            budget.spend()
        elif depth and char in _CLOSERS:
            depth -= 1
        elif depth:
            budget.spend()  # a comma between an item's fields or elements
        elif char in _CLOSERS and char != _CLOSE_ARRAY[0]:
            raise FramingError(f"invalid JSON: unexpected '}}' at byte {offset}")
        else:
            empty = _BLANK.fullmatch(raw, start, offset) is not None
            if not (empty and char == _CLOSE_ARRAY[0] and not frames):  # `[]` has no item
                if empty:
                    raise FramingError(f"invalid JSON: item {len(frames)} is missing")
                if len(frames) == max_items:
                    raise FramingError(f"at most {max_items} articles per batch")
                frames.append(Frame(start, offset, f"item {len(frames)}"))
            start = offset + 1
            if char == _CLOSE_ARRAY[0]:
                break
    else:
        raise FramingError("invalid JSON: the array is not closed")
    if _BLANK.fullmatch(raw, start) is None:
        raise FramingError("invalid JSON: characters after the array")
    return frames


def line_frames(raw: bytes, max_items: int, max_values: int = MAX_BATCH_VALUES) -> list[Frame]:
    """The non-blank lines of an NDJSON body, counted before any is parsed (more than `max_items` → error)."""
    frames: list[Frame] = []
    number, counted_to = 1, 0
    for line in _LINE.finditer(raw):
        if len(frames) == max_items:
            raise FramingError(f"at most {max_items} articles per batch")
        number += raw.count(b"\n", counted_to, line.start())
        counted_to = line.start()
        frames.append(Frame(line.start(), line.end(), f"line {number}"))
    budget = _Budget(max_values)
    for frame in frames:
        for _, char in _structure(raw, frame.start, frame.end):
            if char in _OPENERS or char == _COMMA[0]:
                budget.spend()
    return frames
