"""A person named by surname alone ("Blair"), or without a middle name ("George Bush"), is the full name the
corpus uses for nearly everyone of that name ("Tony Blair"), and kept apart when it is not clear who.

Whether a short form is clear is read from the registry's counts over all full names answering to it: one must
hold `DOMINANT_SHARE` of their articles, and at least `MIN_ARTICLES`. Within one article the enrichment joins a
short form to the full name already; this is for articles that only ever use the short form.
"""

from dataclasses import dataclass

from services.enrich.linking.registry import RecordView, RegistryIndex, own_key
from shared.entity_keys import short_form_key

DOMINANT_SHARE = 0.8
MIN_ARTICLES = 3


@dataclass(frozen=True)
class FullName:
    record: RecordView
    share: float  # of the articles of every full name answering to the short form


def full_name(key: str, index: RegistryIndex) -> FullName | None:
    """The one full name the short person's name `key` means in this corpus, if one dominates."""
    family = short_form_key(key)
    if family is None:
        return None
    candidates = [record for record in index.family(family) if own_key(record) != key]
    total = sum(record.articles for record in candidates)
    if not total:
        return None
    top = max(candidates, key=lambda record: (record.articles, record.id))
    share = top.articles / total
    if top.articles < MIN_ARTICLES or share < DOMINANT_SHARE:
        return None
    return FullName(top, share)
