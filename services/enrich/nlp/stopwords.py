"""Function words per language, which carry no topic: left out of key phrases and summary similarity."""

import importlib.util
import re
from collections import Counter
from functools import cache
from pathlib import Path

import spacy.lang

_WORD = re.compile(r"\w+")
# News verbs and fillers too common in reports to say what one is about.
_NEWS_WORDS = frozenset(
    {"said", "says", "say", "told", "tell", "also", "would", "could", "according", "added", "year", "years"}
    | {"yesterday", "today", "tomorrow", "tonight", "early", "earlier", "late", "later", "week", "weeks"}
    | {"day", "days", "month", "months", "one", "two", "three", "four", "five", "six", "seven", "eight"}
    | {"nine", "ten", "first", "second", "third", "last", "next", "including", "several"}
)


@cache
def listed_stop_words(language: str) -> frozenset[str]:
    """spaCy's stop list for the language, or empty where spaCy has none (Swahili, Somali, Xhosa, Shona...)."""
    # Only the stop-list file is run: importing the language package (`spacy.lang.fr`) builds its tokenizer
    # exceptions, which takes seconds for some languages.
    path = Path(spacy.lang.__file__).parent / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_stop_words_{language}", path)
    if not language.isalpha() or not path.is_file() or spec is None or spec.loader is None:
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    words = frozenset(module.STOP_WORDS)
    return words | _NEWS_WORDS if language == "en" else words


def stop_words(language: str, text: str) -> frozenset[str]:
    """The listed stop words, else the text's own most frequent short words (function words are short and common)."""
    listed = listed_stop_words(language)
    if listed:
        return listed
    counts = Counter(word.casefold() for word in _WORD.findall(text) if len(word) <= 4)
    return frozenset(word for word, _ in counts.most_common(25))
