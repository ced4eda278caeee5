"""A short name is the full name the evidence gives it, and kept apart when it is not clear who or which.

A person named by surname alone ("Blair"), or without a middle name ("George Bush"), is the full name the corpus
uses for nearly everyone of that name ("Tony Blair"). Within one article the enrichment joins a short form to the
full name already; this is for articles that only ever use the short form.

An institution named by its head noun alone ("the House") is the full name whose "of" phrase that noun heads
("House of Representatives"): the one its own article names, else the one the corpus names nearly always.
"House" alone could be the House of Representatives, of Commons or of Lords: an article naming two of them, or a
corpus where none dominates, keeps it apart. A name without an "of" phrase has no head ("White House").

Whether a short form is clear in the corpus is read from the registry's counts over all full names answering to
it: one must hold `DOMINANT_SHARE` of their articles, and at least `MIN_ARTICLES`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.enrich.linking.registry import RecordView, RegistryIndex, own_key
from shared.entity_keys import HEAD_MARK, head_key, short_form_key

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
    return _dominant(key, index.family(family))


def institution_head(key: str) -> str | None:
    """The head key an organisation's name `key` is looked up by, if it is a head noun alone: "house" -> "^house"."""
    return f"{HEAD_MARK}{key}" if key and " " not in key else None


def institution_in_article(key: str, named: Iterable[tuple[str, str]]) -> set[str]:
    """The corpus ids of the institutions headed by `key` among the article's organisations, `named` as
    (name key, corpus id); one written without a qualifier stands for qualified ones ("U.S. House of ...")."""
    head = institution_head(key)
    found = {(name, corpus_id) for name, corpus_id in named if head is not None and head_key(name) == head}
    ids = {corpus_id for _, corpus_id in found}
    unqualified = {corpus_id for name, corpus_id in found if name.startswith(f"{key} of ")}
    return unqualified if len(ids) > 1 and unqualified else ids


def institution(key: str, index: RegistryIndex) -> FullName | None:
    """The one full name the organisation's head noun `key` means in this corpus, if one dominates."""
    head = institution_head(key)
    if head is None:
        return None
    return _dominant(key, [record for record in index.having(head) if record.label == "ORG"])


def _dominant(key: str, records: Sequence[RecordView]) -> FullName | None:
    candidates = [record for record in records if own_key(record) != key]
    total = sum(record.articles for record in candidates)
    if not total:
        return None
    top = max(candidates, key=lambda record: (record.articles, record.id))
    share = top.articles / total
    if top.articles < MIN_ARTICLES or share < DOMINANT_SHARE:
        return None
    return FullName(top, share)
