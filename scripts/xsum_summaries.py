"""Summary development data from XSum (BBC articles of 2010 to 2017), in the layout `newsflow eval summary DIR` reads.

    .venv/bin/python -m scripts.xsum_summaries JSONL OUT [--first 0] [--count 500] [--reference oracle|long|highlights]

JSONL holds one XSum record a line: `id` (the BBC's), the article as `document` (or `dialogue`, as OpenCompass
stores it) with one paragraph a line, and its one-sentence `summary`. Records `first` .. `first + count - 1` become
`OUT/News Articles/xsum/<id>.txt` (an empty first line: XSum keeps no title) and `OUT/Summaries/xsum/<id>.txt`; a
record cut off or without an article is left out. The references are built as `scripts.cnndm_summaries` builds
them, from the summary instead of highlights.

XSum's summary is each article's first sentence, which the set then removes from the article: what remains opens
on its second sentence, so the lead is weaker here than in any news as published. That makes it the one public set
we have on which three-sentence LexRank beats LEAD-3 against oracle extracts, as it does on the held-out newswire.
"""

import json
from collections.abc import Sequence

from scripts.cnndm_summaries import arguments, references, write_set

CATEGORY = "xsum"


def records(lines: Sequence[str]) -> list[tuple[int, str, str]]:
    """(id, article, summary) of each complete record with an article and a summary; paragraphs one a line."""
    found = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a copy cut off mid-record
        document = record.get("document", record.get("dialogue"))
        summary = record.get("summary")
        if not isinstance(document, str) or not isinstance(summary, str) or not document.strip() or not summary.strip():
            continue
        paragraphs = (" ".join(paragraph.split()) for paragraph in document.split("\n"))
        found.append((int(record["id"]), "\n".join(p for p in paragraphs if p), " ".join(summary.split())))
    return found


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.split("\n\n")[0], argv)
    lines = args.csv.read_text(encoding="utf-8").splitlines()[args.first : args.first + args.count]
    rows = records(lines)
    articles = [article for _, article, _ in rows]
    summaries = [summary for _, _, summary in rows]
    write_set(
        args.out, CATEGORY, [number for number, _, _ in rows], articles, references(articles, summaries, args.reference)
    )
    print(f"wrote {len(rows)} articles and {args.reference} references to {args.out}")


if __name__ == "__main__":
    main()
