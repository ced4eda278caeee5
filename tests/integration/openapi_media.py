"""Schemathesis hooks of the contract test: how bodies go on the wire, and the two refusals no schema can state.

Loaded by `st run` through `SCHEMATHESIS_HOOKS` (`test_openapi_contract`); the in-process fuzz test imports it
for the NDJSON serializer.

- An NDJSON batch is documented as the array of articles it carries: it goes on the wire one JSON value per
  line (a value that is not an array, as negative cases send, as its one line).
- A schema-valid request may still be refused, and rightly, in three cases the document describes in words
  because JSON Schema cannot: a `cursor` the server did not sign (400), a plain-text or HTML article in
  which the layout, or trafilatura, finds no title or text (422), and a date range longer than an entity
  ranking or timeline covers (422, "covers at most"). Only those refusals are forgiven.
"""

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

LAYOUT_MEDIA_TYPES = ("text/plain", "text/html")


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()


@schemathesis.hook
def filter_failure(
    ctx: schemathesis.HookContext, failure: Any, case: schemathesis.Case[Any], response: schemathesis.Response
) -> bool:
    """Whether `failure` counts: every one does but a refused unsigned cursor, an article text without one, or a
    date range longer than the operation covers."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        detail = str(response.json().get("detail", ""))
    except ValueError:
        return True
    unsigned_cursor = response.status_code == 400 and "cursor" in (case.query or {}) and "cursor" in detail
    no_article = response.status_code == 422 and case.media_type in LAYOUT_MEDIA_TYPES
    too_long = response.status_code == 422 and "covers at most" in detail
    return not (unsigned_cursor or no_article or too_long)
