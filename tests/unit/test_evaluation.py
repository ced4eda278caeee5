"""The evaluation commands on small samples written for these tests (tests/fixtures)."""

from pathlib import Path

import pytest

from cli.evaluation import SUMMARY_BUDGET_WORDS, evaluate_ner, evaluate_summaries, read_conll
from services.enrich.nlp.enrichment import Enricher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CONLL = FIXTURES / "conll" / "sample.conll"
SUMMARIES = FIXTURES / "summaries"


def test_read_conll_rebuilds_text_and_gold_spans() -> None:
    documents = read_conll(CONLL)
    assert len(documents) == 3
    first = documents[0]
    assert first.text.splitlines()[0] == "Angela Merkel met Emmanuel Macron in Paris on Monday ."
    found = {(first.text[start:end], label) for start, end, label in first.spans}
    assert {("Angela Merkel", "PER"), ("Paris", "LOC"), ("European Union", "ORG"), ("French", "MISC")} <= found
    assert sum(len(document.spans) for document in documents) == 21


def test_read_conll_accepts_iob1(tmp_path: Path) -> None:
    path = tmp_path / "iob1.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nNew NNP I-NP I-LOC\nYork NNP I-NP I-LOC\nParis NNP I-NP B-LOC\nrain NN I-NP O\n"
    )
    (document,) = read_conll(path)
    assert sorted((document.text[s:e], label) for s, e, label in document.spans) == [
        ("New York", "LOC"),
        ("Paris", "LOC"),
    ]


def test_evaluate_ner_reports_ours_beside_the_bare_model(enricher: Enricher) -> None:
    report = evaluate_ner(enricher, CONLL)
    assert (report["documents"], report["entities"]) == (3, 21)
    ours, model = report["ours"], report["model"]
    assert isinstance(ours, dict) and isinstance(model, dict)
    for figures in (ours["overall"], model["overall"]):
        assert 0.0 <= figures["precision"] <= 1.0 and 0.0 <= figures["recall"] <= 1.0
        assert figures["tp"] + figures["fn"] == 21
    assert set(ours["per_label"]) <= {"PER", "ORG", "LOC", "MISC"}
    # "the European Union": the bare model keeps the article, we trim it as CoNLL does
    assert ours["overall"]["f1"] > model["overall"]["f1"]
    assert ours["overall"]["precision"] >= model["overall"]["precision"]


def test_evaluate_summaries_reports_rouge_beside_lead_3(enricher: Enricher) -> None:
    report = evaluate_summaries(enricher, SUMMARIES)
    assert (report["articles"], report["budget_words"]) == (3, SUMMARY_BUDGET_WORDS)
    ours, lead3, lexrank3 = report["ours"], report["lead3"], report["lexrank3"]
    assert isinstance(ours, dict) and isinstance(lead3, dict) and isinstance(lexrank3, dict)
    assert set(ours) == set(lead3) == set(lexrank3) == {"rouge1", "rouge2", "rougeL"}
    assert all(0.0 < value <= 1.0 for value in (*ours.values(), *lead3.values(), *lexrank3.values()))
    assert ours["rouge2"] >= lead3["rouge2"]


def test_evaluate_summaries_of_an_empty_directory(enricher: Enricher, tmp_path: Path) -> None:
    report = evaluate_summaries(enricher, tmp_path)
    assert report["articles"] == 0
    assert report["ours"] == pytest.approx({"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0})
