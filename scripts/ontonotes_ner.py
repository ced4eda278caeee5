"""Entity development data in OntoNotes' style, for `newsflow eval ner`.

    .venv/bin/python -m scripts.ontonotes_ner DIR OUT

DIR holds CoNLL-2012 `*.gold_conll` files (OntoNotes 5.0 as the CoNLL-2012 shared task formatted it; docs/enrichment.md
names the copy and the split). Each document part becomes one CoNLL-2003 document in OUT: the token, its part of speech,
a placeholder chunk and an IOB2 tag of OntoNotes' name types mapped to PER/ORG/LOC/MISC as `CONLL_LABELS` maps ours
(numbers, dates and amounts are not names, so they are `O`). The held-out set is newswire with OntoNotes' types
mapped the same way, so this data checks that rules learnt on CoNLL-2003's sports-heavy wire copy hold there.
OntoNotes draws a leading "the" and a trailing possessive into names; `_as_a_reader_draws` leaves both out.
"""

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from cli.evaluation import CONLL_LABELS

# The Penn Treebank's escapes for brackets and its quote tokens, back to what a reporter types.
_TREEBANK_TOKENS = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_OPEN = re.compile(r"^\((?P<kind>[A-Z_]+)")
WORD_COLUMN, POS_COLUMN, NAME_COLUMN = 3, 4, 10


def tagged_sentences(lines: Iterable[str]) -> Iterator[list[tuple[str, str, str]] | None]:
    """Sentences of (token, part of speech, IOB2 tag); None where a document part begins."""
    sentence: list[tuple[str, str, str]] = []
    kind: str | None = None
    inside = False
    for raw in lines:
        if raw.startswith("#begin document"):
            yield None
            continue
        columns = raw.split()
        if not columns or raw.startswith("#"):
            if sentence:
                yield sentence
                sentence = []
            continue
        word = _TREEBANK_TOKENS.get(columns[WORD_COLUMN], columns[WORD_COLUMN])
        name = columns[NAME_COLUMN]
        opened = _OPEN.match(name)
        if opened:
            kind = CONLL_LABELS.get(opened["kind"])
            inside = False
        tag = "O"
        if kind is not None:
            tag = f"{'I' if inside else 'B'}-{kind}"
            inside = True
        sentence.append((word, columns[POS_COLUMN], tag))
        if name.endswith(")"):
            kind, inside = None, False
    if sentence:
        yield sentence


def _document(sentences: list[list[tuple[str, str, str]]]) -> str:
    lines = ["-DOCSTART- -X- -X- O\n\n"]
    lines += ["".join(f"{word} {pos} O {tag}\n" for word, pos, tag in sentence) + "\n" for sentence in sentences]
    return "".join(lines)


def _as_a_reader_draws(sentence: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Leave a leading "the" and a trailing possessive out of every name, as our spans and CoNLL-2003's do.

    OntoNotes takes both in ("the European Union", "Moody 's"); the held-out set, like a reader, does not.
    """
    tags = [tag for _, _, tag in sentence]
    starts = [i for i, tag in enumerate(tags) if tag.startswith("B-")]
    for start in starts:
        end = start + 1
        while end < len(tags) and tags[end].startswith("I-"):
            end += 1
        if end - start > 1 and sentence[start][0].lower() == "the":
            tags[start], tags[start + 1] = "O", "B-" + tags[start][2:]
            start += 1
        if end - start > 1 and sentence[end - 1][0] in ("'s", "'"):
            tags[end - 1] = "O"
    return [(word, pos, tag) for (word, pos, _), tag in zip(sentence, tags, strict=True)]


def convert(paths: Iterable[Path]) -> Iterator[str]:
    """A CoNLL-2003 document for every document part in `paths` that has names annotated, in order.

    Some parts (the translated Chinese and Arabic newswire among them) carry no name annotation at all, only `*`:
    scored as gold, every name in them would count against us, so a part without a single name is left out.
    """
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            part: list[list[tuple[str, str, str]]] = []
            for sentence in [*tagged_sentences(handle), None]:
                if sentence is not None:
                    part.append(_as_a_reader_draws(sentence))
                    continue
                if any(tag != "O" for words in part for _, _, tag in words):
                    yield _document(part)
                part = []


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    paths = sorted(source.rglob("*.gold_conll"))
    if not paths:
        print(f"no *.gold_conll files under {source}", file=sys.stderr)
        return 1
    with out.open("w", encoding="utf-8") as handle:
        handle.writelines(convert(paths))
    print(f"{len(paths)} files -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
