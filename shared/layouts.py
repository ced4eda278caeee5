"""Input formats of an article: the plain-text sample layout and HTML pages (trafilatura).

Ingest and `newsflow enrich` both read articles through this module, so a `.txt`, `.json` or `.html`
article means the same thing everywhere. Each parser returns the fields for `ArticleIn.model_validate`.
"""

import json
import re
from datetime import UTC, datetime

import trafilatura
from dateutil import parser as dateparser


class ArticleFormatError(ValueError):
    """The input is not an article in any layout we read."""


# `Source | Date` — the source is short, the date is whatever dateutil understands.
_BYLINE = re.compile(r"^(?P<source>[^|\n]{1,300}?)\s*\|\s*(?P<date>[^|\n]{4,60})$")
# Longer lines are not a byline. The bound also keeps the pattern linear: on a megabyte line of inner
# spaces its backtracking took seconds, on the event loop.
MAX_BYLINE_CHARS = 400


def _parse_byline(line: str) -> tuple[str, datetime] | None:
    line = line.strip()
    if len(line) > MAX_BYLINE_CHARS:
        return None
    match = _BYLINE.match(line)
    if match is None:
        return None
    try:
        # A date-only byline means midnight UTC; dateutil fills missing time fields from `default`.
        when = dateparser.parse(match["date"], default=datetime(2000, 1, 1, tzinfo=UTC))
    except (ValueError, OverflowError):
        return None
    return match["source"].strip(), when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_plain_text(text: str) -> dict[str, object]:
    """Split the sample layout (title, blank line, optional `Source | Date`, body) into article fields.

    Returns a dict for `ArticleIn.model_validate`, so its validation errors read the same as for JSON.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    title = lines[0].strip() if lines else ""
    rest = lines[1:]
    fields: dict[str, object] = {"title": title}
    first = next((i for i, line in enumerate(rest) if line.strip()), None)
    if first is not None and (byline := _parse_byline(rest[first])) is not None:
        fields["source"], fields["published_at"] = byline
        rest = rest[first + 1 :]
    fields["body"] = "\n".join(rest).strip()
    return fields


def parse_html(html: str) -> dict[str, object]:
    """Extract an article's main text and metadata from a web page (trafilatura)."""
    extracted = trafilatura.extract(html, output_format="json", with_metadata=True, include_comments=False)
    found: dict[str, str | None] = json.loads(extracted) if extracted else {}
    if not (found.get("text") or "").strip():
        raise ArticleFormatError("no article text found in the HTML")
    fields: dict[str, object] = {"title": found.get("title") or "", "body": found["text"]}
    for ours, theirs in (("source", "sitename"), ("url", "url"), ("published_at", "date")):
        if found.get(theirs):
            fields[ours] = found[theirs]
    return fields
