"""Capitalised headlines and datelines re-cased for the model from the article's own spelling."""

from services.enrich.nlp.casing import recased

BODY = "Japan began the defence of their Asian Cup title with a lucky win against Syria, a surprise for China."


def test_a_capitalised_headline_is_written_as_the_article_writes_its_words() -> None:
    text = f"SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\n{BODY}"
    assert recased(text).splitlines()[0] == "Soccer - Japan get lucky win , China in surprise Defeat ."


def test_a_dateline_is_recased_and_the_story_after_it_is_not() -> None:
    text = "BONN (Reuters) - NATO met in Bonn on Monday, said the UN."
    assert recased(text) == "Bonn (Reuters) - NATO met in Bonn on Monday, said the UN."


def test_acronyms_stay_in_capitals() -> None:
    text = "EU AND NATO TALKS\nNEW YORK 72 53\nThe NATO summit and the talks."
    assert recased(text).splitlines()[:2] == ["EU and NATO talks", "New York 72 53"]


def test_offsets_never_move_and_ordinary_text_is_untouched() -> None:
    text = f"STRASSE GROSS İSTANBUL ÉLAN\n{BODY}"
    assert len(recased(text)) == len(text)
    assert recased(BODY) == BODY
