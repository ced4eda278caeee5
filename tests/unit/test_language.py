"""Language detection on samples written for these tests; declared language wins; only English gets entities."""

import pytest

from services.enrich.nlp.enrichment import ArticleText, Enricher
from services.enrich.nlp.language import LanguageIdentifier

SAMPLES = {
    "en": "The city council approved a new budget for schools and roads on Tuesday evening after a long debate.",
    "fr": "Le conseil municipal a approuvé mardi soir un nouveau budget pour les écoles et les routes après un "
    "long débat.",
    "de": "Der Stadtrat hat am Dienstagabend nach einer langen Debatte einen neuen Haushalt für Schulen und "
    "Straßen beschlossen.",
    "sw": "Serikali ya Kenya imetangaza mpango mpya wa kujenga shule na barabara katika maeneo ya vijijini mwaka "
    "huu. Waziri alisema kwamba wananchi wengi watafaidika.",
    "so": "Dowladda Soomaaliya ayaa sheegtay in ay dhisi doonto dugsiyo iyo waddooyin cusub sanadkan. Wasiirka "
    "ayaa sheegay in dadka badankiisu ay ka faa'iidaysan doonaan mashruucan.",
    "yo": "Ìjọba ìpínlẹ̀ Èkó ti kéde pé àwọn yóò kọ́ ilé-ìwé tuntun àti ọ̀nà fún àwọn ará ìlú ní ọdún yìí. Gómìnà "
    "sọ pé iṣẹ́ náà yóò bẹ̀rẹ̀ ní oṣù tó ń bọ̀.",
    "xh": "Urhulumente uthe uza kwakha izikolo ezintsha neendlela ezilalini kulo nyaka. Umphathiswa uthe abantu "
    "abaninzi baza kuxhamla kule projekthi.",
    "sn": "Hurumende yakazivisa kuti ichavaka zvikoro zvitsva nemigwagwa mumaruwa gore rino. Gurukota rakati "
    "vanhu vazhinji vachabatsirwa nechirongwa ichi.",
    "lg": "Gavumenti erangiridde nti egenda kuzimba amasomero amapya n'enguudo mu byalo omwaka guno. Minisita "
    "yagambye nti abantu bangi bajja kuganyulwa mu pulojekiti eno.",
}


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier.load()


@pytest.mark.parametrize(("code", "text"), SAMPLES.items(), ids=list(SAMPLES))
def test_detects_each_language(identifier: LanguageIdentifier, code: str, text: str) -> None:
    assert identifier.detect(text) == code


def test_too_little_text_is_undecided(identifier: LanguageIdentifier) -> None:
    assert identifier.detect("2024 - 3:1") is None


def test_detected_language_is_marked_detected(enricher: Enricher) -> None:
    result = enricher.enrich(ArticleText(title="Haushalt beschlossen", body=SAMPLES["de"]))
    assert (result.language, result.language_source) == ("de", "detected")


def test_declared_language_wins(enricher: Enricher) -> None:
    result = enricher.enrich(ArticleText(title="Budget", body=SAMPLES["fr"], language="sw"))
    assert (result.language, result.language_source) == ("sw", "declared")


def test_declared_english_gets_entities(enricher: Enricher) -> None:
    result = enricher.enrich(ArticleText(title="Kenya", body="President William Ruto visited Nairobi.", language="en"))
    assert result.entities and result.entities_note is None


@pytest.mark.parametrize("code", ["fr", "sw", "lg"])
def test_other_languages_get_no_entities_but_a_note_summary_and_stats(enricher: Enricher, code: str) -> None:
    result = enricher.enrich(ArticleText(title="Habari", body=SAMPLES[code]))
    assert result.language == code
    assert result.entities == []
    assert result.entities_note is not None and code in result.entities_note
    assert result.summary is not None and result.summary.sentences and result.summary.text
    assert result.stats is not None
    assert result.stats.words == len(SAMPLES[code].replace("'", " ").split()) or result.stats.words > 10
    assert result.keywords
