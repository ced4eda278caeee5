"""Quality figures for the enrichment: NER against CoNLL-annotated text, summaries against reference summaries.

Both return JSON-able dicts and print nothing; `newsflow eval ner FILE` and `newsflow eval summary DIR` show them.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer

from services.enrich.nlp.annotation import annotate
from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle
from services.enrich.nlp.stopwords import listed_stop_words
from services.enrich.nlp.summary import CANDIDATE_SENTENCES, SUMMARY_WORDS, top_by_lexrank
from shared.documents import Enrichment

# Our labels in the four CoNLL-2003 classes.
CONLL_LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
# Summaries (ours and the reference) are cut to the budget our summariser fills before scoring.
SUMMARY_BUDGET_WORDS = SUMMARY_WORDS
LEAD_SENTENCES = 3
_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")

Span = tuple[int, int, str]


@dataclass(frozen=True)
class ConllDocument:
    text: str  # tokens joined by spaces, one sentence a line
    spans: frozenset[Span]  # gold entities: character offsets into `text`, CoNLL class


def _gold_spans(tokens: Sequence[tuple[int, int, str]]) -> Iterable[Span]:
    """Entities from IOB1 or IOB2 tags: B- starts one, and so does I- after O or after another class."""
    current: list[int] | None = None
    kind = ""
    for start, end, tag in tokens:
        prefix, _, label = tag.partition("-")
        continues = current is not None and prefix == "I" and label == kind
        if continues and current is not None:
            current[1] = end
            continue
        if current is not None:
            yield current[0], current[1], kind
            current = None
        if prefix in ("B", "I"):
            current, kind = [start, end], label
    if current is not None:
        yield current[0], current[1], kind


def read_conll(path: Path) -> list[ConllDocument]:
    """Four-column CoNLL (token POS chunk tag), `-DOCSTART-` between documents, blank lines between sentences."""
    documents: list[ConllDocument] = []
    lines: list[str] = []
    tokens: list[tuple[int, int, str]] = []

    def flush() -> None:
        if tokens:
            documents.append(ConllDocument("".join(lines), frozenset(_gold_spans(tokens))))
        lines.clear()
        tokens.clear()

    offset = 0
    line_open = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        columns = raw.split()
        if not columns or columns[0] == "-DOCSTART-":
            if line_open:
                lines.append("\n")
                offset += 1
                line_open = False
            if columns:
                flush()
                offset = 0
            continue
        if line_open:
            lines.append(" ")
            offset += 1
        token = columns[0]
        tokens.append((offset, offset + len(token), columns[-1]))
        lines.append(token)
        offset += len(token)
        line_open = True
    flush()
    return documents


def _scores(gold: Sequence[frozenset[Span]], predicted: Sequence[set[Span]]) -> dict[str, object]:
    counts: dict[str, Counter[str]] = {}
    for expected, found in zip(gold, predicted, strict=True):
        for label in {span[2] for span in expected | found}:
            tally = counts.setdefault(label, Counter())
            tally["tp"] += len({s for s in expected & found if s[2] == label})
            tally["fp"] += len({s for s in found - expected if s[2] == label})
            tally["fn"] += len({s for s in expected - found if s[2] == label})

    def figures(tally: Counter[str]) -> dict[str, float | int]:
        tp, fp, fn = tally["tp"], tally["fp"], tally["fn"]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }

    overall: Counter[str] = Counter()
    for tally in counts.values():
        overall.update(tally)
    return {"overall": figures(overall), "per_label": {label: figures(counts[label]) for label in sorted(counts)}}


def evaluate_ner(enricher: Enricher, path: Path) -> dict[str, object]:
    """Exact-span micro precision/recall/F1 of our entities and of the bare model's `doc.ents`, side by side."""
    documents = read_conll(path)
    results = enricher.enrich_batch([ArticleText(title="", body=doc.text, language="en") for doc in documents])
    ours: list[set[Span]] = []
    for result in results:
        if isinstance(result, UnprocessableArticle):
            ours.append(set())
            continue
        ours.append(
            {
                (mention.start, mention.end, CONLL_LABELS[entity.label])
                for entity in result.entities
                for mention in entity.mentions
                if mention.field == "body"
            }
        )
    bare: list[set[Span]] = []
    with enricher.nlp.memory_zone():
        for doc in enricher.nlp.pipe(document.text for document in documents):
            bare.append(
                {(e.start_char, e.end_char, CONLL_LABELS[e.label_]) for e in doc.ents if e.label_ in CONLL_LABELS}
            )
    gold = [document.spans for document in documents]
    return {
        "documents": len(documents),
        "entities": sum(len(spans) for spans in gold),
        "ours": _scores(gold, ours),
        "model": _scores(gold, bare),
    }


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the BBC News Summary files are Latin-1


def _cut(text: str) -> str:
    return " ".join(text.split()[:SUMMARY_BUDGET_WORDS])


def _baselines(enricher: Enricher, bodies: Sequence[str]) -> tuple[list[str], list[str]]:
    """The first three sentences of each body, and its three most LexRank-central ones."""
    leads, central = [], []
    stop_words = listed_stop_words("en")
    with enricher.nlp.memory_zone():
        disable = [name for name in ("ner",) if name in enricher.nlp.pipe_names]
        for body, doc in zip(bodies, enricher.nlp.pipe(bodies, disable=disable), strict=True):
            texts = [body[start:end] for start, end in annotate(doc).sentences]
            leads.append(" ".join(texts[:LEAD_SENTENCES]))
            picked = top_by_lexrank(texts[:CANDIDATE_SENTENCES], stop_words, LEAD_SENTENCES)
            central.append(" ".join(texts[index] for index in picked))
    return leads, central


def evaluate_summaries(enricher: Enricher, directory: Path) -> dict[str, object]:
    """Mean ROUGE-1/2/L F1 at a 75-word budget over `News Articles/<cat>/<n>.txt` vs `Summaries/<cat>/<n>.txt`.

    Beside ours: LEAD-3 and three-sentence LexRank on the same sentences.
    """
    article_paths = sorted((directory / "News Articles").glob("*/*.txt"))
    pairs = [(path, directory / "Summaries" / path.parent.name / path.name) for path in article_paths]
    pairs = [(article, summary) for article, summary in pairs if summary.is_file()]
    titles, bodies, references = [], [], []
    for article, summary in pairs:
        # The first line is the title; an empty first line means the article has none (CNN/DailyMail).
        title, _, body = _read_text(article).lstrip("\ufeff").partition("\n")
        titles.append(title.strip())
        bodies.append(body.strip())
        references.append(_read_text(summary))
    results = enricher.enrich_batch(
        [ArticleText(title=title, body=body, language="en") for title, body in zip(titles, bodies, strict=True)]
    )
    ours = [result.summary.text if isinstance(result, Enrichment) and result.summary else "" for result in results]
    scorer = rouge_scorer.RougeScorer(list(_ROUGE_TYPES), use_stemmer=True)

    def mean_f1(candidates: Sequence[str]) -> dict[str, float]:
        totals: Counter[str] = Counter()
        for candidate, reference in zip(candidates, references, strict=True):
            scores = scorer.score(_cut(reference), _cut(candidate))
            for kind in _ROUGE_TYPES:
                totals[kind] += scores[kind].fmeasure
        return {kind: round(totals[kind] / max(len(candidates), 1), 4) for kind in _ROUGE_TYPES}

    leads, central = _baselines(enricher, bodies)
    return {
        "articles": len(pairs),
        "budget_words": SUMMARY_BUDGET_WORDS,
        "ours": mean_f1(ours),
        "lead3": mean_f1(leads),
        "lexrank3": mean_f1(central),
    }
