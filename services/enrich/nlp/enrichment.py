"""The enrichment of one article: a pure function of its title, body and declared language.

`Enricher.load()` reads the heavy resources (spaCy model, language detector) once per process; `enrich` and
`enrich_batch` then turn text into an `Enrichment` (entities, summary, key phrases, stats). Nothing here knows
about brokers or databases.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.language import Language

from services.enrich.nlp.annotation import Annotation
from services.enrich.nlp.annotator import Annotator, ModelFailure, ModelInput
from services.enrich.nlp.casing import recased
from services.enrich.nlp.chunks import Chunk, split_into_chunks
from services.enrich.nlp.entities import canonical_entities
from services.enrich.nlp.keywords import key_phrases
from services.enrich.nlp.language import LanguageIdentifier
from services.enrich.nlp.layout import ArticleLayout
from services.enrich.nlp.stopwords import stop_words
from services.enrich.nlp.summary import DEFAULT_SENTENCES, summarise
from services.enrich.nlp.text_stats import text_stats
from shared.documents import Enrichment, Pipeline

PIPELINE_VERSION = "1.17.0"

# The only language the NER model was trained on; other languages get no entities.
NER_LANGUAGE = "en"
# When lingua cannot tell (a few words, mostly numbers or names), the model's own language is the best guess.
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class ArticleText:
    title: str
    body: str
    language: str | None = None  # ISO 639-1 declared by the client; wins over detection


class UnprocessableArticle(Exception):
    """The NLP cannot handle this article (permanent: retrying will not help)."""


@dataclass(frozen=True)
class PreparedArticle:
    """An article laid out for the model, its language settled."""

    layout: ArticleLayout
    language: str
    language_source: Literal["declared", "detected"]
    chunks: list[Chunk]

    @property
    def recognises_entities(self) -> bool:
        return self.language == NER_LANGUAGE

    @property
    def model_text(self) -> str:
        """The text as the model reads it (capitalised headlines re-cased), same offsets as `layout.text`."""
        return "".join(chunk.text for chunk in self.chunks)

    @property
    def model_input(self) -> ModelInput:
        return ModelInput(self.chunks, with_entities=self.recognises_entities)


def model_inputs(prepared: Sequence[PreparedArticle | UnprocessableArticle]) -> list[ModelInput | None]:
    """What the model reads of each prepared article; `None` for one rejected already."""
    return [item.model_input if isinstance(item, PreparedArticle) else None for item in prepared]


class Enricher:
    """Heavy resources (spaCy model, language detector) loaded once per process, then reused.

    The work comes in three steps: `prepare_batch` (layout, language), the model (`Annotator.annotate_batch`),
    and `finish_batch` (entities, summary, key phrases, stats). `enrich_batch` runs all three here; the worker runs
    the model in a process of its own and the other two beside its event loop, with an `Enricher` built
    without an annotator.
    """

    def __init__(
        self,
        *,
        languages: LanguageIdentifier,
        annotator: Annotator | None = None,
        model_name: str | None = None,
        model_version: str | None = None,
        summary_sentences: int = DEFAULT_SENTENCES,
    ) -> None:
        self._annotator = annotator
        self._languages = languages
        self._summary_sentences = summary_sentences
        self.model_name: str = model_name or (annotator.model_name if annotator else "unknown")
        self.model_version: str = model_version or (annotator.model_version if annotator else "unknown")

    @classmethod
    def load(cls, *, summary_sentences: int = DEFAULT_SENTENCES) -> "Enricher":
        return cls(annotator=Annotator.load(), languages=LanguageIdentifier.load(), summary_sentences=summary_sentences)

    @property
    def annotator(self) -> Annotator:
        if self._annotator is None:
            raise RuntimeError("this Enricher was built without a model (the worker runs it in another process)")
        return self._annotator

    @property
    def nlp(self) -> Language:
        """The loaded spaCy pipeline (the evaluation compares its bare entities with ours)."""
        return self.annotator.nlp

    def pipeline(self, worker: str | None = None) -> Pipeline:
        return Pipeline(
            version=PIPELINE_VERSION, model=self.model_name, model_version=self.model_version, worker=worker
        )

    def enrich(self, article: ArticleText) -> Enrichment:
        """Raises `UnprocessableArticle` when the NLP cannot handle the article."""
        (result,) = self.enrich_batch([article])
        if isinstance(result, UnprocessableArticle):
            raise result
        return result

    def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int = 16
    ) -> list[Enrichment | UnprocessableArticle]:
        """One result per article, in order; an article that fails gets an `UnprocessableArticle` in its slot."""
        batch_size = max(1, batch_size)
        results: list[Enrichment | UnprocessableArticle] = []
        for first in range(0, len(articles), batch_size):
            batch = self.prepare_batch(articles[first : first + batch_size])
            results.extend(self.finish_batch(batch, self.annotator.annotate_batch(model_inputs(batch), batch_size)))
        return results

    def prepare_batch(self, articles: Sequence[ArticleText]) -> list[PreparedArticle | UnprocessableArticle]:
        """Layout and language of each article: the step before the model."""
        return [self._prepare(article) for article in articles]

    def finish_batch(
        self,
        prepared: Sequence[PreparedArticle | UnprocessableArticle],
        annotations: Sequence[Annotation | ModelFailure | None],
    ) -> list[Enrichment | UnprocessableArticle]:
        """The enrichment of each prepared article from what the model found in it: the step after the model."""
        return [self._finish(item, annotation) for item, annotation in zip(prepared, annotations, strict=True)]

    def _prepare(self, article: ArticleText) -> PreparedArticle | UnprocessableArticle:
        if not any(ch.isalnum() for ch in article.title + article.body):
            return UnprocessableArticle("the article has no words to analyse")
        layout = ArticleLayout(article.title, article.body)
        language_source: Literal["declared", "detected"] = "declared"
        language = (article.language or "").strip().lower()
        if not language:
            language_source = "detected"
            language = self._languages.detect(layout.text) or FALLBACK_LANGUAGE
        return PreparedArticle(layout, language, language_source, split_into_chunks(recased(layout.text)))

    def _finish(
        self, item: PreparedArticle | UnprocessableArticle, annotation: Annotation | ModelFailure | None
    ) -> Enrichment | UnprocessableArticle:
        if isinstance(item, UnprocessableArticle):
            return item
        if isinstance(annotation, ModelFailure):
            return UnprocessableArticle(annotation.reason)
        if annotation is None:
            raise ValueError("a prepared article needs the model's annotation")
        try:
            return self._enrichment(item, annotation)
        except Exception as error:
            failure = UnprocessableArticle(f"enrichment failed on this article: {error!r}")
            failure.__cause__ = error
            return failure

    def _enrichment(self, item: PreparedArticle, annotation: Annotation) -> Enrichment:
        layout = item.layout
        offset = layout.body_offset
        sentences = [(start - offset, end - offset) for start, end in annotation.sentences if start >= offset]
        stops = stop_words(item.language, layout.body)
        return Enrichment(
            language=item.language,
            language_source=item.language_source,
            entities=canonical_entities(layout, annotation.entities, model_text=item.model_text)
            if item.recognises_entities
            else [],
            entities_note=None
            if item.recognises_entities
            else f"named entities are only recognised in English; this article is in '{item.language}'",
            summary=summarise(
                layout.body, sentences, title=layout.title, stop_words=stops, count=self._summary_sentences
            ),
            keywords=key_phrases(layout.title, layout.body, stop_words=stops),
            stats=text_stats(layout.body, sentences=len(sentences)),
        )
