"""Batch bodies split into items by scanning: counted, bounded and located before anything is parsed."""

import pytest

from services.ingest.framing import FramingError, array_frames, line_frames


def _items(raw: bytes, max_items: int = 10) -> list[tuple[str, bytes]]:
    return [(frame.where, raw[frame.start : frame.end]) for frame in array_frames(raw, max_items)]


def test_array_items_are_found_with_strings_and_nesting_skipped() -> None:
    raw = b' [ {"a": [1, 2], "b": "x,]}\\"["} , 2 ,"s"]\n'
    assert _items(raw) == [("item 0", b' {"a": [1, 2], "b": "x,]}\\"["} '), ("item 1", b" 2 "), ("item 2", b'"s"')]
    assert _items(b"[]") == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"title": "a"}', "must be a JSON array"),
        (b"[1,]", "item 1 is missing"),
        (b"[,1]", "item 0 is missing"),
        (b"[1}", "unexpected '}'"),
        (b"[1] x", "after the array"),
        (b"[" * 100_000, "not closed"),
        (b'["never closed', "not closed"),
        (b"[1,2,3,4]", "at most 3 articles"),
    ],
)
def test_malformed_arrays_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(FramingError, match=reason):
        array_frames(raw, 3)


def test_a_million_items_stop_at_the_limit_and_many_values_at_the_budget() -> None:
    with pytest.raises(FramingError, match="at most 1000 articles"):
        array_frames(b"[" + b",".join([b"{}"] * 1_000_000) + b"]", 1_000)
    with pytest.raises(FramingError, match="more than 100 JSON values"):
        array_frames(b'[{"a": [' + b",".join([b"1"] * 200) + b"]}]", 1_000, max_values=100)
    with pytest.raises(FramingError, match="more than 100 JSON values"):
        line_frames(b'{"a": [' + b",".join([b"1"] * 200) + b"]}", 1_000, max_values=100)


def test_ndjson_lines_skip_blank_ones_and_keep_their_numbers() -> None:
    raw = b'\n{}\n  \t\n{"a": 1}\r\n\n'
    assert [(frame.where, raw[frame.start : frame.end]) for frame in line_frames(raw, 5)] == [
        ("line 2", b"{}"),
        ("line 4", b'{"a": 1}\r'),
    ]
    with pytest.raises(FramingError, match="at most 2 articles"):
        line_frames(b"{}\n{}\n{}\n", 2)
    assert line_frames(b"\n" * 1_000_000, 2) == []
