"""Pagination cursors: opaque, signed, bound to their query, bounded in size."""

import pytest

from services.query.cursor import MAX_CURSOR_CHARS, CursorCodec, InvalidCursor, Position, fingerprint

SECRET = "unit-test-cursor-secret-0123456789abcdef"


def test_a_cursor_round_trips_its_position() -> None:
    codec = CursorCodec(SECRET)
    position = Position(after=(1_700_000_000_123, "0123456789abcdef"), as_of=1_700_000_999_000)
    token = codec.encode(position, query="q1")
    assert codec.decode(token, query="q1") == position
    assert len(token) <= MAX_CURSOR_CHARS
    assert codec.decode(codec.encode(Position(after=(0.5, "x")), query="q"), query="q") == Position(after=(0.5, "x"))
    assert codec.decode(codec.encode(Position(after=(None, "x")), query="q"), query="q").after == (None, "x")


def test_tampered_foreign_or_garbled_cursors_are_refused() -> None:
    codec = CursorCodec(SECRET)
    token = codec.encode(Position(after=(1, "a")), query="q1")
    forged = CursorCodec("another-secret-of-at-least-32-characters").encode(Position(after=(1, "a")), query="q1")
    for bad in (forged, "x" + token[1:], token[:-2], "", "...", "%%%", "a" * (MAX_CURSOR_CHARS + 1), "\ud800"):
        with pytest.raises(InvalidCursor, match="invalid cursor"):
            codec.decode(bad, query="q1")
    with pytest.raises(InvalidCursor, match="different query"):
        codec.decode(token, query="q2")


def test_well_signed_payloads_of_the_wrong_shape_are_refused() -> None:
    codec = CursorCodec(SECRET)
    serializer = codec._serializer
    for payload in (["q", [{"$gt": 1}], None], ["q", "abc", None], ["q", [1], "soon"], {"q": 1}, ["q", [True], None]):
        token = serializer.dumps(payload)
        with pytest.raises(InvalidCursor):
            codec.decode(token, query="q")


def test_fingerprint_ignores_key_order_but_not_values() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
