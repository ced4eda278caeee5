from shared.search_terms import normalise, terms


def test_terms_are_case_and_accent_insensitive_and_distinct() -> None:
    assert terms("Café CAFE café, São Paulo!") == ["cafe", "sao", "paulo"]
    assert normalise("Ünïcödé") == "unicode"


def test_operators_are_just_words() -> None:
    assert terms('{"$gt": ""}') == ["gt"]
    assert terms(".*") == []
