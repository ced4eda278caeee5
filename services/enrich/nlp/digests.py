"""Press digests: the wire's round-ups of what a country's newspapers lead with ("PRESS DIGEST - Lebanon - Aug 22").

Each newspaper's name stands on a line of its own, in capitals, above the stories it ran, which are set as a list
("AN-NAHAR" over "- Confrontation is escalating ...") or after a rule of dashes ("---" over "VEERAKESARI"). The model,
reading a line of capitals with nothing around it, misses most of these names or takes them for people or places.
The layout settles it: such a line in a press digest is a newspaper's name, unless it names a country, as a digest
does when it turns to the news of another ("IRAQ" over "- A shipload of rice arrives ...").
"""

import re
from collections.abc import Callable

_DIGEST_TITLE = re.compile(r"\s*PRESS DIGEST\b", re.IGNORECASE)  # the first line (the headline, or the body's first)
# One to five words in capitals (figures allowed, "DIARIO 16"), alone on their line.
_MASTHEAD = re.compile(r"^[ \t]*([A-Z][A-Z0-9'&.-]*(?:[ \t]+[A-Z0-9][A-Z0-9'&.-]*){0,4})[ \t]*$", re.MULTILINE)
_STORY_ITEM = re.compile(r"\n[ \t]*-")  # the next line opens the paper's list of stories
_RULE_BEFORE = re.compile(r"(?:^|\n)[ \t]*-{2,}[ \t]*\n$")  # a rule of dashes ends the line before
_FILING_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def masthead_spans(text: str, is_country: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The newspapers' names in `text`, if it is a press digest (its first line says so), as (start, end)."""
    if (title := _DIGEST_TITLE.match(text)) is None:
        return []
    spans = []
    for line in _MASTHEAD.finditer(text, text.find("\n", title.end()) + 1):
        name = line.group(1)
        if _FILING_DATE.search(name) or is_country(name):
            continue
        opens_list = _STORY_ITEM.match(text, line.end()) is not None
        after_rule = _RULE_BEFORE.search(text, max(0, line.start() - 80), line.start()) is not None
        if opens_list or after_rule:
            spans.append(line.span(1))
    return spans
