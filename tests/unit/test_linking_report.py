"""The linking report's split check: the groups of top ids it counts as one entity are what keeps the figures in
docs/linking.md honest."""

from collections import Counter

from scripts.linking_report import label_drift, split_groups


def test_a_head_noun_alone_and_a_place_with_one_more_word_are_counted_as_splits() -> None:
    top = ["org:white-house", "org:house", "org:house-of-representatives", "gpe:gaza", "gpe:gaza-strip", "gpe:new-york"]
    counts = Counter({identifier: 10 for identifier in top})
    groups = split_groups(top, {}, counts)
    assert sorted(sorted(group) for group in groups) == [
        ["gpe:gaza", "gpe:gaza-strip"],
        ["org:house", "org:house-of-representatives"],
    ]


def test_a_language_and_its_speakers_are_not_one_name_under_two_labels() -> None:
    counts = Counter({"language:english": 30, "norp:english": 40, "person:twitter": 5, "org:twitter": 37})
    assert label_drift(["language:english", "person:twitter"], counts) == [("person:twitter", "org:twitter")]
