"""Distinct real articles from the shared Wikinews corpus (CC BY 2.5, Wikinews contributors).

Each `.txt` file is the title, a blank line, then the body; `../shared/corpus/README.md` keeps the attribution.
"""

import random
from pathlib import Path
from typing import Any

from shared.articles import ArticleIn, article_id
from tests.servers import CORPUS

FOLDERS = ("wikinews-bulk", "wikinews")


def _read(path: Path) -> dict[str, Any] | None:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    if not title.strip() or not body.strip():
        return None
    return {"title": title.strip(), "body": body.strip(), "source": "Wikinews"}


def distinct_articles() -> dict[str, dict[str, Any]]:
    """Every corpus article by the id ingest gives it, in a stable order; text repeated in two files counts once."""
    found: dict[str, dict[str, Any]] = {}
    for folder in FOLDERS:
        for path in sorted((CORPUS / folder).glob("*.txt")):
            fields = _read(path)
            if fields is not None:
                found.setdefault(article_id(ArticleIn.model_validate(fields)), fields)
    return found


def submissions(count: int, *, offset: int, duplicate_share: float = 0.1, seed: int = 0) -> list[dict[str, Any]]:
    """`count` distinct articles starting at `offset` (wrapping), plus re-posts of a random tenth of them.

    Each re-post comes later than its first post, somewhere in the rest of the stream.
    """
    everything = list(distinct_articles().values())
    if count > len(everything):
        raise ValueError(f"the corpus has only {len(everything)} distinct articles")
    chosen = [everything[(offset + n) % len(everything)] for n in range(count)]
    rng = random.Random(seed)
    order = list(range(count))
    for original in rng.sample(range(count), int(count * duplicate_share)):
        order.insert(rng.randint(order.index(original) + 1, len(order)), original)
    return [chosen[n] for n in order]
