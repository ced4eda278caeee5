"""Which language an article is written in (ISO 639-1), by lingua over a fixed set of news languages."""

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The languages our sources publish in, and their close neighbours so those are not mistaken for them
# (Zulu beside Xhosa, Afrikaans beside Dutch). Low-accuracy mode (trigram models only) keeps all of them in
# a small fraction of the full models' memory; on article-length text it is as accurate.
LANGUAGES = (
    Language.ENGLISH,
    Language.FRENCH,
    Language.GERMAN,
    Language.SPANISH,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.DUTCH,
    Language.SWAHILI,
    Language.SOMALI,
    Language.YORUBA,
    Language.XHOSA,
    Language.ZULU,
    Language.SHONA,
    Language.GANDA,
    Language.AFRIKAANS,
    Language.ARABIC,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.CHINESE,
    Language.TURKISH,
)
# Enough text to decide; the rest of a long article only costs time.
SAMPLE_CHARS = 1_000  # about 170 words; lingua's time grows with the length of the text


class LanguageIdentifier:
    def __init__(self, detector: LanguageDetector) -> None:
        self._detector = detector

    @classmethod
    def load(cls) -> "LanguageIdentifier":
        builder = LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode()
        return cls(builder.with_preloaded_language_models().build())

    def detect(self, text: str) -> str | None:
        """ISO 639-1 code, or None when the text is too short or mixed to tell."""
        language = self._detector.detect_language_of(text[:SAMPLE_CHARS])
        return None if language is None else str(language.iso_code_639_1.name.lower())
