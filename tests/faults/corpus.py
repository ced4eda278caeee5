"""The fault suite's load: distinct real articles from the shared corpus, with some posted twice."""

import random
from typing import Any

from devstack.corpus import by_file_name, read_folder
from devstack.keys import WRITER
from shared.articles import ArticleIn, article_id

FOLDERS = ("wikinews-bulk", "wikinews")


def distinct_articles() -> dict[str, dict[str, Any]]:
    """Every corpus article by the id ingest gives it, in a stable order; text repeated in two files counts once."""
    found: dict[str, dict[str, Any]] = {}
    for folder in FOLDERS:
        for article in by_file_name(read_folder(folder)):
            fields = {"title": article.title, "body": article.body, "source": "Wikinews"}
            found.setdefault(article_id(ArticleIn.model_validate(fields), WRITER), fields)
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
