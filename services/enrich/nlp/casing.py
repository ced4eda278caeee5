"""Wire copy in capitals re-cased for the model: "SOCCER - JAPAN GET LUCKY WIN" reads "Soccer - Japan get lucky win".

The small model learnt names from their capitals, so a headline or dateline set all in capitals hides every name
in it (or makes one of every word). The model therefore reads a copy of the text in which such lines, and a
leading dateline ("BONN (Reuters) -"), are written the way the rest of the same article writes their words: a
word the article uses in lower case ("win") goes lower case, one it capitalises mid-sentence ("Japan") or writes in
capitals ("NATO") keeps that form, a function word goes lower case, a two-letter word stays as it is ("UN"), and
any other word is capitalised (names the text has no other evidence for: "LEICESTERSHIRE"). Every character keeps
its offset, so what the model finds in the copy lies at the same place in the original.
"""

import re
from collections import Counter

from spacy.lang.en.stop_words import STOP_WORDS

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# A dateline in capitals before the story on the same line: "BONN (Reuters) -", "WASHINGTON - ", "PARIS, May 5 -".
_DATELINE = re.compile(r"^\s*([^\W\da-z_][^a-z(\n]*?)(?=\s*(?:\(|-|\u2014|\u2013|,))")
ACRONYM_LETTERS = 2  # words this short stay in capitals when the text has no other form of them ("UN", "EU")


def _shouting(text: str) -> bool:
    """Two or more letters and none of them lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


class _Evidence:
    """How the text writes each word outside its capitalised stretches."""

    def __init__(self) -> None:
        self._lower: Counter[str] = Counter()
        self._upper: Counter[str] = Counter()
        self._capitalised: dict[str, Counter[str]] = {}

    def read(self, text: str, start: int, end: int) -> None:
        previous_end = start
        for match in _WORD.finditer(text, start, end):
            word = match.group()
            key = word.casefold()
            if word.islower():
                self._lower[key] += 1
            elif word.isupper() and len(word) > 1:
                self._upper[key] += 1
            elif not word.isupper() and not _opens_sentence(text, start, previous_end, match.start()):
                self._capitalised.setdefault(key, Counter())[word] += 1
            previous_end = match.end()

    def form(self, word: str) -> str:
        key = word.casefold()
        if self._upper[key]:
            return word
        capitalised = self._capitalised.get(key)
        if capitalised and sum(capitalised.values()) >= self._lower[key]:
            return capitalised.most_common(1)[0][0]
        if self._lower[key] or key in STOP_WORDS:
            return key
        if len(word) <= ACRONYM_LETTERS:
            return word
        return word[0] + word[1:].lower()


def _opens_sentence(text: str, line_start: int, previous_end: int, start: int) -> bool:
    if previous_end == line_start or "\n" in text[previous_end:start]:
        return True
    between = text[previous_end:start].strip()
    return bool(between) and between[-1] in ".!?:\"'\u201c"


def _stretches(text: str) -> list[tuple[int, int]]:
    """The capitalised lines, and capitalised datelines at the start of a line."""
    found = []
    for line in _LINE.finditer(text):
        if _shouting(line.group()):
            found.append(line.span())
        elif (dateline := _DATELINE.match(line.group())) is not None and _shouting(dateline.group(1)):
            found.append((line.start() + dateline.start(1), line.start() + dateline.end(1)))
    return found


def recased(text: str) -> str:
    """`text` with its capitalised stretches re-cased as the rest of it writes their words; same length."""
    stretches = _stretches(text)
    if not stretches:
        return text
    evidence = _Evidence()
    position = 0
    for start, end in stretches:
        evidence.read(text, position, start)
        position = end
    evidence.read(text, position, len(text))
    pieces: list[str] = []
    position = 0
    for start, end in stretches:
        pieces.append(text[position:start])
        first = True
        cursor = start
        for match in _WORD.finditer(text, start, end):
            pieces.append(text[cursor : match.start()])
            word = match.group()
            form = evidence.form(word)
            if first:
                form = form[0].upper() + form[1:]
                first = False
            pieces.append(form if len(form) == len(word) else word)  # a few letters change length with case
            cursor = match.end()
        pieces.append(text[cursor:end])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
