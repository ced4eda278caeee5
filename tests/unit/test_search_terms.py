from shared.search_terms import MAX_TERMS, normalise, terms


def test_terms_are_case_and_accent_insensitive_and_distinct() -> None:
    assert terms("Café CAFE café, São Paulo!") == ["cafe", "sao", "paulo"]
    assert normalise("Ünïcödé") == "unicode"


def test_operators_are_just_words() -> None:
    assert terms('{"$gt": ""}') == ["gt"]
    assert terms(".*") == []


def test_an_expanding_text_is_indexed_up_to_a_bounded_length_of_normalised_text() -> None:
    # U+FDFA expands 18-fold under NFKD: a megabyte of it would be 18 million characters to index.
    text = "\ufdfa " * 150_000 + "needle"
    assert "needle" not in terms(text)
    assert "needle" in terms(text, limit=len(normalise(text)))
    assert terms("plain words " * 50_000 + "needle")[-1] == "needle"  # an ordinary long body is indexed whole


def test_a_document_stores_a_bounded_number_of_distinct_terms() -> None:
    words = [f"w{n}" for n in range(MAX_TERMS * 2)]
    assert terms(" ".join(words)) == words[:MAX_TERMS]
