"""What `newsflow entities merge` and `split` record, and what they refuse."""

import pytest

from cli.relinking import OverrideError, affected, merge, split


def test_a_merge_sends_the_second_id_into_the_first() -> None:
    override = merge("person:tony-blair", "person:blair")
    assert (override.kind, override.source, override.into, override.id) == (
        "merge",
        "person:blair",
        "person:tony-blair",
        "merge:person:blair",
    )


@pytest.mark.parametrize("bad", ["blair", "person:", "person:Tony Blair", "planet:mars"])
def test_a_merge_of_something_that_is_not_an_entity_id_is_refused(bad: str) -> None:
    with pytest.raises(OverrideError, match="not an entity id"):
        merge("person:tony-blair", bad)


def test_an_entity_is_not_merged_into_itself() -> None:
    with pytest.raises(OverrideError, match="itself"):
        merge("person:blair", "person:blair")


def test_a_split_by_alias_moves_the_alias_to_its_own_id_by_default() -> None:
    override = split("person:tony-blair", alias="Blair", articles=(), into=None, taken=0)
    assert (override.into, override.alias) == ("person:blair", "Blair")


def test_a_split_of_articles_gets_the_next_free_split_id() -> None:
    override = split("person:john-smith", alias=None, articles=["a1", "a2"], into=None, taken=1)
    assert override.into == "person:john-smith-split-2"
    assert affected(override) == [{"_id": {"$in": ["a1", "a2"]}}]


@pytest.mark.parametrize(("alias", "articles"), [(None, []), ("Blair", ["a1"])], ids=["neither", "both"])
def test_a_split_needs_an_alias_or_articles_but_not_both(alias: str | None, articles: list[str]) -> None:
    with pytest.raises(OverrideError, match="one of them"):
        split("person:tony-blair", alias=alias, articles=articles, into=None, taken=0)


def test_a_split_onto_the_same_id_is_refused() -> None:
    with pytest.raises(OverrideError, match="another id"):
        split("person:blair", alias="Blair", articles=(), into=None, taken=0)
