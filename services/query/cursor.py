"""Opaque pagination cursors: the position after the last item of a page, signed so clients cannot forge one.

A cursor carries the sort key of the last item returned (keyset pagination, so pages stay free of
duplicates and gaps while articles arrive), an optional snapshot time for listings that aggregate, and a
fingerprint of the query it belongs to: replaying it with other filters is refused rather than answered
with a page of some other listing.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

MAX_CURSOR_CHARS = 512

Scalar = str | int | float | None


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    after: tuple[Scalar, ...]  # sort key of the last item returned, e.g. (received_at epoch ms, id)
    as_of: int | None = None  # snapshot, epoch ms: only articles received by then are counted


def fingerprint(query: dict[str, Any]) -> str:
    """A short digest of what a listing was asked for (filters and sort, not the page size)."""
    canonical = json.dumps(query, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _is_scalar(value: object) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


class CursorCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="newsflow.query.cursor.v1")

    def encode(self, position: Position, *, query: str) -> str:
        token = self._serializer.dumps([query, list(position.after), position.as_of])
        assert isinstance(token, str)
        if len(token) > MAX_CURSOR_CHARS:  # a sort key is a few short scalars; this would be a bug
            raise ValueError(f"cursor longer than {MAX_CURSOR_CHARS} characters")
        return token

    def decode(self, token: str, *, query: str) -> Position:
        """The position a cursor encodes; `InvalidCursor` for a garbled, tampered or foreign one."""
        if len(token) > MAX_CURSOR_CHARS:
            raise InvalidCursor("invalid cursor")
        try:
            payload = self._serializer.loads(token)
        except (BadData, ValueError, UnicodeError) as exc:  # zlib/json errors are ValueErrors
            raise InvalidCursor("invalid cursor") from exc
        match payload:
            case [str() as owner, list() as after, (int() | None) as as_of] if all(map(_is_scalar, after)):
                pass
            case _:
                raise InvalidCursor("invalid cursor")
        if owner != query:
            raise InvalidCursor("cursor belongs to a different query: keep the filters and sort of the first page")
        return Position(after=tuple(after), as_of=as_of)
