"""The shared corpus: 2,408 real English news articles from Wikinews, by Wikinews contributors.

Licensed under Creative Commons Attribution 2.5 (https://creativecommons.org/licenses/by/2.5/);
`../shared/corpus/README.md` keeps the attribution, and whoever ships these files must keep it too.
Each `.txt` file is the title, a blank line, then the body; each folder's `sources.tsv` lists its articles
with their original address and date.
"""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.workspace import SHARED
from services.enrich.nlp.layout import ArticleLayout

CORPUS = SHARED / "corpus"
FOLDERS = ("wikinews", "wikinews-bulk")
CORPUS_SIZE = 2_408


@dataclass(frozen=True)
class CorpusArticle:
    path: Path
    title: str
    body: str
    url: str
    published: str  # YYYY-MM-DD, or empty when the corpus does not know

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON body of `POST /v1/articles` (language left to detection, as most clients do)."""
        fields: dict[str, Any] = {"title": self.title, "body": self.body, "source": "Wikinews", "url": self.url}
        if self.published:
            fields["published_at"] = f"{self.published}T00:00:00Z"
        return fields

    @property
    def text(self) -> str:
        """What the model reads: the worker's own layout of title and body."""
        return ArticleLayout(self.title, self.body).text

    @property
    def words(self) -> int:
        return len(self.text.split())


def read_folder(name: str, *, corpus: Path = CORPUS) -> list[CorpusArticle]:
    """The articles of one folder, in the order of its `sources.tsv`."""
    folder = corpus / name
    with (folder / "sources.tsv").open(newline="", encoding="utf-8") as tsv:
        rows = list(csv.DictReader(tsv, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = []
    for row in rows:
        path = folder / f"{row['id']}.txt"
        if not path.exists():
            continue
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        found.append(CorpusArticle(path, title.strip(), body.strip(), row["url"], row["date"]))
    return found


def by_file_name(articles: list[CorpusArticle]) -> list[CorpusArticle]:
    return sorted(articles, key=lambda article: article.path.name)


def load_articles(count: int, *, corpus: Path = CORPUS) -> list[CorpusArticle]:
    """`count` distinct articles spread evenly over the whole corpus (both folders), always the same ones."""
    every = [article for name in FOLDERS for article in read_folder(name, corpus=corpus)]
    if count > len(every):
        raise ValueError(f"the corpus has {len(every)} articles; asked for {count}")
    step = len(every) / count
    return [every[int(i * step)] for i in range(count)]


def cycled(articles: list[CorpusArticle], count: int) -> list[CorpusArticle]:
    """`count` articles, repeating the list as needed (for parts where duplicate ids do not matter)."""
    return [articles[i % len(articles)] for i in range(count)]
