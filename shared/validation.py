"""Validation errors as short, safe reports: no echo of the input, capped in number and length.

The HTTP error bodies and the settings check at start-up both report through here, so neither a
megabyte of client input nor a configured secret is ever repeated back.
"""

from collections.abc import Sequence
from typing import Any

MAX_REPORTED_ERRORS = 10
MAX_ERROR_MESSAGE_CHARS = 200
# A location names fields, but an unknown field's name is client input: only its start is repeated back.
MAX_ERROR_LOCATION_CHARS = 100


def shorten(value: object, limit: int = MAX_ERROR_MESSAGE_CHARS) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def compact_errors(errors: Sequence[Any], *, limit: int = MAX_REPORTED_ERRORS) -> list[dict[str, str]]:
    """Pydantic errors without their `input` (which can be megabytes), capped in number and length."""
    return [
        {
            "loc": shorten(".".join(str(part) for part in error.get("loc", ())), MAX_ERROR_LOCATION_CHARS),
            "msg": shorten(error.get("msg", "")),
        }
        for error in list(errors)[:limit]
    ]
