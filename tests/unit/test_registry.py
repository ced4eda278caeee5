"""What one stored article contributes to the entity registry and the counters, and the difference the store
applies when a version replaces another: pure functions, so the maintained counts and a recount agree."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.database import to_mongo
from shared.registry import (
    ARTICLE_COUNTER,
    Change,
    CorpusEntity,
    RegistryRecord,
    Tally,
    bucket_days,
    bucket_id,
    bucket_query,
    contribution,
    day_key,
    name_key,
    safe_key,
)
from tests.registry_documents import document

T0 = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)


def _of(body: str, received_at: datetime = T0, **fields: object) -> Tally:
    return contribution(to_mongo(document("a1", body, received_at, **fields)))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["U.S.", "$100 bn", "a.b$c", "...", "", "Ünïcode Name", "東京"])
def test_a_safe_key_is_a_field_name_mongodb_accepts(text: str) -> None:
    key = safe_key(text)
    assert key and "." not in key and "$" not in key


def test_safe_keys_join_spellings_of_one_name_and_keep_others_apart() -> None:
    assert safe_key("U.S.") == safe_key("u s") == "u-s"
    assert safe_key("...") != safe_key("!!!")


def test_a_name_key_drops_case_accents_punctuation_and_a_leading_the() -> None:
    assert name_key("The Tories'") == "tories"
    assert name_key("  Angela   MERKEL ") == "angela merkel"
    assert name_key("Zürich") == "zurich"
    assert name_key("Theodore") == "theodore"


def test_the_day_is_the_utc_day() -> None:
    assert day_key(datetime(2026, 12, 4, 1, 0, tzinfo=UTC)) == "2026-12-04"
    assert day_key(datetime.fromisoformat("2026-12-04T01:00:00+05:00")) == "2026-12-03"


def test_an_entitys_buckets_are_found_by_entity_and_month() -> None:
    assert bucket_id("gpe:rome", "2026-01") == "gpe:rome|2026-01"
    assert bucket_query("gpe:rome") == {"entity": "gpe:rome"}
    assert bucket_query("gpe:rome", "2025-12", "2026-02") == {
        "entity": "gpe:rome",
        "month": {"$gte": "2025-12", "$lte": "2026-02"},
    }
    assert bucket_days({"month": "2026-02", "days": {"03": 2, "04": 0}}) == {"2026-02-03": 2}


def test_an_enriched_article_counts_once_per_entity_with_its_mentions_aliases_and_day() -> None:
    tally = _of("Brussels and Brussels again; Merkel spoke in Brussels.", published_at=T0 - timedelta(days=2))

    brussels = tally.entities["gpe:brussels"]
    assert brussels.inc == {
        "articles": 1,
        "mentions": 3,
        "aliases.brussels.count": 1,  # "Brussels" and its alias "BRUSSELS" are one key: the article counts once
    }
    # Its day is counted in the entity's bucket of the month, the day it was published, not received.
    assert tally.days["gpe:brussels|2026-12"].inc == {"days.01": 1}
    assert tally.days["gpe:brussels|2026-12"].on_insert == {"entity": "gpe:brussels", "month": "2026-12"}
    assert set(tally.days) == {"gpe:brussels|2026-12", "person:merkel|2026-12"}
    assert brussels.least == {"aliases.brussels.name": "BRUSSELS"}
    assert brussels.add == {"ids": {"gpe:brussels"}, "keys": {"brussels"}}
    assert brussels.on_insert == {"name": "Brussels", "label": "GPE", "kb": {}}
    assert tally.entities["person:merkel"].inc["mentions"] == 1
    assert tally.counters[ARTICLE_COUNTER].inc == {
        "total": 1,
        "status.enriched": 1,
        "language.en": 1,
        "source.wire.count": 1,
        "label.GPE": 1,
        "label.PERSON": 1,
    }
    assert tally.counters["received:2026-12-03"].inc == {"count": 1}
    assert tally.counters["published:2026-12-01"].on_insert == {"field": "published", "day": "2026-12-01"}


def test_a_failed_article_is_in_the_counters_only() -> None:
    tally = _of("Brussels", status="failed", source=None)

    assert tally.entities == {} and tally.days == {}
    assert tally.counters[ARTICLE_COUNTER].inc == {"total": 1, "status.failed": 1, "language.en": 1}
    assert set(tally.counters) == {ARTICLE_COUNTER, "received:2026-12-03"}


def test_entities_linked_to_one_corpus_entity_count_the_article_once() -> None:
    stored = to_mongo(document("a1", "Obama met Blair.", T0))
    for entity in stored["entities"]:
        entity["corpus_id"] = "person:tony-blair"
    tally = contribution(stored, {"person:tony-blair": CorpusEntity("Tony Blair", "PERSON", {"wikidata": "Q9545"})})

    assert set(tally.entities) == {"person:tony-blair"}
    record = tally.entities["person:tony-blair"]
    assert record.inc["articles"] == 1 and record.inc["mentions"] == 2
    assert record.add["ids"] == {"person:obama", "person:blair"}
    # The linker's name is searchable too, and its surname key lets the short-name rule find it.
    assert record.add["keys"] == {"obama", "blair", "tony blair", "~blair"}
    assert record.on_insert == {"name": "Tony Blair", "label": "PERSON", "kb": {"wikidata": "Q9545"}}


def test_the_same_version_again_changes_nothing() -> None:
    same = _of("Brussels and Merkel.")
    assert same.without(_of("Brussels and Merkel.")) == Tally()


def test_a_changed_version_moves_counts_from_the_old_entities_to_the_new() -> None:
    old = _of("Brussels and Merkel.")
    new = _of("Paris and Merkel and Merkel.", received_at=T0 + timedelta(days=1))

    difference = new.without(old)

    assert difference.entities["gpe:brussels"].inc == {
        "articles": -1,
        "mentions": -1,
        "aliases.brussels.count": -1,
    }
    assert difference.entities["gpe:paris"].inc["articles"] == 1
    assert difference.entities["person:merkel"].inc == {"mentions": 1}
    assert difference.days["person:merkel|2026-12"].inc == {"days.03": -1, "days.04": 1}
    assert difference.days["gpe:brussels|2026-12"].inc == {"days.03": -1}
    assert difference.days["gpe:paris|2026-12"].inc == {"days.04": 1}
    assert difference.entities["person:merkel"].add == {}  # its ids and keys are stored already
    assert ARTICLE_COUNTER not in difference.counters  # the same status, language, source and labels
    assert difference.counters["received:2026-12-03"].inc == {"count": -1}
    assert difference.counters["received:2026-12-04"].inc == {"count": 1}


def test_a_deletion_takes_back_everything_the_article_added() -> None:
    old = _of("Brussels and Merkel.")

    difference = Tally().without(old)

    assert difference.entities["gpe:brussels"].inc["articles"] == -1
    assert difference.days["gpe:brussels|2026-12"].inc == {"days.03": -1}
    assert difference.counters[ARTICLE_COUNTER].inc["total"] == -1
    assert all(not change.add and not change.least for change in difference.entities.values())


def test_an_update_increments_adds_and_sets_only_on_insert() -> None:
    change = Change()
    change.inc.update({"articles": 1, "mentions": 2})
    change.add = {"keys": {"paris", "ville lumiere"}}
    change.least = {"aliases.paris.name": "Paris"}
    change.on_insert = {"name": "Paris", "label": "GPE", "kb": {}}

    assert change.update() == {
        "$inc": {"articles": 1, "mentions": 2},
        "$addToSet": {"keys": {"$each": ["paris", "ville lumiere"]}},
        "$min": {"aliases.paris.name": "Paris"},
        "$setOnInsert": {"name": "Paris", "label": "GPE", "kb": {}},
    }


def _paris() -> Change:
    change = Change()
    change.inc.update({"articles": 1, "mentions": 2, "aliases.paris.count": 1, "aliases.ville-lumiere.count": 1})
    change.add = {"ids": {"gpe:paris"}, "keys": {"paris", "ville lumiere"}}
    change.least = {"aliases.paris.name": "PARIS", "aliases.ville-lumiere.name": "Ville Lumière"}
    change.on_insert = {"name": "Paris", "label": "GPE", "kb": {}}
    return change


def test_an_update_beyond_a_stored_record_leaves_out_what_it_holds_and_keeps_every_count() -> None:
    stored = RegistryRecord.from_mongo(
        {
            "_id": "gpe:paris",
            "articles": 4,
            "aliases": {"paris": {"name": "Paris", "count": 4}, "ville-lumiere": {"name": "Ville", "count": 0}},
            "ids": ["gpe:paris"],
            "keys": ["paris"],
        }
    )

    update = _paris().beyond(stored)

    assert update.inc == _paris().inc
    assert update.add == {"keys": {"ville lumiere"}}
    # "PARIS" sorts before "Paris", so it replaces the stored spelling; an alias counted 0 is as good as absent.
    assert update.least == {"aliases.paris.name": "PARIS", "aliases.ville-lumiere.name": "Ville Lumière"}
    assert _paris().beyond(RegistryRecord.from_mongo({"_id": "gpe:paris", **_paris().record("gpe:paris")})) == Change(
        inc=_paris().inc, on_insert=_paris().on_insert
    )


def test_a_new_record_holds_what_its_upsert_would_set() -> None:
    assert _paris().record("gpe:paris") == {
        "_id": "gpe:paris",
        "name": "Paris",
        "label": "GPE",
        "kb": {},
        "articles": 1,
        "mentions": 2,
        "aliases": {"paris": {"count": 1, "name": "PARIS"}, "ville-lumiere": {"count": 1, "name": "Ville Lumière"}},
        "ids": ["gpe:paris"],
        "keys": ["paris", "ville lumiere"],
    }
