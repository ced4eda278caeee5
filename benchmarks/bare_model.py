"""Part 1: the model alone — `nlp.pipe` over the corpus, same model, components and batch size as the worker.

Also times the worker's whole `Enricher.enrich_batch` in this process, so the gap between the model and the
pipeline can be split into "our NLP code around the model" and "broker, database and HTTP".
"""

import gc
import time
from collections.abc import Sequence
from typing import Any

from devstack.corpus import CorpusArticle
from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle

WARM_UP_ARTICLES = 8


def _nlp_pipe(enricher: Enricher, texts: Sequence[str], batch_size: int) -> int:
    """Run the model over `texts` and touch every result; returns the tokens seen."""
    tokens = 0
    for doc in enricher.nlp.pipe(texts, batch_size=batch_size):
        tokens += len(doc) + len(doc.ents)
    return tokens


def _timed_nlp_pipe(enricher: Enricher, texts: Sequence[str], batch_size: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `nlp.pipe` over `texts`, after a warm-up."""
    _nlp_pipe(enricher, texts[:WARM_UP_ARTICLES], batch_size)
    gc.collect()
    cpu_before = time.process_time()
    started = time.perf_counter()
    _nlp_pipe(enricher, texts, batch_size)
    return time.perf_counter() - started, time.process_time() - cpu_before


def measure(articles: Sequence[CorpusArticle], *, batch_size: int) -> dict[str, Any]:
    enricher = Enricher.load()
    words = sum(article.words for article in articles)
    bare_s, bare_cpu = _timed_nlp_pipe(enricher, [article.text for article in articles], batch_size)

    inputs = [ArticleText(title=article.title, body=article.body) for article in articles]
    gc.collect()
    cpu_before = time.process_time()
    started = time.perf_counter()
    results = enricher.enrich_batch(inputs, batch_size=batch_size)
    enrich_s = time.perf_counter() - started
    enrich_cpu = time.process_time() - cpu_before
    failed = sum(isinstance(result, UnprocessableArticle) for result in results)

    return {
        # Measured once more right after the end-to-end part (`again`); `articles_per_s` is then both together.
        "articles_per_s_first": round(len(articles) / bare_s, 2),
        "articles": len(articles),
        "words": words,
        "batch_size": batch_size,
        "components": list(enricher.nlp.pipe_names),
        "model": f"{enricher.model_name} {enricher.model_version}",
        "seconds": round(bare_s, 3),
        "articles_per_s": round(len(articles) / bare_s, 2),
        "words_per_s": round(words / bare_s, 1),
        "cpu_s_per_article": round(bare_cpu / len(articles), 4),
        "enrich_batch": {
            "seconds": round(enrich_s, 3),
            "articles_per_s": round(len(articles) / enrich_s, 2),
            "cpu_s_per_article": round(enrich_cpu / len(articles), 4),
            "failed": failed,
        },
    }


def again(result: dict[str, Any], articles: Sequence[CorpusArticle]) -> None:
    """Run bare `nlp.pipe` over the same articles once more and make `articles_per_s` the rate of both runs.

    The end-to-end part runs between the two, so a machine that speeds up or slows down meanwhile moves the
    baseline with it instead of favouring either side of `e2e_vs_bare`.
    """
    seconds, _ = _timed_nlp_pipe(Enricher.load(), [article.text for article in articles], result["batch_size"])
    result["articles_per_s_again"] = round(len(articles) / seconds, 2)
    result["seconds"] = round(result["seconds"] + seconds, 3)
    result["articles_per_s"] = round(2 * len(articles) / result["seconds"], 2)
    result["words_per_s"] = round(2 * result["words"] / result["seconds"], 1)
