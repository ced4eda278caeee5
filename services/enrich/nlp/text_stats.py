"""Length and reading time of an article body (the `stats` of its enrichment)."""

import re

from shared.documents import TextStats

# Average silent reading speed of adults for non-fiction (Brysbaert 2019, 238 words per minute).
WORDS_PER_MINUTE = 238
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def text_stats(body: str, *, sentences: int) -> TextStats:
    words = count_words(body)
    return TextStats(words=words, sentences=sentences, reading_time_minutes=round(words / WORDS_PER_MINUTE, 2))
