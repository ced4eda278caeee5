"""The label of a name settled by the corpus: a name the registry holds mostly under another label is that
entity, whatever the model called it in this article ("Manchester United" as a person is the club).

The other label's record must hold `LABEL_SHARE` of the articles of every record of that name and at least
`MIN_ARTICLES`: one mislabelled article never moves the others.
"""

from services.enrich.linking.registry import RecordView, RegistryIndex

LABEL_SHARE = 2 / 3
MIN_ARTICLES = 3


def settled(key: str, label: str, index: RegistryIndex) -> RecordView | None:
    """The record of another label that the name `key` (labelled `label` here) belongs to, if the corpus says so."""
    records = index.named(key)
    total = sum(record.articles for record in records)
    best = max(records, key=lambda record: (record.articles, record.id), default=None)
    if best is None or best.label == label or best.articles < MIN_ARTICLES or best.articles < LABEL_SHARE * total:
        return None
    return best
