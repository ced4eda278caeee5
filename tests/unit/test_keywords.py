"""Key phrases from text alone."""

from services.enrich.nlp.keywords import key_phrases
from services.enrich.nlp.stopwords import listed_stop_words, stop_words

STOP_WORDS = listed_stop_words("en")
TITLE = "Peace talks resume in Geneva"
BODY = (
    "Peace talks between the two governments resumed in Geneva on Monday.\n\n"
    "Delegates said the peace talks would focus on the ceasefire line. Geneva's mayor welcomed them.\n\n"
    "The ceasefire line has held since March, and both sides said peace talks could last weeks."
)


def test_frequent_title_phrase_ranks_first_with_score_one() -> None:
    keywords = key_phrases(TITLE, BODY, stop_words=STOP_WORDS)
    assert keywords[0].text.casefold() == "peace talks"
    assert keywords[0].score == 1.0
    assert all(0.0 <= k.score <= 1.0 for k in keywords)
    assert [k.score for k in keywords] == sorted((k.score for k in keywords), reverse=True)


def test_phrases_are_specific_not_stop_words_or_fragments() -> None:
    texts = [k.text.casefold() for k in key_phrases(TITLE, BODY, stop_words=STOP_WORDS)]
    assert "ceasefire line" in texts
    assert "geneva" in texts and "geneva's" not in texts
    assert not set(texts) & {"the", "said", "and", "peace"}  # "peace" only occurs inside "peace talks"
    assert len(texts) == len(set(texts))


def test_limit_and_empty_text() -> None:
    assert len(key_phrases(TITLE, BODY, stop_words=STOP_WORDS, limit=2)) == 2
    assert key_phrases("", "", stop_words=STOP_WORDS) == []


def test_a_language_without_a_stop_list_uses_its_most_frequent_short_words() -> None:
    body = "Serikali ya Kenya na serikali ya Uganda. Rais wa Kenya na rais wa Uganda."
    words = stop_words("sw", body)
    assert {"ya", "na", "wa"} <= words
    texts = [k.text for k in key_phrases("Kenya na Uganda", body, stop_words=words)]
    assert "Kenya" in texts and "na" not in texts


def test_a_phrase_and_its_longer_form_are_not_both_kept() -> None:
    body = "Saint Francis Hospital took ten patients. Saint Francis Hospital took two more. Doctors worked."
    texts = [k.text for k in key_phrases("Crash victims treated", body, stop_words=STOP_WORDS)]
    assert "Saint Francis Hospital" in texts
    assert not {"Saint Francis", "Francis Hospital", "Hospital"} & set(texts)


def test_a_phrase_is_shown_as_it_is_most_often_spelled_and_on_a_tie_as_first_seen() -> None:
    body = "The IAEA inspectors left. Iaea staff stayed. The IAEA said so.\n\nUnicef helped. UNICEF agreed."
    texts = [k.text for k in key_phrases("Nuclear watchdog", body, stop_words=STOP_WORDS)]
    assert "IAEA" in texts and "Iaea" not in texts  # two "IAEA" against one "Iaea"
    assert "Unicef" in texts and "UNICEF" not in texts  # one each: the first spelling seen
