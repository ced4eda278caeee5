"""Summary development data from Indian newspapers' articles with Inshorts' summaries, for `newsflow eval summary`.

    .venv/bin/python -m scripts.inshorts_summaries CSV OUT [--first N] [--count N] [--reference oracle|long|highlights]

CSV is the Kaggle NEWS SUMMARY file `news_summary.csv` (docs/enrichment.md names the copy): Latin-1, with the columns
`headlines` (Inshorts' title), `text` (Inshorts' summary of about 60 words, written by its editors) and `ctext`
(the full article, mostly from the Hindustan Times, India Today and the Guardian). Rows `first` ..
`first + count - 1` whose article has at least `MIN_ARTICLE_WORDS` words, and that do not repeat an earlier row's
article, become `OUT/News Articles/inshorts/<row>.txt` (the headline on the first line, then the article) and
`OUT/Summaries/inshorts/<row>.txt`. References are built from the summary as `scripts.cnndm_summaries` builds them
from the highlights: the oracle extract, the long extract (up to two-fifths of the sentences) or the summary itself.

The file lost its typographic characters on the way (curly quotes, apostrophes and dashes are `?`), and paragraphs
were joined without a space ("media.The"), so `clean` repairs both before the sentence splitter sees the text:
otherwise every quotation would end a sentence at its opening mark and two sentences would run together.
"""

import csv
import re
import sys
from collections.abc import Sequence

from scripts.cnndm_summaries import arguments, references, write_set

CATEGORY = "inshorts"
# Shorter articles are briefs: the lead three sentences are most of them, and two-fifths of them is the lead.
MIN_ARTICLE_WORDS = 200
_INSIDE_WORD = re.compile(r"(?<=[A-Za-z])\?(?=[A-Za-z])")  # don?t, Patel?s: a lost apostrophe
_DASH = re.compile(r"(?<=\s)\?(?=\s)")  # "notifications ? one mandating": a lost dash
_MARK = re.compile(r"\?")
_JOINED = re.compile(r"(?<=[a-z][.!?])(?=[A-Z])|(?<=[a-z][.!?][\"'])(?=[A-Z])")  # "media.The", paragraphs run together


def _quotes(text: str) -> str:
    """Turn each remaining `?` that opens a quotation, and the next one that closes it, into `"`.

    A `?` before a word, after a space or at the start, opens; while a quotation is open, the next `?` closes it.
    Any other `?` is a question mark (the file keeps real ones as `?` too).
    """
    out: list[str] = []
    open_quote = False
    last = 0
    for match in _MARK.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        after = text[start + 1] if start + 1 < len(text) else " "
        out.append(text[last:start])
        if not open_quote and before.isspace() and (after.isalnum() or after == "'"):
            out.append('"')
            open_quote = True
        elif not open_quote and before in ".,!" and after.isalnum():  # "workplace.?It has": a quotation opens
            out.append(' "')
            open_quote = True
        elif open_quote:
            out.append('"')
            open_quote = False
        else:
            out.append("?")
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def clean(text: str) -> str:
    """The article as one paragraph, with its lost apostrophes, dashes and quotation marks and the spaces between
    run-together sentences restored."""
    text = " ".join(text.split())
    text = _INSIDE_WORD.sub("'", text)
    text = _DASH.sub("-", text)
    text = _quotes(text)
    return _JOINED.sub(" ", text)


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.split("\n\n")[0], argv)
    csv.field_size_limit(sys.maxsize)
    with args.csv.open(encoding="latin-1", newline="") as handle:  # the Kaggle file is Latin-1, not UTF-8
        rows = list(csv.DictReader(handle))
    numbers, titles, articles, summaries = [], [], [], []
    seen: set[str] = set()
    for number, row in enumerate(rows[: args.first + args.count]):
        article = clean(row["ctext"])
        repeated = article in seen  # also of a row before `first`, so no article is in two sets
        seen.add(article)
        if number < args.first or repeated or len(article.split()) < MIN_ARTICLE_WORDS:
            continue
        numbers.append(number)
        titles.append(clean(row["headlines"]))
        articles.append(article)
        summaries.append(clean(row["text"]))
    write_set(args.out, CATEGORY, numbers, articles, references(articles, summaries, args.reference), titles)
    print(f"wrote {len(articles)} articles and {args.reference} references to {args.out}")


if __name__ == "__main__":
    main()
