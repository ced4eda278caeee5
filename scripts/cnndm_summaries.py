"""Summary development data from CNN/DailyMail articles, in the layout `newsflow eval summary DIR` reads.

    .venv/bin/python -m scripts.cnndm_summaries CSV OUT [--first 0] [--count 500] [--reference oracle|long|highlights]

CSV has the columns `article` and `highlights` (the CNN/DailyMail 3.0.0 validation subset named in
docs/enrichment.md). Rows `first` .. `first + count - 1` become `OUT/News Articles/cnndm/<row>.txt` (an empty first
line, since the articles have no title, then the article) and `OUT/Summaries/cnndm/<row>.txt`.

The highlights are written by editors, not taken from the article, so against them every extractive method
scores low and close together. `--reference oracle` (the default) writes instead the article's own sentences that
best match the highlights: chosen greedily, up to three, each adding the most ROUGE-1 + ROUGE-2 F1 (n-gram sets,
lower-cased words) until none adds any, and kept in article order. That is how BertSum/PreSumm (Liu and Lapata,
2019) label extractive training data, and it gives an extractive reference like the ones newswire summary sets
hand out. `--reference long` writes a longer extract, like the newswire sets whose references keep the important
sentences (often 40% of them) rather than three: up to `LONG_SHARE` of the article's sentences, each adding the
most ROUGE-1 + ROUGE-2 *recall* of the highlights (recall, because an F1 target stops after two or three sentences).
Sentences are split by the model the enrichment uses, as `newsflow eval summary` splits them for its
baselines, so a reference sentence is one a summariser could pick.
"""

import argparse
import csv
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from services.enrich.nlp.annotation import annotate
from services.enrich.nlp.annotator import Annotator

ORACLE_SENTENCES = 3  # as in PreSumm's labelling; CNN/DailyMail highlights are three or four sentences
LONG_SHARE = 0.4  # of an article's sentences, for `--reference long`
CATEGORY = "cnndm"
_WORD = re.compile(r"[a-z0-9]+")

NGrams = frozenset[tuple[str, ...]]


def _ngrams(words: Sequence[str], n: int) -> NGrams:
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def _recall(candidate: NGrams, reference: NGrams) -> float:
    return len(candidate & reference) / len(reference) if reference else 0.0


def _f1(candidate: NGrams, reference: NGrams) -> float:
    overlap = len(candidate & reference)
    if not overlap:
        return 0.0
    precision, recall = overlap / len(candidate), overlap / len(reference)
    return 2 * precision * recall / (precision + recall)


def oracle(
    sentences: Sequence[str], reference: str, size: int = ORACLE_SENTENCES, *, recall: bool = False
) -> list[int]:
    """Indices (in article order) of up to `size` sentences chosen greedily to maximise ROUGE-1 + ROUGE-2 F1
    (or recall)."""
    measure = _recall if recall else _f1
    target = _WORD.findall(reference.lower())
    wanted = (_ngrams(target, 1), _ngrams(target, 2))
    words = [_WORD.findall(sentence.lower()) for sentence in sentences]
    unigrams = [_ngrams(w, 1) for w in words]
    bigrams = [_ngrams(w, 2) for w in words]
    chosen: list[int] = []
    best = 0.0
    have: tuple[NGrams, NGrams] = (frozenset(), frozenset())
    for _ in range(size):
        pick, pick_score = -1, best
        for index in range(len(sentences)):
            if index in chosen:
                continue
            score = measure(have[0] | unigrams[index], wanted[0]) + measure(have[1] | bigrams[index], wanted[1])
            if score > pick_score:
                pick, pick_score = index, score
        if pick < 0:
            break  # no sentence adds anything: a shorter extract matches better
        chosen.append(pick)
        best = pick_score
        have = (have[0] | unigrams[pick], have[1] | bigrams[pick])
    return sorted(chosen)


def long_size(sentences: int) -> int:
    """How many sentences a long reference may keep: `LONG_SHARE` of the article, at least the usual three."""
    return max(ORACLE_SENTENCES, math.ceil(LONG_SHARE * sentences))


def references(articles: Sequence[str], highlights: Sequence[str], kind: str) -> list[str]:
    """Each article's reference of `kind`: its oracle or long extract against the highlights, or the highlights."""
    if kind not in ("oracle", "long"):
        return list(highlights)
    nlp = Annotator.load().nlp
    extracts = []
    with nlp.memory_zone():
        for article, doc, highlight in zip(articles, nlp.pipe(articles, disable=["ner"]), highlights, strict=True):
            sentences = [article[start:end] for start, end in annotate(doc).sentences]
            if kind == "long":
                picked = oracle(sentences, highlight, long_size(len(sentences)), recall=True)
            else:
                picked = oracle(sentences, highlight)
            extracts.append(" ".join(sentences[index] for index in picked))
    return extracts


def write_set(
    out: Path,
    category: str,
    numbers: Sequence[int],
    articles: Sequence[str],
    summaries: Sequence[str],
    titles: Sequence[str] | None = None,
) -> None:
    """`OUT/News Articles/<category>/<n>.txt` (title, or an empty line, then the article) and
    `OUT/Summaries/<category>/<n>.txt`, the layout `newsflow eval summary` reads."""
    (out / "News Articles" / category).mkdir(parents=True, exist_ok=True)
    (out / "Summaries" / category).mkdir(parents=True, exist_ok=True)
    heads = titles if titles is not None else [""] * len(articles)
    for number, title, article, summary in zip(numbers, heads, articles, summaries, strict=True):
        (out / "News Articles" / category / f"{number}.txt").write_text(f"{title}\n{article}\n", encoding="utf-8")
        (out / "Summaries" / category / f"{number}.txt").write_text(f"{summary}\n", encoding="utf-8")


def arguments(description: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """CSV, OUT, the rows to take and the kind of reference (shared with the sibling set builders)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("csv", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--reference", choices=("oracle", "long", "highlights"), default="oracle")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.split("\n\n")[0], argv)
    csv.field_size_limit(sys.maxsize)
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[args.first : args.first + args.count]
    numbers = range(args.first, args.first + len(rows))
    articles = [" ".join(row["article"].split()) for row in rows]  # one paragraph, as stored
    highlights = [" ".join(row["highlights"].split()) for row in rows]
    write_set(args.out, CATEGORY, numbers, articles, references(articles, highlights, args.reference))
    print(f"wrote {len(rows)} articles and {args.reference} references to {args.out}")


if __name__ == "__main__":
    main()
