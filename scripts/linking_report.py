"""How many of the corpus's most frequent entities are split ids, before and after linking.

    .venv/bin/python -m scripts.linking_report [--top 100] [--cache .newsflow/linking-corpus.jsonl]

Enriches the shared Wikinews corpus once (a few minutes; cached as JSON lines keyed by the pipeline version),
then links every article in arrival order against an in-memory registry, as the store does batch by batch,
and prints the top entities by article count before (article-level ids) and after (corpus ids), with the
groups of ids in the top that name one entity. A group is found by evidence the linker does not use on its own
top-level ranking: ids whose names share a gazetteer record, a surname-only person and the full names ending
with it, an organisation's head noun alone and the full names it heads ("House", "House of Representatives"),
a place's name and that name with one more word ("Gaza", "Gaza Strip"), or one slug under two labels (a
language and its speakers, "Spanish", are two entities).
"""

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from devstack.enriched_corpus import enriched_corpus
from devstack.workspace import ROOT, STATE_DIR_NAME
from services.enrich.linking import Linker, MemoryRegistry
from services.enrich.linking.gazetteer import Gazetteer
from services.enrich.linking.labels import one_entity
from services.enrich.linking.parties import group_key, party_keys
from shared.documents import ArticleDocument
from shared.entity_keys import head_key, name_key

BATCH = 16  # the worker's batch size: the registry learns between batches, as it does in the store


def linked(
    documents: Sequence[ArticleDocument], linker: Linker, registry: MemoryRegistry, *, relink: bool = False
) -> list[ArticleDocument]:
    """Every document linked in arrival order, batch by batch, the registry updated after each batch as the
    store does; with `relink`, `documents` are stored already and each batch replaces its stored version."""
    out: list[ArticleDocument] = []
    for first in range(0, len(documents), BATCH):
        batch = documents[first : first + BATCH]
        done = linker.link(batch, registry.view(linker.lookups(batch))).documents
        if relink:
            registry.remove(batch)
        registry.add(done)
        out.extend(done)
    return out


def methods(documents: Sequence[ArticleDocument]) -> None:
    """How many entity mentions each rule linked, and the commonest links that changed an id."""
    used: Counter[str] = Counter()
    changed: Counter[tuple[str, str, str]] = Counter()
    for document in documents:
        for entity in document.entities:
            method = entity.link.method if entity.link else "none"
            used[method] += 1
            if entity.corpus_id != entity.id:
                changed[(method, entity.id, entity.corpus_id or "")] += 1
    print("  links by method: " + ", ".join(f"{method} {count}" for method, count in used.most_common()))
    for method in ("short-name", "label", "alias", "gazetteer"):
        common = [(f"{a} -> {b}", n) for (m, a, b), n in changed.most_common() if m == method][:12]
        print(f"  {method}: " + "; ".join(f"{text} ({n})" for text, n in common))


def ranking(documents: Sequence[ArticleDocument], *, corpus: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    for document in documents:
        ids = document.corpus_entities if corpus else {entity.id for entity in document.entities}
        counts.update(set(ids))
    return counts


def names_by_id(documents: Sequence[ArticleDocument], *, corpus: bool) -> dict[str, Counter[str]]:
    """The names and aliases written for each id, counted by article."""
    names: dict[str, Counter[str]] = {}
    for document in documents:
        for entity in document.entities:
            key = (entity.corpus_id or entity.id) if corpus else entity.id
            names.setdefault(key, Counter()).update({entity.name, *entity.aliases})
    return names


def _keys(identifier: str, names: Counter[str]) -> set[str]:
    return {name_key(name) for name in names} | {identifier.partition(":")[2].replace("-", " ")}


def split_groups(top: Sequence[str], names: dict[str, Counter[str]], counts: Counter[str]) -> list[list[str]]:
    """Groups of ids among `top` that name one entity (see the module docstring)."""
    gazetteer = Gazetteer.load()
    parent = {identifier: identifier for identifier in top}

    def find(identifier: str) -> str:
        while parent[identifier] != identifier:
            identifier = parent[identifier]
        return identifier

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    def key_of(identifier: str) -> str:
        return identifier.partition(":")[2].replace("-", " ")

    claimed: dict[str, str] = {}
    for identifier in top:
        label = identifier.partition(":")[0]
        keys = {key_of(identifier)}
        # an alias written in a third of its articles or more: "US" with "United States"
        keys |= {name_key(n) for n, c in names.get(identifier, Counter()).items() if c * 3 >= counts[identifier]}
        if label == "norp":
            keys |= {group_key(key) for key in keys} | {k for key in keys for k in party_keys(key)}
        if label in ("gpe", "loc"):
            keys |= {p.corpus_id for k in keys if (p := gazetteer.find(k)) is not None}
        for key in keys:
            if (other := claimed.setdefault(key, identifier)) != identifier:
                join(identifier, other)
    persons = [identifier for identifier in top if identifier.startswith("person:")]
    for short in persons:
        words = key_of(short).split()
        for full in persons:
            full_words = key_of(full).split()
            if len(words) < len(full_words) and full_words[-1] == words[-1] and words[0] in (full_words[0], words[-1]):
                join(short, full)
    for short in top:
        label, words = short.partition(":")[0], key_of(short).split()
        for longer in top:
            if longer.partition(":")[0] != label or longer == short:
                continue
            longer_key = key_of(longer)
            if label == "org" and len(words) == 1 and head_key(longer_key) == f"^{words[0]}":
                join(short, longer)
            if label in ("gpe", "loc") and longer_key.split()[:-1] == words:
                join(short, longer)
    groups: dict[str, list[str]] = {}
    for identifier in top:
        groups.setdefault(find(identifier), []).append(identifier)
    return [group for group in groups.values() if len(group) > 1]


def label_drift(top: Sequence[str], counts: Counter[str]) -> list[tuple[str, str]]:
    """Ids among `top` whose name the corpus holds more often under another label."""
    by_slug: dict[str, list[str]] = {}
    for identifier in counts:
        by_slug.setdefault(identifier.partition(":")[2], []).append(identifier)
    drifted = []
    for identifier in top:
        label = identifier.partition(":")[0].upper()
        same = [o for o in by_slug[identifier.partition(":")[2]] if one_entity(label, o.partition(":")[0].upper())]
        best = max(same, key=lambda other: counts[other])
        if best != identifier:
            drifted.append((identifier, best))
    return drifted


def report(documents: Sequence[ArticleDocument], *, title: str, corpus: bool, top: int) -> None:
    counts = ranking(documents, corpus=corpus)
    leaders = [identifier for identifier, _ in counts.most_common(top)]
    groups = split_groups(leaders, names_by_id(documents, corpus=corpus), counts)
    drift = label_drift(leaders, counts)
    extra = sum(len(group) - 1 for group in groups)
    print(f"\n## {title}: {extra} split id(s) among the top {top}")
    for group in sorted(groups, key=lambda g: -max(counts[i] for i in g)):
        print("  " + ", ".join(f"{identifier} ({counts[identifier]})" for identifier in group))
    print(f"   and {len(drift)} id(s) whose name the corpus holds more often under another label")
    for identifier, other in drift:
        print(f"  {identifier} ({counts[identifier]}) / {other} ({counts[other]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--cache", type=Path, default=ROOT / STATE_DIR_NAME / "linking-corpus.jsonl")
    parser.add_argument("--show", type=int, default=0, help="also print the first N of each ranking")
    args = parser.parse_args()
    documents = enriched_corpus(args.cache)
    print(f"{len(documents)} enriched articles")
    linker = Linker()
    registry = MemoryRegistry(linker)
    once = linked(documents, linker, registry)
    relinked = linked(once, linker, registry, relink=True)
    for title, corpus, docs in (
        ("before linking", False, documents),
        ("linked once, in arrival order", True, once),
        ("after `newsflow entities relink --all`", True, relinked),
    ):
        report(docs, title=title, corpus=corpus, top=args.top)
        if corpus:
            methods(docs)
        if args.show:
            print("  " + ", ".join(f"{i} {n}" for i, n in ranking(docs, corpus=corpus).most_common(args.show)))


if __name__ == "__main__":
    main()
