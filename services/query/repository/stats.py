"""Article counts by status, language, source and entity label, from the totals the store maintains."""

from services.query.repository.corpus import Corpus
from services.query.schemas import Stats, ValueCount


def _top(counts: dict[str, int], *, total: int | None, values: int) -> list[ValueCount]:
    """The `values` most frequent values; with `total`, the articles without a value count as `null`."""
    rows: list[tuple[str | None, int]] = [(value, count) for value, count in counts.items() if count > 0]
    if total is not None and (unknown := total - sum(counts.values())) > 0:
        rows.append((None, unknown))
    rows.sort(key=lambda row: (-row[1], row[0] or ""))
    return [ValueCount(value=value, count=count) for value, count in rows[:values]]


async def article_stats(corpus: Corpus, *, values: int) -> Stats:
    """Each breakdown lists its `values` most frequent values."""
    totals = await corpus.totals(fresh=True)
    return Stats(
        total=totals.total,
        by_status=_top(totals.status, total=None, values=values),
        by_language=_top(totals.language, total=totals.total, values=values),
        by_source=_top(totals.source, total=totals.total, values=values),
        by_label=_top(totals.label, total=None, values=values),
    )
