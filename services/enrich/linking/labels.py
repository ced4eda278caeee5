"""The label of a name settled by the corpus: a name the registry holds mostly under another label is that
entity, whatever the model called it in this article ("Manchester United" as a person is the club).

The other label's record must hold `LABEL_SHARE` of the articles of every record of that name and at least
`MIN_ARTICLES`: one mislabelled article never moves the others. Two kinds of evidence outweigh the corpus:
  - a language and its speakers share a name ("Spanish", "English"): both labels are right in the articles
    that use them, so a name never moves between `SHARED_NAMES`' labels;
  - a person's full name the article also writes as the surname alone ("Tsvangirai said") is a person there,
    however often the model took the full name for an organisation elsewhere.
"""

from collections.abc import Iterable

from services.enrich.linking.registry import RecordView, RegistryIndex
from shared.entity_keys import name_key

LABEL_SHARE = 2 / 3
MIN_ARTICLES = 3
SHARED_NAMES = frozenset({"LANGUAGE", "NORP"})


def one_entity(label: str, other: str) -> bool:
    """Whether one name under these two labels can only be one entity, mislabelled under one of them."""
    return label == other or not {label, other} <= SHARED_NAMES


def settled(key: str, label: str, index: RegistryIndex, aliases: Iterable[str] = ()) -> RecordView | None:
    """The record of another label that the name `key` (labelled `label` here, written also as `aliases` in its
    article) belongs to, if the corpus says so."""
    if label == "PERSON" and _named_by_surname(key, aliases):
        return None
    records = index.named(key)
    total = sum(record.articles for record in records)
    best = max(records, key=lambda record: (record.articles, record.id), default=None)
    if best is None or best.label == label or best.articles < MIN_ARTICLES or best.articles < LABEL_SHARE * total:
        return None
    return best if one_entity(label, best.label) else None


def _named_by_surname(key: str, aliases: Iterable[str]) -> bool:
    head, _, surname = key.rpartition(" ")
    return bool(head) and any(name_key(alias) == surname for alias in aliases)
