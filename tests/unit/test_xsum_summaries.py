"""Summary sets from XSum records: one paragraph a line, numbered by the BBC's id, incomplete records left out."""

import json
from pathlib import Path

from scripts import xsum_summaries


def test_the_set_keeps_paragraphs_and_ids_and_leaves_out_cut_off_or_empty_records(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "35", "dialogue": "The  bridge opened.\n\nCrowds came.", "summary": "A bridge  opened."}),
        json.dumps({"id": "36", "document": "The road closed.", "summary": "A road closed."}),
        json.dumps({"id": "37", "dialogue": float("nan"), "summary": "Nothing."}),
        '{"id": "38", "dialogue": "Cut off mid-rec',
    ]
    (tmp_path / "dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "set"
    xsum_summaries.main([str(tmp_path / "dev.jsonl"), str(out), "--reference", "highlights"])
    articles = out / "News Articles" / "xsum"
    assert sorted(p.name for p in articles.iterdir()) == ["35.txt", "36.txt"]
    # no title (an empty first line), then one paragraph a line
    assert (articles / "35.txt").read_text(encoding="utf-8") == "\nThe bridge opened.\nCrowds came.\n"
    assert (out / "Summaries" / "xsum" / "35.txt").read_text(encoding="utf-8") == "A bridge opened.\n"
    assert (out / "Summaries" / "xsum" / "36.txt").read_text(encoding="utf-8") == "A road closed.\n"
