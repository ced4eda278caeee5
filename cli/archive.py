"""`newsflow export` and `newsflow import`: stored articles as JSON lines, for backups, restores and moves.

An export line is the article exactly as `GET /v1/articles/{id}` answers it. An import reads such lines, and
the documents `newsflow enrich` prints, and stores them through the workers' store path, so the same rules
hold: a document older than the stored (or deleted) version of its article is dropped, and importing a file
twice changes nothing the second time. Both stream: memory stays bounded by a batch, whatever the file size.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from services.enrich.linking import Linker
from services.enrich.store import ArticleStore
from services.query.schemas import ARTICLE_FIELDS, article_json
from shared import database
from shared.articles import ArticleIn, article_id
from shared.database import Document
from shared.documents import ArticleDocument
from shared.validation import compact_errors, shorten

# Documents per database round trip, both ways: a few MB of enriched articles.
BATCH = 200
# The oldest date a document can have, so an export without `--since` still bounds `received_at`: a sort on
# the field the filter bounds walks the index on SecantusDB as on mongod.
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


StoreBatch = Callable[[Sequence[ArticleDocument]], Awaitable[None]]


async def store_path(db: AsyncDatabase[Document]) -> StoreBatch:
    """The workers' store path (`services.enrich.store`, with the workers' linker, so the registry follows), the
    one place an import writes; opened once per import."""
    linker = await asyncio.to_thread(Linker)
    return ArticleStore(db, linker=linker).store


async def exported_lines(db: AsyncDatabase[Document], *, since: datetime | None = None) -> AsyncIterator[bytes]:
    """Each stored article received at or after `since` as one JSON line, oldest first."""
    cursor = (
        database.articles(db)
        .find({"received_at": {"$gte": since or BEGINNING}}, {"search_terms": 0})
        .sort("received_at", 1)
        .batch_size(BATCH)
    )
    async for stored in cursor:
        yield article_json(stored, ARTICLE_FIELDS) + b"\n"


@dataclass
class ImportReport:
    stored: int = 0  # documents handed to the store (an older version than the stored one is kept out there)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def owned_by(document: ArticleDocument, owner: str) -> ArticleDocument:
    """The document as `owner` would have submitted it: that owner's name, and the id ingest gives its post."""
    article = ArticleIn.model_validate(
        document.model_dump(include={"title", "body", "source", "url", "external_id"}, exclude_none=True)
    )
    return document.model_copy(update={"owner": owner, "id": article_id(article, owner)})


def parse_line(line: bytes, owner: str | None) -> ArticleDocument:
    """Raises `ValueError` with a short reason for a line that is not a stored document."""
    try:
        document = ArticleDocument.model_validate_json(line)
        return owned_by(document, owner) if owner is not None else document
    except ValidationError as exc:
        errors = compact_errors(exc.errors())
        raise ValueError(shorten("; ".join(f"{error['loc']}: {error['msg']}" for error in errors[:3]))) from None


async def import_lines(
    store: StoreBatch,
    lines: Iterable[bytes],
    *,
    owner: str | None = None,
    batch: int = BATCH,
    advance: Callable[[int], None] = lambda _: None,
) -> ImportReport:
    """Store the documents of `lines` in batches; `advance` hears of the bytes read after each batch."""
    report = ImportReport()
    pending: dict[str, ArticleDocument] = {}
    read = 0

    async def flush() -> None:
        nonlocal read
        if pending:
            await store(list(pending.values()))
            report.stored += len(pending)
            pending.clear()
        advance(read)
        read = 0

    for number, line in enumerate(lines, start=1):
        read += len(line)
        if not line.strip():
            continue
        try:
            document = parse_line(line, owner)
        except ValueError as exc:
            report.refused.append((number, str(exc)))
            continue
        # One version of an article per batch, the newest (the later line when two have the same time).
        known = pending.get(document.id)
        if known is None or known.received_at <= document.received_at:
            pending[document.id] = document
        if len(pending) >= batch:
            await flush()
    await flush()
    return report
