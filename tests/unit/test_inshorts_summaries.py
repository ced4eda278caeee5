"""Summary sets from the Inshorts NEWS SUMMARY file: its lost punctuation repaired, briefs and repeats left out."""

import csv
from pathlib import Path

from scripts import cnndm_summaries, inshorts_summaries
from scripts.inshorts_summaries import MIN_ARTICLE_WORDS, clean


def test_lost_apostrophes_dashes_and_quotation_marks_are_restored() -> None:
    text = "The UT?s order ? issued on Monday ? said: ?Tie rakhis,? the order said."
    assert clean(text) == 'The UT\'s order - issued on Monday - said: "Tie rakhis," the order said.'


def test_a_real_question_mark_stays() -> None:
    assert clean("Who knew? Nobody did.") == "Who knew? Nobody did."


def test_sentences_run_together_are_split_by_a_space() -> None:
    assert clean("It was slammed on social media.The union territory withdrew it.") == (
        "It was slammed on social media. The union territory withdrew it."
    )


def test_a_quotation_opening_straight_after_a_stop_gets_its_space() -> None:
    expected = 'at the workplace. "It has been decided," it said.'
    assert clean("at the workplace.?It has been decided,? it said.") == expected


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="latin-1", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["author", "date", "headlines", "read_more", "text", "ctext"])
        writer.writeheader()
        writer.writerows(rows)


def test_the_set_has_the_headline_as_title_and_leaves_out_briefs_and_repeated_articles(tmp_path: Path) -> None:
    long_article = "The minister opened the bridge. " * (MIN_ARTICLE_WORDS // 5 + 1)
    other_article = "The council closed the road. " * (MIN_ARTICLE_WORDS // 5 + 1)
    rows = [
        {"author": "A", "date": "", "headlines": "Bridge opens", "read_more": "", "text": "Bridge opened.",
         "ctext": long_article},
        {"author": "B", "date": "", "headlines": "Brief", "read_more": "", "text": "Short.", "ctext": "Too short."},
        {"author": "C", "date": "", "headlines": "Again", "read_more": "", "text": "Again.", "ctext": long_article},
        {"author": "D", "date": "", "headlines": "Road shut", "read_more": "", "text": "Road closed \xa3.",
         "ctext": other_article},
    ]  # fmt: skip
    _write_csv(tmp_path / "news_summary.csv", rows)
    out = tmp_path / "set"
    inshorts_summaries.main([str(tmp_path / "news_summary.csv"), str(out), "--first", "1", "--reference", "highlights"])
    # Row 0 is before `first`, row 1 is a brief and row 2 repeats row 0's article: only row 3 is written.
    assert sorted(p.name for p in (out / "News Articles" / "inshorts").iterdir()) == ["3.txt"]
    title, body = (out / "News Articles" / "inshorts" / "3.txt").read_text(encoding="utf-8").split("\n", 1)
    assert title == "Road shut"
    assert body.strip() == other_article.strip()
    assert (out / "Summaries" / "inshorts" / "3.txt").read_text(encoding="utf-8") == "Road closed \xa3.\n"


def test_cnndm_sets_keep_their_layout_an_empty_title_line_then_the_article(tmp_path: Path) -> None:
    with (tmp_path / "cnndm.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "article", "highlights"])
        writer.writeheader()
        writer.writerow({"id": "x", "article": "One  sentence.\nTwo.", "highlights": "One ."})
    cnndm_summaries.main([str(tmp_path / "cnndm.csv"), str(tmp_path / "set"), "--reference", "highlights"])
    assert (tmp_path / "set" / "News Articles" / "cnndm" / "0.txt").read_text(encoding="utf-8") == (
        "\nOne sentence. Two.\n"
    )
    assert (tmp_path / "set" / "Summaries" / "cnndm" / "0.txt").read_text(encoding="utf-8") == "One .\n"
